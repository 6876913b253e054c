package io.github.stad.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.measure.ResultsTable;
import org.junit.jupiter.api.Test;

/** The triage zoom, the live threshold's number fields and the tables macros read through call(). */
class SmallPartsTest {

	@Test
	void smallImagesOpenZoomedSoThatTheyCanBeSeenLargeOnesAtFullSize() {
		assertEquals(4, BatchTriage.zoomFor(128, 128));
		assertEquals(2, BatchTriage.zoomFor(256, 100));
		assertEquals(16, BatchTriage.zoomFor(8, 8));
		assertEquals(1, BatchTriage.zoomFor(300, 300));
		assertEquals(1, BatchTriage.zoomFor(4000, 3000));
		for (int side = 1; side <= 600; side++) assertTrue(side * BatchTriage.zoomFor(side, side) <= Math.max(512, side), "side " + side);
	}

	@Test
	void theLiveThresholdFieldsSayWhichNumberToCorrect() {
		assertEquals(2.5, LiveThresholdDialog.number(" 2.5 ", "threshold"));
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LiveThresholdDialog.number("1,5", "target false-positive rate"));
		assertTrue(e.getMessage().contains("target false-positive rate") && e.getMessage().contains("1,5"), e.getMessage());
	}

	@Test
	void macrosReadTheLatestTableOfATitleInFullPrecision() {
		ResultsTable t = new ResultsTable();
		t.incrementCounter();
		t.addValue("au_pro", 0.123456789);
		t.addValue("flagged", "yes");
		Tables.publish(t, "Test Table"); // headless: kept, not shown
		assertEquals("0.123456789", Tables.get("Test Table", "au_pro", "0"));
		assertEquals("yes", Tables.get("Test Table", "flagged", "0"));
		assertEquals("1", Tables.size("Test Table"));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> Tables.get("Test Table", "au_pro", "1")).getMessage().contains("1 row(s)"));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> Tables.get("Test Table", "nope", "0")).getMessage().contains("au_pro"));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> Tables.size("No Such Table")).getMessage().contains("run the command"));
	}
}
