package io.github.stad.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import io.github.stad.engine.Progress;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.image.InputNormalisation;
import io.github.stad.engine.image.PaddedCrops;
import io.github.stad.engine.model.AnomalyModel;
import io.github.stad.engine.model.Calibration;
import io.github.stad.engine.model.ScaleModel;
import io.github.stad.engine.model.TeacherTarget;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.DescriptorNet;
import io.github.stad.engine.net.Djl;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Scoring speed on this machine (not a test), all in one JVM: (a) the ceiling, the best GFLOP/s of
 * plain convolutions of the networks' dominant shapes on a large map and of the largest ones the dense
 * passes run on a 256² tile, through DJL on the product's engine and thread count; (b) the product's
 * full scoring pass ({@code AnomalyModel.score}: teacher + 3 students, dense form, default 256² tiles) per patch size and for the default 3-scale model, as
 * seconds, useful GFLOP/s and fraction of the ceiling, with the best fraction the receptive field's
 * margins on the tiles allow ({@code Architecture.multiplyAddsForTile}); optionally one dense network
 * alone and the naive patch-by-patch computation. It also exports, per patch size, a random teacher's weights with a small
 * padded input and its dense output, so that bench/scoring_torch.py can prove its PyTorch form is the
 * same network. Networks are randomly initialised: speed does not depend on weights.
 * <p>
 * Run: bench/scoring.sh (docs/benchmarks.md). Arguments: [PATCH_SIZES [CHANNELS]]; system properties
 * stad.bench.sizes (256,1024), stad.bench.reps (best of, 3 at ≤ 256², stad.bench.largeReps = 1 above),
 * stad.bench.ceilingSize (256), stad.bench.out (bench/out/scoring), stad.bench.single / .naive (false).
 */
public final class ScoringBenchmark {

	/** Ceiling shapes, the dominant convolutions of the three layouts: {kernel, in, out, batch, input side (0 = the ceiling size)}. */
	static final int[][] CEILING_SHAPES = { { 5, 128, 128, 1, 0 }, { 5, 128, 256, 1, 0 }, { 4, 128, 256, 1, 0 },
			// ... and the largest convolutions of the dense passes over a 256² tile, so that the ceiling is never
			// below what the networks themselves reach: p = 17's 5×5 256→256 on 263², p = 65's second layer on
			// its 4 phase images, p = 33's second layer on its 4 and last layer on its 16.
			{ 5, 256, 256, 1, 263 }, { 5, 128, 128, 4, 155 }, { 5, 128, 256, 4, 141 }, { 4, 256, 128, 16, 67 } };
	static final int STUDENTS = 3;

