package io.github.stad.engine.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

class MetricsTest {

	private static final double EPS = 1e-12;

	static ScoredImage image(String name, String type, int w, int h, float[] scores, boolean[] mask) {
		return new ScoredImage(name, type, w, h, scores, mask);
	}

	static final boolean T = true, F = false;

	/**
	 * Image A (3x2) has one region, its two top-left pixels; image B (3x2) is defect-free. 10 normal pixels.
	 *
	 * <pre>
	 * A scores  0.9  0.7  0.6     A mask  T T F     B scores  0.8   0.5   0.4
	 *           0.2  0.1  0.0             F F F               0.3   0.15  0.05
	 *
	 * threshold   new pixels   FPR    PRO
	 *   +inf        -          0      0      (origin)
	 *   0.9         A defect   0      1/2
	 *   0.8         B normal   0.1    1/2
	 *   0.7         A defect   0.1    1
	 *   0.6         A normal   0.2    1
	 *   0.5         B normal   0.3    1
	 *   0.4 .. 0.0  normal     0.4 .. 1.0 in steps of 0.1, PRO 1
	 *
	 * area up to 0.3: [0,0.1] at 1/2 = 0.05, vertical step = 0, [0.1,0.3] at 1 = 0.2; total 0.25, / 0.3 = 5/6
	 * area up to 1:   0.05 + 0.9 = 0.95
	 * pixel AUROC: 0.9 beats all 10 normals, 0.7 beats 9 of them (not 0.8): 19 / 20 = 0.95
	 * image AUROC: A max 0.9 > B max 0.8: 1
	 * </pre>
	 */
	static List<ScoredImage> twoImages() {
		ScoredImage a = image("A", "crack", 3, 2, new float[] { 0.9f, 0.7f, 0.6f, 0.2f, 0.1f, 0.0f }, new boolean[] { T, T, F, F, F, F });
		ScoredImage b = image("B", "good", 3, 2, new float[] { 0.8f, 0.5f, 0.4f, 0.3f, 0.15f, 0.05f }, null);
		return List.of(a, b);
	}

	@Test
	void twoImagesOneRegionCurveIsExact() {
		ProCurve c = Metrics.proCurve(twoImages());
		assertArrayEquals(new double[] { 0, 0, 0.1, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0 }, c.fpr(), EPS);
		assertArrayEquals(new double[] { 0, 0.5, 0.5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 }, c.pro(), EPS);
		double[] t = { Double.POSITIVE_INFINITY, 0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f, 0.3f, 0.2f, 0.15f, 0.1f, 0.05f, 0.0f };
		assertArrayEquals(t, c.thresholds(), 0);
		assertEquals(5.0 / 6, c.areaUpTo(0.3), EPS);
		assertEquals(0.95, c.areaUpTo(1.0), EPS);
		assertEquals(5.0 / 6, Metrics.auPro(twoImages(), 0.3), EPS);
		assertEquals(5.0 / 6, Metrics.auPro(twoImages()), EPS);
		assertEquals(0.95, Metrics.pixelAuroc(twoImages()), EPS);
		assertEquals(1.0, Metrics.imageAuroc(twoImages()), EPS);
	}

