package io.github.stad.engine.teacher;

import io.github.stad.engine.Progress;
import io.github.stad.engine.files.TeacherFile;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.image.InputNormalisation;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.DescriptorNet;
import io.github.stad.engine.net.TeacherWeights;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** The strided-form teacher trainer: exact crop-pair correspondence, negative mining, schedule, resumption. */
public class DenseTeacherTrainingTest {

	public static TeacherSettings tiny() {
		TeacherSettings.Dense d = TeacherSettings.defaults(17).dense();
		return TeacherSettings.builder(17).networkSize(8, 16).learningRate(2e-3f).seed(3).useGpu(false).mode(TeacherSettings.Mode.DENSE)
				.dense(d.toBuilder().grid(8).crops(4).warmup(2).build()).build();
	}

	/** Dense settings that differ from the defaults in the mining rule only. */
	public static TeacherSettings.Dense miningOnly(TeacherSettings.Mining mining, float subset) {
		TeacherSettings.Dense d = TeacherSettings.defaults(17).dense();
		return d.toBuilder().mining(mining, subset).build();
	}

	public static List<FloatImage> noise(int count, int size, int channels, long seed) {
		Random random = new Random(seed);
		List<FloatImage> images = new java.util.ArrayList<>();
		for (int i = 0; i < count; i++) {
			float[][] data = new float[channels][size * size];
			for (float[] ch : data) for (int k = 0; k < ch.length; k++) ch[k] = (float) (100 + 30 * random.nextGaussian());
			images.add(new FloatImage("noise" + i, size, size, data));
		}
		return images;
	}

	/** Noise smoothed over a few pixels: every place looks different, and mild blur or noise does not erase it. */
	static List<FloatImage> smoothNoise(int count, int size, long seed) {
		List<FloatImage> images = new java.util.ArrayList<>();
		for (FloatImage raw : noise(count, size, 1, seed)) {
			float[] v = raw.channel(0), out = new float[v.length];
			for (int y = 0; y < size; y++) {
				for (int x = 0; x < size; x++) {
					double sum = 0;
					for (int dy = -2; dy <= 2; dy++) for (int dx = -2; dx <= 2; dx++) sum += v[Math.floorMod(y + dy, size) * size + Math.floorMod(x + dx, size)];
					out[y * size + x] = (float) (sum / 25);
				}
			}
			images.add(FloatImage.of(raw.name(), size, size, out));
		}
		return images;
	}

