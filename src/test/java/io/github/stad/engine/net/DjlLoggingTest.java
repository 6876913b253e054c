package io.github.stad.engine.net;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** DJL's loggers get a level only where logback has none configured; other loggers are left alone. */
class DjlLoggingTest {

	/** Shaped like logback's Level: named constants. */
	public static final class Level {
		public static final Level DEBUG = new Level(), WARN = new Level(), ERROR = new Level();
	}

	/** Shaped like logback's Logger: a level of its own or null (inherited). */
	public static final class Logger {
		private Level level;

		public Level getLevel() { return level; }

		public void setLevel(Level level) { this.level = level; }
	}

	@Test
	void aLoggerWithoutALevelOfItsOwnGetsTheNamedLevel() {
		Logger logger = new Logger();
		assertTrue(DjlLogging.setIfUnset(logger, "WARN"));
		assertSame(Level.WARN, logger.getLevel());
	}

	@Test
	void aConfiguredLevelIsKept() {
		Logger logger = new Logger();
		logger.setLevel(Level.DEBUG);
		assertFalse(DjlLogging.setIfUnset(logger, "ERROR"));
		assertSame(Level.DEBUG, logger.getLevel());
	}

	@Test
	void loggersOfOtherBackendsAreLeftAlone() {
		assertFalse(DjlLogging.setIfUnset(org.slf4j.LoggerFactory.getLogger("ai.djl"), "WARN")); // slf4j-simple in the tests
		assertFalse(DjlLogging.setIfUnset(new Object(), "WARN"));
	}
}