	public static void main(String[] args) throws Exception {
		int[] patchSizes = args.length > 0 ? ints(args[0]) : new int[] { 17, 33, 65 };
		int channels = args.length > 1 ? Integer.parseInt(args[1]) : 1;
		int[] sizes = ints(System.getProperty("stad.bench.sizes", "256,1024"));
		int reps = Integer.getInteger("stad.bench.reps", 3), largeReps = Integer.getInteger("stad.bench.largeReps", 1);
		int ceilingSize = Integer.getInteger("stad.bench.ceilingSize", 256);
		boolean single = Boolean.getBoolean("stad.bench.single"), naive = Boolean.getBoolean("stad.bench.naive");
		Path out = Path.of(System.getProperty("stad.bench.out", "bench/out/scoring"));
		Files.createDirectories(out);

		String engine = Djl.describe(); // starts the engine, which the thread count needs
		int threads = ai.djl.pytorch.jni.JniUtils.getNumThreads();
		System.out.println("# " + engine + ", " + Runtime.getRuntime().availableProcessors() + " cores, PyTorch intra-op threads " + threads + ", input channels " + channels);
		try (PrintWriter tsv = new PrintWriter(Files.newBufferedWriter(out.resolve("java.tsv")));
				NDManager manager = NDManager.newBaseManager(Device.cpu(), Djl.engine().getEngineName())) {
			tsv.println("# engine\t" + engine);
			tsv.println("# threads\t" + threads);
			tsv.println("# cores\t" + Runtime.getRuntime().availableProcessors());
			tsv.println("kind\tp\tsize\tseconds\tgflops");

			// (a) The ceiling: the best of plain convolutions (stride 1, no padding) of the networks' shapes.
			double ceiling = 0;
			for (int[] c : CEILING_SHAPES) {
				int side = c[4] == 0 ? ceilingSize : c[4];
				double[] r = convolution(manager, c[0], c[1], c[2], c[3], side, Math.max(reps, 2));
				ceiling = Math.max(ceiling, r[1]);
				String name = "conv" + c[0] + "x" + c[0] + "_" + c[1] + "to" + c[2] + (c[3] == 1 ? "" : "_b" + c[3]);
				System.out.printf("ceiling %s on %dx%dx%d²: %.3f s, %.1f GFLOP/s%n", name, c[3], c[1], side, r[0], r[1]);
				tsv.printf("ceiling:%s\t-\t%d\t%.4f\t%.2f%n", name, side, r[0], r[1]);
				tsv.flush();
			}
			System.out.printf("ceiling: %.1f GFLOP/s (best of the shapes above)%n", ceiling);

			// Exported teachers for the PyTorch equivalence check.
			for (int p : patchSizes) {
				Architecture arch = Architecture.standard(p, channels);
				try (DescriptorNet teacher = DescriptorNet.random(arch, manager, Device.cpu(), 1000 + p)) {
					exportCheck(teacher, noise(40, channels, 7), out.resolve("check-p" + p + ".bin"));
				}
			}

			// (b) Full passes: per patch size, then all of them as the default 3-scale model.
			List<ScaleModel> all = new ArrayList<>();
			for (int p : patchSizes) {
				Architecture arch = Architecture.standard(p, channels);
				DescriptorNet teacher = DescriptorNet.random(arch, manager, Device.cpu(), 1);
				List<DescriptorNet> students = new ArrayList<>();
				for (int i = 0; i < STUDENTS; i++) students.add(DescriptorNet.random(arch, manager, Device.cpu(), 10 + i));
				float[] mu = new float[arch.descriptorDim()], sigma = new float[arch.descriptorDim()];
				Arrays.fill(sigma, 1f);
				all.add(new ScaleModel(new TeacherTarget(teacher, mu, sigma), students, "random"));
			}
			List<List<ScaleModel>> passes = new ArrayList<>();
			for (ScaleModel s : all) passes.add(List.of(s));
			if (all.size() > 1) passes.add(all);
			for (List<ScaleModel> scales : passes) {
				String label = scales.size() == 1 ? String.valueOf(scales.get(0).architecture().patchSize()) : "all";
				long macs = scales.stream().mapToLong(s -> s.architecture().multiplyAddsPerPixel()).sum();
				AnomalyModel model = model(manager, scales, channels); // not closed here: that would close the shared networks
				{
					for (int size : sizes) {
						if (size < model.minimumImageSize()) {
							System.out.printf("full pass p=%s %d²: skipped, the image is smaller than a patch%n", label, size);
							continue;
						}
						FloatImage image = noise(size, channels, size);
						int runs = size <= 256 ? reps : largeReps;
						double full = best(runs, size <= 256, () -> model.score(image, 256, Progress.NONE));
						double gflops = 2.0 * macs * size * size * (1 + STUDENTS) / 1e9 / full;
						// The receptive field's margins on each 256² tile are work every dense form must do:
						// useful / least work is the best fraction of the ceiling this pass could reach.
						int tile = Math.min(size, 256);
						double least = scales.stream().mapToDouble(s -> (double) s.architecture().multiplyAddsForTile(tile)).sum() / ((double) tile * tile);
						tsv.printf("bound\t%s\t%d\t%.4f\t%.4f%n", label, size, least / macs, macs / least);
						System.out.printf("full pass p=%s %d²: %.2f s, %.1f GFLOP/s, %.2f of the ceiling, peak RSS %d MB%n", label, size, full, gflops, gflops / ceiling, peakRssMb());
						tsv.printf("full\t%s\t%d\t%.4f\t%.2f%n", label, size, full, gflops);
						tsv.flush();
					}
				}
			}

			// Optional: one dense network over the whole image (no tiles), and the naive patch-by-patch computation.
			for (ScaleModel s : all) {
				DescriptorNet teacher = s.target().teacher();
				Architecture arch = teacher.architecture();
				if (single) {
					for (int size : sizes) {
						FloatImage image = noise(size, channels, size);
						double dense = best(size <= 256 ? reps : largeReps, size <= 256, () -> denseOnce(teacher, image));
						double gflops = 2.0 * arch.multiplyAddsPerPixel() * size * size / 1e9 / dense;
						System.out.printf("one dense network p=%d %d²: %.2f s, %.1f GFLOP/s%n", arch.patchSize(), size, dense, gflops);
						tsv.printf("single\t%d\t%d\t%.4f\t%.2f%n", arch.patchSize(), size, dense, gflops);
					}
				}
				if (naive) {
					int small = 32;
					FloatImage image = noise(small, channels, small);
					double slow = best(1, true, () -> naiveOnce(teacher, image));
					double dense = best(3, true, () -> denseOnce(teacher, image));
					System.out.printf("p=%d %d²: naive patch-by-patch %.2f s vs dense %.3f s: %.0fx faster%n", arch.patchSize(), small, slow, dense, slow / dense);
				}
			}
		}
	}

	static AnomalyModel model(NDManager manager, List<ScaleModel> scales, int channels) {
		float[] ones = new float[channels];
		Arrays.fill(ones, 1f);
		List<Calibration.ScoreStats> stats = new ArrayList<>();
		for (int i = 0; i < scales.size(); i++) stats.add(new Calibration.ScoreStats(0, 1, 0, 1));
		return new AnomalyModel(manager.newSubManager(), new InputNormalisation(new float[channels], ones), scales, new Calibration(stats, 0, 0.01, null), Map.of());
	}