	@ParameterizedTest
	@CsvSource({ "17,1,5", "33,1,4", "65,3,3" })
	void positivesAreThePatchNetworkOfTheTransformedAnchorWindows(int p, int channels, int grid) {
		Architecture arch = new Architecture(p, channels, 8, 16);
		int s = arch.outputStride(), rf = arch.receptiveField();
		// Flips, turns and shifts only: then the positive must be exactly the transformed anchor window.
		TeacherSettings.DenseAugmentation geometric = TeacherSettings.DenseAugmentation.builder().brightness(0).contrast(0).gamma(0).blur(0).noise(0).flips(true).turns(true).shift(1).build();
		List<FloatImage> images = noise(2, DescriptorNet.stridedInputSize(arch, grid) + 2 * s + 7, channels, p);
		CropPairSampler sampler = new CropPairSampler(images, InputNormalisation.fit(images), arch, grid, geometric);
		CropPairSampler.Batch b = sampler.sample(4, 7, 2);
		int n = b.inputSize(), points = b.pointsPerSide(), per = channels * n * n;
		try (NDManager m = TeacherTrainingTest.manager(); DescriptorNet net = DescriptorNet.random(arch, m, Device.cpu(), 11)) {
			float[] anchors = descriptors(net.strided(m.create(b.anchors(), new Shape(b.crops(), channels, n, n))));
			float[] positives = descriptors(net.strided(m.create(b.positives(), new Shape(b.crops(), channels, n, n))));
			// Each anchor's window, and that window transformed like its crop, in the top-left of a p×p patch (all the patch network reads).
			int[] pairs = java.util.stream.IntStream.range(0, points).filter(k -> b.positiveOf()[k] >= 0).toArray();
			int patch = channels * p * p;
			float[] windows = new float[pairs.length * patch], turned = new float[pairs.length * patch];
			for (int q = 0; q < pairs.length; q++) {
				int k = pairs[q], crop = k / (grid * grid), i = k / grid % grid, j = k % grid;
				CropPairSampler.Dihedral turn = b.turns()[crop];
				for (int c = 0; c < channels; c++) {
					for (int v = 0; v < rf; v++) {
						for (int u = 0; u < rf; u++) {
							float value = b.anchors()[crop * per + c * n * n + (s * i + v) * n + s * j + u];
							windows[q * patch + c * p * p + v * p + u] = value;
							turned[q * patch + c * p * p + turn.row(u, v, rf) * p + turn.column(u, v, rf)] = value;
						}
					}
				}
			}
			float[] plain = net.patch(m.create(windows, new Shape(pairs.length, channels, p, p))).toFloatArray();
			float[] expected = net.patch(m.create(turned, new Shape(pairs.length, channels, p, p))).toFloatArray();
			for (int q = 0; q < pairs.length; q++) {
				int k = pairs[q], target = b.positiveOf()[k];
				for (int c = 0; c < 16; c++) {
					float e = plain[q * 16 + c], t = expected[q * 16 + c];
					assertEquals(e, anchors[k * 16 + c], 1e-5 + 1e-4 * Math.abs(e), "anchor " + k);
					assertEquals(t, positives[(target - points) * 16 + c], 1e-5 + 1e-4 * Math.abs(t), "positive of " + k + " under " + b.turns()[k / (grid * grid)]);
				}
				// Both descriptors describe the same image location.
				assertEquals(b.x()[k], b.x()[target], 1e-3);
				assertEquals(b.y()[k], b.y()[target], 1e-3);
				assertEquals(b.image()[k], b.image()[target]);
			}
			int checked = pairs.length;
			java.util.Set<CropPairSampler.Dihedral> seen = new java.util.HashSet<>(List.of(b.turns()));
			assertTrue(seen.size() > 1 && seen.stream().anyMatch(CropPairSampler.Dihedral::transpose), "the batch should contain turned crops: " + seen);
			assertTrue(checked >= points / 3, "most anchors should have positives: " + checked + " of " + points);
		}
	}

	/** [N, d, G, G] → rows (n·G + i)·G + j of d values, the trainer's layout. */
	static float[] descriptors(NDArray strided) {
		return strided.transpose(0, 2, 3, 1).toFloatArray();
	}

	@ParameterizedTest
	@EnumSource(TeacherSettings.Mining.class)
	void negativesAreNeverNearTheirAnchorInTheSamePhotographAndHardestIsTheClosest(TeacherSettings.Mining mining) {
		Architecture arch = new Architecture(17, 1, 8, 16);
		List<FloatImage> images = noise(2, 40, 1, 5);
		CropPairSampler sampler = new CropPairSampler(images, InputNormalisation.fit(images), arch, 8, TeacherSettings.defaults(17).dense().augmentation());
		CropPairSampler.Batch b = sampler.sample(3, 1, 0);
		int rows = 2 * b.pointsPerSide(), d = 4;
		float[] values = new float[rows * d];
		Random random = new Random(2);
		for (int k = 0; k < values.length; k++) values[k] = (float) random.nextGaussian();
		try (NDManager m = TeacherTrainingTest.manager()) {
			DenseObjective.Triplets t = DenseObjective.mine(m.create(values, new Shape(rows, d)), b, 17, miningOnly(mining, 0.25f), new SplittableRandom(4));
			assertTrue(t.anchors().length > b.pointsPerSide() / 2);
			for (int k = 0; k < t.anchors().length; k++) {
				int a = (int) t.anchors()[k], neg = (int) t.negatives()[k];
				assertEquals(b.positiveOf()[a], t.positives()[k]);
				if (b.image()[a] == b.image()[neg]) {
					double dx = b.x()[a] - b.x()[neg], dy = b.y()[a] - b.y()[neg];
					assertTrue(dx * dx + dy * dy >= 17 * 17 / 4.0, "negative " + neg + " lies within p/2 of anchor " + a);
				}
				// The closest allowed candidate, and the closest one farther than the positive.
				double chosen = distance(values, a, neg, d), positive = distance(values, a, (int) t.positives()[k], d);
				double hardest = Double.POSITIVE_INFINITY, semiHard = Double.POSITIVE_INFINITY;
				for (int c = 0; c < rows; c++) {
					double dx = b.x()[a] - b.x()[c], dy = b.y()[a] - b.y()[c];
					if (b.image()[a] == b.image()[c] && dx * dx + dy * dy < 17 * 17 / 4.0) continue;
					double dc = distance(values, a, c, d);
					hardest = Math.min(hardest, dc);
					if (dc > positive) semiHard = Math.min(semiHard, dc);
				}
				if (mining == TeacherSettings.Mining.HARDEST) assertEquals(hardest, chosen, 1e-4, "anchor " + a);
				if (mining == TeacherSettings.Mining.SEMI_HARD) assertEquals(semiHard < Double.POSITIVE_INFINITY ? semiHard : hardest, chosen, 1e-4, "anchor " + a);
				if (mining == TeacherSettings.Mining.SUBSET) assertTrue(chosen >= hardest - 1e-4);
			}
		}
	}

