package io.github.stad.engine.net;

import org.slf4j.LoggerFactory;

import java.lang.reflect.Method;

/**
 * Keeps DJL's logging to warnings when the host's logging has no say about it. Under slf4j-simple (the
 * command line) system properties do that ({@link Djl#engine}); under logback, which Fiji ships without
 * a configuration and so at DEBUG, DJL would print a dozen lines per run and, on a CPU-only machine, a
 * "Failed to detect GPU count" warning that the device note already explains. A level a user configured
 * is left alone; logback is reached by reflection, as it is the host's library, not a dependency.
 */
final class DjlLogging {

	private DjlLogging() {}

	static void quiet() {
		setIfUnset(LoggerFactory.getLogger("ai.djl"), "WARN");
		setIfUnset(LoggerFactory.getLogger("ai.djl.util.cuda"), "ERROR");
	}

	/**
	 * Gives a logger that has no level of its own (logback: {@code getLevel()} is null, it inherits) the named
	 * level of its {@code Level} type; true when set. Loggers without such methods (slf4j-simple, nop) are left alone.
	 */
	static boolean setIfUnset(Object logger, String level) {
		try {
			Method get = logger.getClass().getMethod("getLevel");
			if (get.invoke(logger) != null) return false;
			Class<?> type = get.getReturnType();
			logger.getClass().getMethod("setLevel", type).invoke(logger, type.getField(level).get(null));
			return true;
		} catch (ReflectiveOperationException | RuntimeException e) {
			return false;
		}
	}
}
