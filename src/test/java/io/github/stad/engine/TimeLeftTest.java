package io.github.stad.engine;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Time left from a clock the test sets: no real time is measured. */
class TimeLeftTest {

	@Test
	void theRestIsTheTimeSoFarScaledByWhatRemains() {
		AtomicLong now = new AtomicLong(1_000_000_000L);
		List<String> messages = new ArrayList<>();
		TimeLeft progress = new TimeLeft((m, f) -> messages.add(m), now::get);
		progress.update("Scoring a (1/4)", 0);
		now.addAndGet(30_000_000_000L); // 30 s for a quarter
		progress.update("Scoring b (2/4)", 0.25);
		progress.range(0.25, 0.5).update("Scoring b: p=33, tile 2/2", 0.5); // 37.5 % through the whole
		assertEquals(List.of("Scoring a (1/4)", "Scoring b (2/4) · about 2 min left", "Scoring b: p=33, tile 2/2 · about 50 s left"), messages);
		assertEquals(90, progress.secondsLeft(0.25), 1e-9);
	}

	@Test
	void tooLittleDoneOrAlreadyDoneGivesNoGuess() {
		AtomicLong now = new AtomicLong();
		TimeLeft progress = new TimeLeft(Progress.NONE, now::get);
		now.set(1_000_000_000L);
		assertTrue(Double.isNaN(progress.secondsLeft(0.5)), "after one second");
		now.set(60_000_000_000L);
		assertTrue(Double.isNaN(progress.secondsLeft(0.001)), "a thousandth done");
		assertTrue(Double.isNaN(progress.secondsLeft(1)), "done");
		assertTrue(Double.isNaN(progress.secondsLeft(-1)), "unknown");
	}

	@Test
	void durationsReadAsAPersonWouldSayThem() {
		assertEquals("40 s", TimeLeft.duration(40.2));
		assertEquals("3 min", TimeLeft.duration(170));
		assertEquals("2 h 05 min", TimeLeft.duration(2 * 3600 + 5 * 60 + 10));
	}
}
