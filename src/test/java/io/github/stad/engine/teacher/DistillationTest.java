package io.github.stad.engine.teacher;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.stad.engine.Progress;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.net.Djl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.*;

/** Dense distillation: the target files, exact geometry of the targets, the loss and its gradient, a tiny run end to end. */
public class DistillationTest {

	/** Targets at stride 4 whose feature (i, j) describes the 4×4 block at (4i, 4j): centre 1.5 + 4i. */
	static final double STRIDE = 4, OFFSET = 1.5;

	static TeacherSettings settings(int steps) {
		TeacherSettings.Dense d = TeacherSettings.defaults(17).dense();
		return TeacherSettings.builder(17).networkSize(8, 16).lambdas(1, 0, 0.01f).learningRate(3e-3f).iterations(steps).seed(5).checkpointEvery(1).useGpu(false)
				.mode(TeacherSettings.Mode.DISTIL).dense(d.toBuilder().grid(6).crops(4).warmup(2).build()).build();
	}

	@Test
	void halfPrecisionValuesDecodeExactly() {
		assertEquals(1f, DistillationTargets.Half.toFloat((short) 0x3C00));
		assertEquals(-2f, DistillationTargets.Half.toFloat((short) 0xC000));
		assertEquals(65504f, DistillationTargets.Half.toFloat((short) 0x7BFF));
		assertEquals(0x1p-24f, DistillationTargets.Half.toFloat((short) 0x0001));
		assertEquals(0.333251953125f, DistillationTargets.Half.toFloat((short) 0x3555));
		assertEquals(-0f, DistillationTargets.Half.toFloat((short) 0x8000));
		assertTrue(Float.isInfinite(DistillationTargets.Half.toFloat((short) 0x7C00)));
		for (float v : new float[] { 0, 0.5f, -3.25f, 1000, 1e-3f, -7e-6f }) assertEquals(v, DistillationTargets.Half.toFloat(half(v)), Math.abs(v) * 1e-3 + 1e-7, "round trip of " + v);
	}

	@Test
	void targetsAtTheTeachersGridPointsAreWherePsFeaturesDescribe(@TempDir Path dir) throws IOException {
		// Channel 0 holds each feature's centre row, channel 1 its centre column: bilinear reading is exact on them.
		List<FloatImage> photos = DenseTeacherTrainingTest.smoothNoise(3, 48, 1);
		writeTargets(dir, photos, 2, (y, x) -> new float[] { y.floatValue(), x.floatValue() }, new float[] { 0, 0 }, new float[] { 1, 1 });
		DistillationObjective o = (DistillationObjective) TeacherObjectives.create(settings(1), new TeacherObjectives.Sources(photos, null, null, dir));
		o.prepare(io.github.stad.engine.image.InputNormalisation.fit(photos), null, manager(), Djl.device(false));
		int g = 6, stride = o.architecture().outputStride();
		double centre = (o.architecture().receptiveField() - 1) / 2.0;
		for (int step = 0; step < 5; step++) {
			DistillationObjective.Batch b = o.sample(step);
			for (int crop = 0; crop < 4; crop++) {
				for (int i = 0; i < g; i++) {
					for (int j = 0; j < g; j++) {
						int row = ((crop * g + i) * g + j) * 2;
						assertEquals(b.y()[crop] + stride * i + centre, b.targets()[row], 0.02, "row of grid point " + i + "," + j);
						assertEquals(b.x()[crop] + stride * j + centre, b.targets()[row + 1], 0.02, "column of grid point " + i + "," + j);
					}
				}
				// The crop is the photograph's window at (x, y).
				FloatImage photo = photos.get(b.image()[crop]);
				var n = io.github.stad.engine.image.InputNormalisation.fit(photos);
				float expected = (photo.get(0, b.x()[crop] + 3, b.y()[crop] + 2) - n.mean()[0]) / n.std()[0];
				int side = 17 + 5 * stride;
				assertEquals(expected, b.crops()[crop * side * side + 2 * side + 3], 1e-4);
			}
		}
		assertArrayEquals(o.sample(3).targets(), o.sample(3).targets(), "a pure function of (seed, step)");
		assertFalse(Arrays.equals(o.sample(3).targets(), o.sample(4).targets()));
	}