	static double distance(float[] v, int a, int b, int d) {
		double sum = 0;
		for (int c = 0; c < d; c++) sum += (v[a * d + c] - v[b * d + c]) * (v[a * d + c] - v[b * d + c]);
		return sum;
	}

	@Test
	void learningRateWarmsUpThenFallsOnACosine() {
		assertEquals(0.25f, DenseObjective.learningRate(1, 0, 4, 100), 1e-6);
		assertEquals(1f, DenseObjective.learningRate(1, 3, 4, 100), 1e-6);
		assertEquals(1f, DenseObjective.learningRate(1, 4, 4, 100), 1e-3);
		assertEquals(0.5f, DenseObjective.learningRate(1, 51, 4, 100), 0.02);
		assertTrue(DenseObjective.learningRate(1, 99, 4, 100) < 0.01);
		// Short runs warm up over at most a fifth of their steps.
		assertEquals(0.5f, DenseObjective.learningRate(1, 0, 100, 10), 1e-6);
	}

	@Test
	void aFewStepsReduceTheLossAndSeedsDecide() throws IOException {
		TeacherSettings settings = tiny().toBuilder().iterations(20).learningRate(1e-2f).build();
		TeacherTraining.Result r = TeacherTraining.run(new DenseObjective(smoothNoise(4, 40, 9), settings, null), TeacherTraining.Files.NONE, Progress.NONE);
		double first = 0, last = 0;
		for (int i = 0; i < 5; i++) {
			first += r.losses().get(i)[0];
			last += r.losses().get(r.losses().size() - 1 - i)[0];
		}
		assertTrue(last < first * 0.8, "loss should fall: " + first / 5 + " -> " + last / 5);
		for (float[] l : r.losses()) assertEquals(l[2] + 0.01f * l[3], l[0], 1e-3 * (1 + Math.abs(l[0])), "total = λm·Lm + λc·Lc");

		TeacherSettings shortRun = tiny().toBuilder().iterations(3).build();
		TeacherTraining.Result again = TeacherTraining.run(new DenseObjective(TeacherTrainingTest.photos(), shortRun, null), TeacherTraining.Files.NONE, Progress.NONE);
		TeacherTraining.Result same = TeacherTraining.run(new DenseObjective(TeacherTrainingTest.photos(), shortRun, null), TeacherTraining.Files.NONE, Progress.NONE);
		TeacherTraining.Result other = TeacherTraining.run(new DenseObjective(TeacherTrainingTest.photos(), shortRun.toBuilder().seed(4).build(), null), TeacherTraining.Files.NONE, Progress.NONE);
		for (int i = 0; i < again.weights().size(); i++) assertArrayEquals(again.weights().get(i), same.weights().get(i), "tensor " + i);
		assertFalse(java.util.Arrays.equals(again.weights().get(0), other.weights().get(0)));
	}

