package io.github.stad.engine.regions;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.stad.engine.regions.Regions.Region;
import org.junit.jupiter.api.Test;

import java.util.List;

class RegionsTest {

	static final int W = 10, H = 6;

	/**
	 * A: diagonal chain (1,1) (2,2) (3,3), only 8-connected, with a below-threshold neighbour at (4,4);
	 * B: 2x2 square at (6,1) whose corner equals the threshold; C: a single hot pixel at (9,5); NaN at (0,5).
	 */
	static float[] map() {
		float[] m = new float[W * H];
		set(m, 1, 1, 0.9f);
		set(m, 2, 2, 0.6f);
		set(m, 3, 3, 0.7f);
		set(m, 4, 4, 0.49f);
		set(m, 6, 1, 0.5f);
		set(m, 7, 1, 0.8f);
		set(m, 6, 2, 1.0f);
		set(m, 7, 2, 0.6f);
		set(m, 9, 5, 2.0f);
		set(m, 0, 5, Float.NaN);
		return m;
	}

	static void set(float[] m, int x, int y, float v) {
		m[y * W + x] = v;
	}

	@Test
	void findsTwoBlobsDropsTheSmallOneAndSortsByMax() {
		List<Region> regions = Regions.find(map(), W, H, 0.5, 2);
		assertEquals(2, regions.size(), regions.toString());

		Region b = regions.get(0);
		assertEquals(1, b.label());
		assertEquals(4, b.area());
		assertEquals(1.0, b.maxScore(), 1e-6);
		assertEquals((0.5 + 0.8 + 1.0 + 0.6) / 4, b.meanScore(), 1e-6);
		assertEquals(7.0, b.centroidX(), 1e-9); // pixel centres 6.5 and 7.5
		assertEquals(2.0, b.centroidY(), 1e-9);
		assertArrayEquals(new int[] { 6, 1, 2, 2 }, new int[] { b.x(), b.y(), b.width(), b.height() });
		assertArrayEquals(new int[] { 1 * W + 6, 1 * W + 7, 2 * W + 6, 2 * W + 7 }, b.pixels());

		Region a = regions.get(1);
		assertEquals(2, a.label());
		assertEquals(3, a.area(), "diagonal neighbours are one region; (4,4) is below the threshold");
		assertEquals(0.9, a.maxScore(), 1e-6);
		assertEquals((0.9 + 0.6 + 0.7) / 3, a.meanScore(), 1e-6);
		assertEquals(2.5, a.centroidX(), 1e-9);
		assertEquals(2.5, a.centroidY(), 1e-9);
		assertArrayEquals(new int[] { 1, 1, 3, 3 }, new int[] { a.x(), a.y(), a.width(), a.height() });
		assertArrayEquals(new int[] { 1 * W + 1, 2 * W + 2, 3 * W + 3 }, a.pixels());
	}

	@Test
	void minAreaOneKeepsTheSinglePixelAsTheHottest() {
		List<Region> regions = Regions.find(map(), W, H, 0.5, 1);
		assertEquals(3, regions.size());
		Region c = regions.get(0);
		assertEquals(1, c.area());
		assertEquals(2.0, c.maxScore(), 1e-6);
		assertArrayEquals(new int[] { 5 * W + 9 }, c.pixels());
		assertEquals(List.of(1, 2, 3), regions.stream().map(Region::label).toList());
	}

	@Test
	void thresholdIsInclusive() {
		List<Region> regions = Regions.find(map(), W, H, 0.49, 1);
		Region a = regions.stream().filter(r -> r.maxScore() > 0.85 && r.maxScore() < 0.95).findFirst().orElseThrow();
		assertEquals(4, a.area(), "(4,4) = 0.49 joins the chain at threshold 0.49");
	}

	@Test
	void nothingAboveThresholdGivesNoRegions() {
		assertTrue(Regions.find(map(), W, H, 5, 1).isEmpty());
	}

	@Test
	void maskMarksExactlyTheRegionPixels() {
		Region a = Regions.find(map(), W, H, 0.5, 2).get(1);
		boolean[] m = Regions.mask(a, W, H);
		int n = 0;
		for (boolean v : m) if (v) n++;
		assertEquals(3, n);
		assertTrue(m[3 * W + 3]);
	}

	@Test
	void badInputIsRefused() {
		assertThrows(IllegalArgumentException.class, () -> Regions.find(new float[5], W, H, 0.5, 1));
		assertThrows(IllegalArgumentException.class, () -> Regions.find(map(), W, H, Double.NaN, 1));
	}
}