	/** Best of {@code runs} timed convolutions after one warm-up: {seconds, GFLOP/s}. */
	static double[] convolution(NDManager manager, int k, int in, int out, int batch, int size, int runs) {
		try (NDManager m = manager.newSubManager()) {
			NDArray x = m.randomNormal(new Shape(batch, in, size, size));
			NDArray w = m.randomNormal(new Shape(out, in, k, k)).mul(0.01);
			NDArray b = m.zeros(new Shape(out));
			double seconds = best(runs, true, () -> {
				try (NDArray y = Conv2d.conv2d(x, w, b).singletonOrThrow()) {
					y.getShape(); // PyTorch on the CPU computes eagerly: the result exists here
				}
			});
			long o = size - k + 1;
			return new double[] { seconds, 2.0 * k * k * in * out * o * o * batch / 1e9 / seconds };
		}
	}

	/** [count] then per tensor [rank, dims…, float32 values…], little-endian: weights, the padded input, the dense output. */
	static void exportCheck(DescriptorNet net, FloatImage image, Path file) throws IOException {
		Architecture a = net.architecture();
		int s = image.width(), in = DescriptorNet.denseInputSize(a, s);
		float[] buffer = new float[a.inputChannels() * in * in];
		PaddedCrops.window(image, -a.marginBefore(), -a.marginBefore(), in, in, buffer, 0);
		List<float[]> values = new ArrayList<>(net.exportWeights());
		List<Shape> shapes = new ArrayList<>(DescriptorNet.parameterShapes(a));
		values.add(buffer);
		shapes.add(new Shape(1, a.inputChannels(), in, in));
		try (NDManager sub = net.manager().newSubManager()) {
			values.add(net.dense(sub.create(buffer, new Shape(1, a.inputChannels(), in, in)), s, s).toFloatArray());
		}
		shapes.add(new Shape(1, a.descriptorDim(), s, s));
		try (DataOutputStream o = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(file)))) {
			writeInt(o, values.size());
			for (int i = 0; i < values.size(); i++) {
				long[] dims = shapes.get(i).getShape();
				writeInt(o, dims.length);
				for (long d : dims) writeInt(o, (int) d);
				ByteBuffer bb = ByteBuffer.allocate(4 * values.get(i).length).order(ByteOrder.LITTLE_ENDIAN);
				bb.asFloatBuffer().put(values.get(i));
				o.write(bb.array());
			}
		}
	}

	static void writeInt(DataOutputStream o, int v) throws IOException {
		o.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
	}

	static int[] ints(String csv) {
		return Arrays.stream(csv.split(",")).map(String::trim).filter(t -> !t.isEmpty()).mapToInt(Integer::parseInt).toArray();
	}

	static FloatImage noise(int size, int channels, long seed) {
		Random r = new Random(seed);
		float[][] data = new float[channels][size * size];
		for (float[] c : data) for (int i = 0; i < c.length; i++) c[i] = (float) r.nextGaussian();
		return new FloatImage("noise", size, size, data);
	}

	static void denseOnce(DescriptorNet net, FloatImage image) {
		Architecture a = net.architecture();
		int s = image.width(), in = DescriptorNet.denseInputSize(a, s);
		float[] buffer = new float[a.inputChannels() * in * in];
		PaddedCrops.window(image, -a.marginBefore(), -a.marginBefore(), in, in, buffer, 0);
		try (NDManager sub = net.manager().newSubManager()) {
			net.dense(sub.create(buffer, new Shape(1, a.inputChannels(), in, in)), s, s).toFloatArray();
		}
	}

	static void naiveOnce(DescriptorNet net, FloatImage image) {
		Architecture a = net.architecture();
		int p = a.patchSize(), s = image.width(), c = a.inputChannels();
		int rows = 16; // patches per batch: one batch per 16 pixels of a row
		for (int y = 0; y < s; y++) {
			for (int x0 = 0; x0 < s; x0 += rows) {
				float[] patches = new float[rows * c * p * p];
				for (int k = 0; k < rows; k++) PaddedCrops.window(image, x0 + k - (p - 1) / 2, y - (p - 1) / 2, p, p, patches, k * c * p * p);
				try (NDManager sub = net.manager().newSubManager()) {
					NDArray d = net.patch(sub.create(patches, new Shape(rows, c, p, p)));
					d.toFloatArray();
				}
			}
		}
	}

	/** Best of {@code runs} timed runs, after one untimed warm-up when {@code warmUp}. */
	static double best(int runs, boolean warmUp, Runnable r) {
		if (warmUp) r.run();
		double best = Double.MAX_VALUE;
		for (int i = 0; i < Math.max(1, runs); i++) {
			long t = System.nanoTime();
			r.run();
			best = Math.min(best, (System.nanoTime() - t) / 1e9);
		}
		return best;
	}

	static long peakRssMb() throws IOException {
		for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
			if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
		}
		return -1;
	}
}