	@ParameterizedTest
	@CsvSource({ "17,1,6", "33,1,4", "33,3,4" })
	void syntheticDefectsChangeOnlyTheirRegionAndMarkTheWindowsWhoseCentreSeesThem(int p, int channels, int grid) {
		List<FloatImage> images = noise(3, 160, channels, 5);
		Architecture arch = new Architecture(p, channels, 8, 16);
		CropPairSampler sampler = new CropPairSampler(images, InputNormalisation.fit(images), arch, grid, TeacherSettings.defaults(p).dense().augmentation());
		int n = sampler.inputSize(), plane = n * n, s = arch.outputStride(), rf = arch.receptiveField();
		int altered = 0, unaltered = 0;
		for (int step = 0; step < 6; step++) {
			CropPairSampler.Batch b = sampler.sample(4, 11, step);
			CropPairSampler.Defects d = sampler.defects(b, 11, step);
			assertArrayEquals(d.crops(), sampler.defects(b, 11, step).crops(), "a pure function of (seed, step)");
			for (int crop = 0; crop < 4; crop++) {
				boolean[] changed = new boolean[plane];
				for (int c = 0; c < channels; c++) {
					for (int k = 0; k < plane; k++) {
						int at = (crop * channels + c) * plane + k;
						changed[k] |= d.crops()[at] != b.anchors()[at];
					}
				}
				for (int i = 0; i < grid; i++) {
					for (int j = 0; j < grid; j++) {
						int inWindow = 0;
						for (int v = s * i; v < s * i + rf; v++) for (int u = s * j; u < s * j + rf; u++) if (changed[v * n + u]) inWindow++;
						int centre = 0, side = Math.max(3, rf / 2), o = (rf - side) / 2;
						for (int v = s * i + o; v < s * i + o + side; v++) for (int u = s * j + o; u < s * j + o + side; u++) if (changed[v * n + u]) centre++;
						boolean marked = d.altered()[(crop * grid + i) * grid + j];
						if (marked) {
							altered++;
							assertTrue(centre >= 2, "a marked window's centre must be changed (" + centre + " pixels)");
						} else {
							unaltered++;
							if (inWindow == 0) continue;
						}
						if (inWindow == 0) assertFalse(marked);
					}
				}
			}
		}
		assertTrue(altered > 0 && unaltered > altered, "defects should touch some windows, not most: " + altered + " of " + (altered + unaltered));
	}

	@Test
	void syntheticDefectsAddATripletTermAgainstTheDefectiveCopy() throws IOException {
		TeacherSettings plain = tiny().toBuilder().iterations(6).build();
		TeacherSettings.Dense d = plain.dense();
		TeacherSettings.DenseAugmentation a = d.augmentation();
		TeacherSettings withDefects = plain.toBuilder().dense(d.toBuilder().augmentation(a.toBuilder().syntheticDefects(0.5f).build()).build()).build();
		List<FloatImage> images = smoothNoise(4, 48, 2);
		TeacherTraining.Result r = TeacherTraining.run(new DenseObjective(images, withDefects, null), TeacherTraining.Files.NONE, Progress.NONE);
		boolean anyDefectLoss = false;
		for (float[] l : r.losses()) {
			assertEquals(l[2] + 0.01f * l[3] + 0.5f * l[1], l[0], 1e-3 * (1 + Math.abs(l[0])), "total = λm·Lm + λc·Lc + w·Ld");
			anyDefectLoss |= l[1] > 0;
		}
		assertTrue(anyDefectLoss, "the defect triplets should contribute");
		TeacherTraining.Result without = TeacherTraining.run(new DenseObjective(images, plain, null), TeacherTraining.Files.NONE, Progress.NONE);
		for (float[] l : without.losses()) assertEquals(0f, l[1]);
		assertFalse(java.util.Arrays.equals(r.weights().get(0), without.weights().get(0)), "the term changes the training");
		assertThrows(IllegalArgumentException.class, () -> TeacherSettings.DenseAugmentation.builder().syntheticDefects(Float.NaN).build());
	}