	@Test
	void photographsTooSmallForACropAreLeftOutAndSaidSo(@TempDir Path dir) throws IOException {
		List<FloatImage> photos = new java.util.ArrayList<>(DenseTeacherTrainingTest.smoothNoise(2, 48, 1));
		photos.add(DenseTeacherTrainingTest.smoothNoise(1, 20, 2).get(0).withName("small")); // crops are 22 px
		writeTargets(dir, photos, 2, (y, x) -> new float[] { 0, 0 }, new float[] { 0, 0 }, new float[] { 1, 1 });
		DistillationObjective o = (DistillationObjective) TeacherObjectives.create(settings(1), new TeacherObjectives.Sources(photos, null, null, dir));
		assertTrue(o.note().contains("1 of 3 photographs"), o.note());
		o.prepare(io.github.stad.engine.image.InputNormalisation.fit(photos), null, manager(), Djl.device(false));
		for (int step = 0; step < 20; step++) for (int image : o.sample(step).image()) assertNotEquals(2, image, "the small photograph is never cropped");
		IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
				() -> TeacherObjectives.create(settings(1), new TeacherObjectives.Sources(photos.subList(2, 3), null, null, dir)));
		assertTrue(none.getMessage().contains("--grid"), none.getMessage());
	}

	@Test
	void distillationLossAndGradient() {
		try (NDManager m = manager()) {
			NDArray decoded = m.create(new float[] { 1, 2, 3, 4, 0, -1 }, new Shape(2, 3)), target = m.create(new float[] { 1, 0, 3, 2, 0, 1 }, new Shape(2, 3));
			decoded.setRequiresGradient(true);
			try (GradientCollector c = Djl.engine().newGradientCollector()) {
				NDArray loss = TeacherLosses.distillation(decoded, target);
				// rows: (0 + 4 + 0) and (4 + 0 + 4): mean 6
				assertEquals(6f, loss.getFloat(), 1e-6);
				c.backward(loss);
			}
			// d/dx mean_rows ‖x − t‖² = 2 (x − t) / rows
			assertArrayEquals(new float[] { 0, 2, 0, 2, 0, -2 }, decoded.getGradient().toFloatArray(), 1e-6f);
		}
	}

	@Test
	void aTinyTeacherLearnsPsFeaturesAndResumesExactly(@TempDir Path dir) throws IOException {
		List<FloatImage> photos = DenseTeacherTrainingTest.smoothNoise(4, 56, 2);
		// P: the mean and the two gradients of each 4×4 block, standardised over the set.
		writeBlockFeatures(dir, photos);
		TeacherTraining.Result r = TeacherTraining.run(objective(photos, dir, 80), TeacherTraining.Files.NONE, Progress.NONE);
		System.out.println("tiny distillation Lk: " + meanLk(r.losses(), 0, 10) + " -> " + meanLk(r.losses(), 70, 80));
		double first = meanLk(r.losses(), 0, 10), last = meanLk(r.losses(), 70, 80);
		assertTrue(last < 0.5 * first, "Lk falls: first 10 steps " + first + ", last 10 " + last);

		Path straight = dir.resolve("straight.zip"), run = dir.resolve("run.zip");
		TeacherTraining.Result full = TeacherTraining.run(objective(photos, dir, 6), TeacherTraining.Files.checkpointTo(straight), Progress.NONE);
		assertThrows(Progress.CancelledException.class, () -> TeacherTraining.run(objective(photos, dir, 6), TeacherTraining.Files.checkpointTo(run), cancelAfter(3)));
		TeacherTraining.Result resumed = TeacherTraining.run(objective(photos, dir, 6), new TeacherTraining.Files(run, run, Map.of()), Progress.NONE);
		for (int i = 0; i < full.weights().size(); i++) assertArrayEquals(full.weights().get(i), resumed.weights().get(i), "tensor " + i);
		assertEquals(6, resumed.losses().size());
		// Another objective refuses the distillation checkpoint.
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
				() -> TeacherTraining.run(new DenseObjective(photos, DenseTeacherTrainingTest.tiny().toBuilder().seed(5).build(), null), new TeacherTraining.Files(null, run, Map.of()), Progress.NONE));
		assertTrue(e.getMessage().contains("distil mode"), e.getMessage());
	}

	@Test
	void badTargetsAreRefusedWithAReason(@TempDir Path dir) throws IOException {
		List<FloatImage> photos = DenseTeacherTrainingTest.smoothNoise(2, 48, 1);
		IOException missing = assertThrows(NoSuchFileException.class, () -> TeacherObjectives.create(settings(1), new TeacherObjectives.Sources(photos, null, null, dir)));
		assertTrue(missing.getMessage().contains("targets.py"), missing.getMessage());
		writeTargets(dir, photos.subList(0, 1), 2, (y, x) -> new float[] { 0, 0 }, new float[] { 0, 0 }, new float[] { 1, 1 });
		IOException noMap = assertThrows(NoSuchFileException.class, () -> TeacherObjectives.create(settings(1), new TeacherObjectives.Sources(photos, null, null, dir)));
		assertTrue(noMap.getMessage().contains(photos.get(1).name()), noMap.getMessage());
		writeTargets(dir, photos, 2, (y, x) -> new float[] { 0, 0 }, new float[] { 0, 0 }, new float[] { 1, 1 });
		Path npy = dir.resolve(photos.get(1).name() + ".npy");
		byte[] whole = Files.readAllBytes(npy);
		Files.write(npy, Arrays.copyOf(whole, whole.length - 6));
		IOException truncated = assertThrows(IOException.class, () -> TeacherObjectives.create(settings(1), new TeacherObjectives.Sources(photos, null, null, dir)));
		assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());
		Files.write(npy, whole);
		IllegalArgumentException triplet = assertThrows(IllegalArgumentException.class,
				() -> TeacherObjectives.create(settings(1).toBuilder().lambdas(1, 1, 0).build(), new TeacherObjectives.Sources(photos, null, null, dir)));
		assertTrue(triplet.getMessage().contains("--lambda-m 0"), triplet.getMessage());
		IllegalArgumentException noTargets = assertThrows(IllegalArgumentException.class,
				() -> TeacherObjectives.create(settings(1), TeacherObjectives.Sources.photos(photos)));
		assertTrue(noTargets.getMessage().contains("--targets"), noTargets.getMessage());
	}

	private static TeacherObjective objective(List<FloatImage> photos, Path targets, int steps) throws IOException {
		return TeacherObjectives.create(settings(steps), new TeacherObjectives.Sources(photos, null, null, targets));
	}

	private static double meanLk(List<float[]> losses, int from, int to) {
		double sum = 0;
		for (int i = from; i < to; i++) sum += losses.get(i)[1];
		return sum / (to - from);
	}

	private static Progress cancelAfter(int steps) {
		return new Progress() {
			private int updates;

			@Override
			public void update(String message, double fraction) { updates++; }

			@Override
			public void checkCancelled() {
				if (updates >= steps) throw new CancelledException();
			}
		};
	}

	private static NDManager manager() { return NDManager.newBaseManager(ai.djl.Device.cpu(), Djl.engine().getEngineName()); }

	/** Block mean, horizontal and vertical difference of each 4×4 block, standardised with the set's mean and std. */
	private static void writeBlockFeatures(Path dir, List<FloatImage> photos) throws IOException {
		double[] sum = new double[3], sq = new double[3];
		long count = 0;
		for (FloatImage p : photos) {
			for (int i = 0; i < p.height() / 4; i++) {
				for (int j = 0; j < p.width() / 4; j++) {
					float[] f = block(p, i, j);
					for (int c = 0; c < 3; c++) { sum[c] += f[c]; sq[c] += f[c] * f[c]; }
					count++;
				}
			}
		}
		float[] mean = new float[3], std = new float[3];
		for (int c = 0; c < 3; c++) {
			mean[c] = (float) (sum[c] / count);
			std[c] = (float) Math.sqrt(sq[c] / count - mean[c] * mean[c]);
		}
		writeTargets(dir, photos, 3, null, mean, std);
	}

	private static float[] block(FloatImage p, int i, int j) {
		double mean = 0, dx = 0, dy = 0;
		for (int v = 0; v < 4; v++) {
			for (int u = 0; u < 4; u++) {
				float a = p.get(0, 4 * j + u, 4 * i + v);
				mean += a / 16;
				dx += (u < 2 ? -a : a) / 8;
				dy += (v < 2 ? -a : a) / 8;
			}
		}
		return new float[] { (float) mean, (float) dx, (float) dy };
	}

	/**
	 * A target folder as bench/distill/targets.py writes it: stride-4 maps of each photograph, feature (i, j)
	 * from {@code feature(centreRow, centreColumn)} or, when null, the 4×4 block's mean and gradients.
	 */
	public static void writeTargets(Path dir, List<FloatImage> photos, int channels, BiFunction<Double, Double, float[]> feature, float[] mean, float[] std) throws IOException {
		for (FloatImage p : photos) {
			int h = p.height() / 4, w = p.width() / 4;
			short[] values = new short[channels * h * w];
			for (int i = 0; i < h; i++) {
				for (int j = 0; j < w; j++) {
					float[] f = feature != null ? feature.apply(OFFSET + STRIDE * i, OFFSET + STRIDE * j) : block(p, i, j);
					for (int c = 0; c < channels; c++) values[(c * h + i) * w + j] = half(f[c]);
				}
			}
			writeNpy(dir.resolve(p.name() + ".npy"), channels, h, w, values);
		}
		String json = String.format("{\"layer\": \"test_blocks\", \"pool\": \"none\", \"scale\": 1, \"channels\": %d, \"stride_px\": [%s, %s], \"offset_px\": [%s, %s], "
				+ "\"mean\": %s, \"std\": %s, \"images\": %d, \"source\": {\"package\": \"test\"}}", channels, STRIDE, STRIDE, OFFSET, OFFSET, Arrays.toString(mean), Arrays.toString(std), photos.size());
		Files.writeString(dir.resolve("targets.json"), json);
	}

	private static void writeNpy(Path file, int c, int h, int w, short[] values) throws IOException {
		String header = "{'descr': '<f2', 'fortran_order': False, 'shape': (" + c + ", " + h + ", " + w + "), }";
		int total = 10 + header.length() + 1;
		header = header + " ".repeat((64 - total % 64) % 64) + "\n";
		ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
		b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0).putShort((short) header.length());
		b.put(header.getBytes(StandardCharsets.US_ASCII));
		for (short v : values) b.putShort(v);
		Files.write(file, b.array());
	}

	/** Float to half precision, rounding to nearest (normal range and zero; enough for test data). */
	static short half(float v) {
		int bits = Float.floatToIntBits(v), sign = (bits >>> 16) & 0x8000;
		float a = Math.abs(v);
		if (a < 0x1p-14f) return (short) (sign | Math.round(a / 0x1p-24f));
		int exponent = Math.getExponent(a);
		int mantissa = Math.round((a / (float) Math.pow(2, exponent) - 1) * 1024);
		if (mantissa == 1024) { mantissa = 0; exponent++; }
		return (short) (sign | ((exponent + 15) << 10) | mantissa);
	}
}