	@Test
	void curveCutAtMaxFprEndsAtFirstPointReachingIt() {
		ProCurve c = Metrics.proCurve(twoImages(), 0.3);
		// points up to threshold 0.5, where the FPR first reaches 0.3
		assertArrayEquals(new double[] { 0, 0, 0.1, 0.1, 0.2, 0.3 }, c.fpr(), EPS);
		assertEquals(5.0 / 6, c.areaUpTo(0.3), EPS);
		// up to 0.25: 0.05 + 0.15 = 0.2, / 0.25 = 0.8
		assertEquals(0.8, c.areaUpTo(0.25), EPS);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.areaUpTo(0.5));
		assertTrue(e.getMessage().contains("only reaches FPR"), e.getMessage());
	}

	/**
	 * One 7x2 image, two regions: R1 = the top-left 3 pixels, R2 = the bottom-right pixel (not 8-adjacent to R1).
	 *
	 * <pre>
	 * scores  0.9  0.45 0.05 0.7  0.6  0.5  0.4      mask  T T T F F F F
	 *         0.35 0.3  0.25 0.2  0.15 0.1  0.8            F F F F F F T
	 *
	 * threshold  new pixel  FPR   PRO (mean of R1 and R2 fractions)
	 *   +inf       -         0     0
	 *   0.9        R1        0     (1/3 + 0) / 2 = 1/6
	 *   0.8        R2        0     (1/3 + 1) / 2 = 2/3   (per pixel it would be 2/4)
	 *   0.7 .. 0.5 normal    0.1, 0.2, 0.3   2/3
	 *   0.45       R1        0.3   (2/3 + 1) / 2 = 5/6
	 *   0.4 .. 0.1 normal    0.4 .. 1.0      5/6
	 *   0.05       R1        1.0   1
	 *
	 * AU-PRO up to 0.3: 0.3 * 2/3 / 0.3 = 2/3
	 * area up to 1: 0.3 * 2/3 + 0.7 * 5/6 = 12/60 + 35/60 = 47/60
	 * </pre>
	 */
	@Test
	void regionsOfDifferentSizesWeighEqually() {
		float[] s = { 0.9f, 0.45f, 0.05f, 0.7f, 0.6f, 0.5f, 0.4f, 0.35f, 0.3f, 0.25f, 0.2f, 0.15f, 0.1f, 0.8f };
		boolean[] m = { T, T, T, F, F, F, F, F, F, F, F, F, F, T };
		List<ScoredImage> images = List.of(image("two regions", "x", 7, 2, s, m));
		ProCurve c = Metrics.proCurve(images);
		assertArrayEquals(new double[] { 0, 0, 0, 0.1, 0.2, 0.3, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.0 }, c.fpr(), EPS);
		double a = 2.0 / 3, b = 5.0 / 6;
		assertArrayEquals(new double[] { 0, 1.0 / 6, a, a, a, a, b, b, b, b, b, b, b, b, 1 }, c.pro(), EPS);
		assertEquals(2.0 / 3, Metrics.auPro(images, 0.3), EPS);
		assertEquals(47.0 / 60, c.areaUpTo(1.0), EPS);
	}

	/**
	 * Ties between defect and normal pixels. One 2x2 image, the top row one region.
	 *
	 * <pre>
	 * scores 0.8 0.5    mask T T
	 *        0.5 0.2         F F
	 *
	 * threshold  FPR  PRO
	 *   +inf     0    0
	 *   0.8      0    1/2
	 *   0.5      1/2  1      (the tied defect and normal pixel enter together: one point)
	 *   0.2      1    1
	 *
	 * AU-PRO up to 0.3: PRO at 0.3 = 1/2 + 1/2 * 0.3/0.5 = 0.8; area 0.3 * (0.5 + 0.8) / 2 = 0.195; / 0.3 = 0.65
	 * (had the defect pixel entered first, PRO would be 1 from FPR 0 and AU-PRO 1)
	 * pixel AUROC: pairs (0.8,0.5)=1 (0.8,0.2)=1 (0.5,0.5)=1/2 (0.5,0.2)=1: 3.5 / 4 = 0.875
	 * </pre>
	 */
	@Test
	void tiedDefectAndNormalPixelsEnterTogether() {
		List<ScoredImage> images = List.of(image("tie", "x", 2, 2, new float[] { 0.8f, 0.5f, 0.5f, 0.2f }, new boolean[] { T, T, F, F }));
		ProCurve c = Metrics.proCurve(images);
		assertArrayEquals(new double[] { 0, 0, 0.5, 1 }, c.fpr(), EPS);
		assertArrayEquals(new double[] { 0, 0.5, 1, 1 }, c.pro(), EPS);
		assertArrayEquals(new double[] { Double.POSITIVE_INFINITY, 0.8f, 0.5f, 0.2f }, c.thresholds(), 0);
		assertEquals(0.65, Metrics.auPro(images, 0.3), EPS);
		assertEquals(0.875, Metrics.pixelAuroc(images), EPS);
	}

	/**
	 * The FPR limit falls inside a sloped segment, from (0, 1/2) to (1/2, 1) of the tie example above.
	 *
	 * <pre>
	 * maxFpr 0.2: PRO(0.2) = 0.5 + 0.5 * 0.2/0.5 = 0.7; area 0.2 * (0.5 + 0.7) / 2 = 0.12; / 0.2 = 0.6
	 * maxFpr 1:   0.5 * (0.5 + 1) / 2 + 0.5 * 1 = 0.875
	 * </pre>
	 */
	@Test
	void fprLimitInterpolatesLinearly() {
		List<ScoredImage> images = List.of(image("tie", "x", 2, 2, new float[] { 0.8f, 0.5f, 0.5f, 0.2f }, new boolean[] { T, T, F, F }));
		assertEquals(0.6, Metrics.auPro(images, 0.2), EPS);
		assertEquals(0.875, Metrics.auPro(images, 1.0), EPS);
		assertEquals(0.7, Metrics.proCurve(images).proAt(0.2), EPS);
	}

	/**
	 * All four pixels tie: the curve is the origin and (1, 1); the AUROC counts every pair 1/2.
	 *
	 * <pre>
	 * PRO(0.3) = 0.3 on the diagonal; area 0.3 * 0.3 / 2 = 0.045; / 0.3 = 0.15. Pixel AUROC: 1/2.
	 * Image AUROC (both maxima 0.5): 1/2.
	 * </pre>
	 */
	@Test
	void allTiedGivesHalf() {
		float[] s = { 0.5f, 0.5f, 0.5f, 0.5f };
		List<ScoredImage> images = List.of(
				image("defect", "x", 2, 2, s, new boolean[] { T, F, F, F }),
				image("good", "good", 2, 2, s.clone(), new boolean[4]));
		ProCurve c = Metrics.proCurve(images);
		assertArrayEquals(new double[] { 0, 1 }, c.fpr(), EPS);
		assertArrayEquals(new double[] { 0, 1 }, c.pro(), EPS);
		assertEquals(0.15, Metrics.auPro(images, 0.3), EPS);
		assertEquals(0.5, Metrics.pixelAuroc(images), EPS);
		assertEquals(0.5, Metrics.imageAuroc(images), EPS);
	}

	/** Negative zero and positive zero are the same score: one tie, AUROC 1/2. */
	@Test
	void signedZerosTie() {
		List<ScoredImage> images = List.of(image("zeros", "x", 2, 1, new float[] { -0.0f, 0.0f }, new boolean[] { T, F }));
		assertEquals(0.5, Metrics.pixelAuroc(images), EPS);
		assertEquals(2, Metrics.proCurve(images).size());
	}

	/**
	 * A defect-free image only adds to the FPR.
	 *
	 * <pre>
	 * A (2x1): scores 0.9 0.1, mask T F.  Alone: (0,0) (0,1) (1,1), AU-PRO up to 0.5 = 1.
	 * With B (2x1, no mask): scores 0.95 0.05; 3 normal pixels:
	 *   +inf (0,0); 0.95 (1/3, 0); 0.9 (1/3, 1); 0.1 (2/3, 1); 0.05 (1, 1)
	 *   AU-PRO up to 0.5: [0,1/3] at 0, [1/3,1/2] at 1: 1/6; / 0.5 = 1/3.
	 * Still one region. Image AUROC: B's max 0.95 beats A's 0.9: 0.
	 * </pre>
	 */
	@Test
	void defectFreeImageOnlyAddsToFpr() {
		ScoredImage a = image("A", "x", 2, 1, new float[] { 0.9f, 0.1f }, new boolean[] { T, F });
		ScoredImage b = image("B", "good", 2, 1, new float[] { 0.95f, 0.05f }, null);
		assertEquals(1.0, Metrics.auPro(List.of(a), 0.5), EPS);
		ProCurve c = Metrics.proCurve(List.of(a, b));
		assertArrayEquals(new double[] { 0, 1.0 / 3, 1.0 / 3, 2.0 / 3, 1 }, c.fpr(), EPS);
		assertArrayEquals(new double[] { 0, 0, 1, 1, 1 }, c.pro(), EPS);
		assertEquals(1.0 / 3, Metrics.auPro(List.of(a, b), 0.5), EPS);
		assertEquals(0.0, Metrics.imageAuroc(List.of(a, b)), EPS);
		assertEquals(1, EvaluationReport.compute(List.of(a, b)).overall().regions());
	}

	/** Defects above every normal pixel score 1 everywhere; the negated maps score 0. */
	@Test
	void perfectAndInvertedScores() {
		float[] s1 = { 0.9f, 0.8f, 0.1f, 0.2f };
		float[] s2 = { 0.3f, 0.25f, 0.15f, 0.05f };
		boolean[] m1 = { T, T, F, F };
		List<ScoredImage> perfect = List.of(image("d", "x", 2, 2, s1, m1), image("g", "good", 2, 2, s2, null));
		assertEquals(1.0, Metrics.auPro(perfect), EPS);
		assertEquals(1.0, Metrics.pixelAuroc(perfect), EPS);
		assertEquals(1.0, Metrics.imageAuroc(perfect), EPS);
		List<ScoredImage> inverted = List.of(image("d", "x", 2, 2, negate(s1), m1), image("g", "good", 2, 2, negate(s2), null));
		assertEquals(0.0, Metrics.auPro(inverted), EPS);
		assertEquals(0.0, Metrics.pixelAuroc(inverted), EPS);
		assertEquals(0.0, Metrics.imageAuroc(inverted), EPS);
	}

	static float[] negate(float[] s) {
		float[] r = new float[s.length];
		for (int i = 0; i < s.length; i++) r[i] = -s[i];
		return r;
	}

	@Test
	void undefinedCasesThrowClearly() {
		List<ScoredImage> noDefects = List.of(image("g", "good", 2, 1, new float[] { 0.1f, 0.2f }, null),
				image("g2", "good", 2, 1, new float[] { 0.1f, 0.2f }, new boolean[2]));
		assertMessage("no defect regions", () -> Metrics.auPro(noDefects));
		assertMessage("no defect regions", () -> Metrics.proCurve(noDefects));
		assertMessage("no defect pixels", () -> Metrics.pixelAuroc(noDefects));
		assertMessage("no defective images", () -> Metrics.imageAuroc(noDefects));

		List<ScoredImage> allDefect = List.of(image("d", "x", 2, 1, new float[] { 0.1f, 0.2f }, new boolean[] { T, T }));
		assertMessage("no defect-free pixels", () -> Metrics.auPro(allDefect));
		assertMessage("no defect-free pixels", () -> Metrics.pixelAuroc(allDefect));
		assertMessage("no defect-free images", () -> Metrics.imageAuroc(allDefect));

		assertMessage("No test images", () -> Metrics.auPro(List.of()));
		assertMessage("No test images", () -> Metrics.imageAuroc(List.of()));
		assertMessage("Maximum FPR", () -> Metrics.auPro(twoImages(), 0));
		assertMessage("Maximum FPR", () -> Metrics.auPro(twoImages(), 1.5));
		assertMessage("Maximum FPR", () -> Metrics.auPro(twoImages(), Double.NaN));

		float[] withNan = { 0.1f, Float.NaN, 0.3f, 0.4f };
		List<ScoredImage> nan = List.of(image("bad map", "x", 2, 2, withNan, new boolean[] { T, F, F, F }));
		assertMessage("'bad map': anomaly score NaN at (1, 0)", () -> Metrics.auPro(nan));
		assertMessage("'bad map': anomaly score NaN at (1, 0)", () -> Metrics.pixelAuroc(nan));
		assertMessage("'bad map': anomaly score NaN at (1, 0)", () -> Metrics.imageAuroc(nan));
		assertMessage("'bad map': anomaly score NaN at (1, 0)", () -> EvaluationReport.compute(nan));
		List<ScoredImage> inf = List.of(image("inf", "x", 2, 1, new float[] { Float.POSITIVE_INFINITY, 0 }, new boolean[] { T, F }));
		assertMessage("not a finite number", () -> Metrics.pixelAuroc(inf));

		assertMessage("anomaly map has 3 values, expected 2x2", () -> image("short", "x", 2, 2, new float[3], null));
		assertMessage("mask has 5 values, expected 2x2", () -> image("short", "x", 2, 2, new float[4], new boolean[5]));
		assertMessage("size must be positive", () -> image("empty", "x", 0, 2, new float[0], null));
	}

	static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
		assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' should contain '" + expected + "'");
	}

	/** Against brute force on random quantised maps (many ties, negative scores, several images and regions). */
	@Test
	void matchesBruteForceOnRandomMaps() {
		Random random = new Random(42);
		for (int trial = 0; trial < 20; trial++) {
			List<ScoredImage> images = new ArrayList<>();
			int count = 2 + random.nextInt(4);
			for (int i = 0; i < count; i++) {
				int w = 3 + random.nextInt(8), h = 3 + random.nextInt(8);
				float[] s = new float[w * h];
				boolean[] m = random.nextBoolean() ? null : new boolean[w * h];
				for (int p = 0; p < s.length; p++) {
					s[p] = (random.nextInt(21) - 10) / 4f;
					if (m != null) m[p] = random.nextInt(5) == 0;
					if (m != null && m[p]) s[p] += 0.5f;
				}
				images.add(image("r" + i, "x", w, h, s, m));
			}
			images.add(image("good", "good", 4, 4, new float[16], null));
			if (images.stream().noneMatch(ScoredImage::isDefective)) continue;
			assertEquals(bruteAuroc(images), Metrics.pixelAuroc(images), 1e-12);
			checkCurveByBruteForce(images, Metrics.proCurve(images));
		}
	}

	static double bruteAuroc(List<ScoredImage> images) {
		List<Float> pos = new ArrayList<>(), neg = new ArrayList<>();
		for (ScoredImage im : images)
			for (int p = 0; p < im.scores().length; p++) (im.mask() != null && im.mask()[p] ? pos : neg).add(im.scores()[p]);
		double sum = 0;
		for (float a : pos) for (float b : neg) sum += a > b ? 1 : a == b ? 0.5 : 0;
		return sum / ((double) pos.size() * neg.size());
	}

	/** Recomputes every point from its definition, regions labelled independently by a flood fill here. */
	static void checkCurveByBruteForce(List<ScoredImage> images, ProCurve c) {
		for (int i = 1; i < c.size(); i++) {
			float t = (float) c.thresholds()[i];
			assertTrue(c.thresholds()[i] < c.thresholds()[i - 1]);
			long fp = 0, normal = 0;
			double proSum = 0;
			int regions = 0;
			for (ScoredImage im : images) {
				int w = im.width(), h = im.height();
				int[] region = new int[w * h];
				for (int p = 0; p < w * h; p++) {
					if (im.mask() == null || !im.mask()[p]) {
						normal++;
						if (im.scores()[p] >= t) fp++;
					} else if (region[p] == 0) {
						regions++;
						int[] hitAndSize = new int[2];
						fill(im, region, p % w, p / w, regions, t, hitAndSize);
						proSum += (double) hitAndSize[0] / hitAndSize[1];
					}
				}
			}
			assertEquals((double) fp / normal, c.fpr()[i], 1e-12);
			assertEquals(proSum / regions, c.pro()[i], 1e-12);
		}
		assertEquals(1.0, c.fpr()[c.size() - 1], 0);
		assertEquals(1.0, c.pro()[c.size() - 1], 1e-12);
	}

	private static void fill(ScoredImage im, int[] region, int x, int y, int id, float t, int[] hitAndSize) {
		int w = im.width();
		if (x < 0 || y < 0 || x >= w || y >= im.height()) return;
		int p = y * w + x;
		if (!im.mask()[p] || region[p] != 0) return;
		region[p] = id;
		hitAndSize[1]++;
		if (im.scores()[p] >= t) hitAndSize[0]++;
		for (int dy = -1; dy <= 1; dy++) for (int dx = -1; dx <= 1; dx++) fill(im, region, x + dx, y + dy, id, t, hitAndSize);
	}
}