	/** Cancels once the trainer has reported {@code steps} steps, like a user stopping (or a kill after) a run. */
	static Progress cancelAfter(int steps) {
		int[] seen = { 0 };
		return new Progress() {
			@Override public void update(String message, double fraction) { seen[0]++; }
			@Override public boolean isCancelled() { return seen[0] >= steps; }
		};
	}

	@Test
	void stoppedAndResumedTwiceContinuesExactlyAndEveryCheckpointIsATeacher(@TempDir Path dir) throws IOException {
		TeacherSettings settings = tiny().toBuilder().iterations(8).checkpointEvery(3).build();
		TeacherTraining.Result full = TeacherTraining.run(new DenseObjective(TeacherTrainingTest.photos(), settings, null), new TeacherTraining.Files(dir.resolve("straight.zip"), null, Map.of()), Progress.NONE);
		Path run = dir.resolve("run.zip");
		assertThrows(Progress.CancelledException.class, () -> TeacherTraining.run(new DenseObjective(TeacherTrainingTest.photos(), settings, null), new TeacherTraining.Files(run, null, Map.of()), cancelAfter(4)));
		// Stopped after step 4: the checkpoint holds step 3 and is a teacher file as it stands.
		TeacherWeights midway = TeacherFile.load(run);
		assertEquals(17, midway.architecture().patchSize());
		assertEquals(3, TeacherCheckpoint.read(run).state().iteration);
		assertThrows(Progress.CancelledException.class, () -> TeacherTraining.run(new DenseObjective(TeacherTrainingTest.photos(), settings, null), new TeacherTraining.Files(run, run, Map.of()), cancelAfter(3)));
		assertEquals(6, TeacherCheckpoint.read(run).state().iteration);
		TeacherTraining.Result resumed = TeacherTraining.run(new DenseObjective(TeacherTrainingTest.photos(), settings, null), new TeacherTraining.Files(run, run, Map.of()), Progress.NONE);
		assertEquals(full.losses().size(), resumed.losses().size());
		for (int i = 0; i < full.weights().size(); i++) assertArrayEquals(full.weights().get(i), resumed.weights().get(i), "tensor " + i);
		for (int i = 0; i < full.losses().size(); i++) assertArrayEquals(full.losses().get(i), resumed.losses().get(i), "step " + i);
		assertArrayEquals(full.weights().get(0), TeacherFile.load(run).weights().get(0));

		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TeacherTraining.run(new DenseObjective(TeacherTrainingTest.photos(), settings.toBuilder().dense(settings.dense().toBuilder().grid(6).crops(4).mining(settings.dense().mining(), 0.5f).warmup(2).build()).build(), null), new TeacherTraining.Files(null, run, Map.of()), Progress.NONE));
		assertTrue(e.getMessage().contains("other settings"), e.getMessage());
		// A dense checkpoint does not resume as a patch run, nor a patch checkpoint as a dense one.
		e = assertThrows(IllegalArgumentException.class, () -> TeacherTraining.run(new PatchObjective(TeacherTrainingTest.photos(), TeacherTrainingTest.tiny(), null, null), new TeacherTraining.Files(null, run, Map.of()), Progress.NONE));
		assertTrue(e.getMessage().contains("dense mode"), e.getMessage());
	}

	@Test
	void distillationAndTooSmallImagesAreRefused() {
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
				() -> TeacherTraining.run(new DenseObjective(TeacherTrainingTest.photos(), tiny().toBuilder().lambdas(1, 1, 0).build(), null), TeacherTraining.Files.NONE, Progress.NONE));
		assertTrue(e.getMessage().contains("--mode distil"), e.getMessage());
		e = assertThrows(IllegalArgumentException.class,
				() -> TeacherTraining.run(new DenseObjective(noise(1, 20, 1, 1), tiny(), null), TeacherTraining.Files.NONE, Progress.NONE));
		assertTrue(e.getMessage().contains("too small"), e.getMessage());
	}
}
