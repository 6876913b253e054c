package io.github.stad.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Scoring speed on this machine (not a test): one dense network and the full scoring pass (teacher +
 * 3 students) per patch size at 256² and 512², peak resident memory, and the naive patch-by-patch
 * computation for comparison. Networks are randomly initialised: speed does not depend on weights.
 * Run: bench/scoring.sh
 */
public final class ScoringBenchmark {

	public static void main(String[] args) throws Exception {
		int[] sizes = { 256, 512 };
		int[] patchSizes = args.length > 0 ? java.util.Arrays.stream(args[0].split(",")).mapToInt(Integer::parseInt).toArray() : new int[] { 17, 33, 65 };
		int channels = args.length > 1 ? Integer.parseInt(args[1]) : 1;
		System.out.println("# " + Djl.describe() + ", " + Runtime.getRuntime().availableProcessors() + " cores, input channels " + channels);
		try (NDManager manager = NDManager.newBaseManager(Device.cpu(), Djl.engine().getEngineName())) {
			for (int p : patchSizes) {
				Architecture arch = Architecture.standard(p, channels);
				DescriptorNet teacher = DescriptorNet.random(arch, manager, Device.cpu(), 1);
				List<DescriptorNet> students = new ArrayList<>();
				for (int i = 0; i < 3; i++) students.add(DescriptorNet.random(arch, manager, Device.cpu(), 10 + i));
				float[] mu = new float[arch.descriptorDim()], sigma = new float[arch.descriptorDim()];
				java.util.Arrays.fill(sigma, 1f);
				ScaleModel scale = new ScaleModel(new TeacherTarget(teacher, mu, sigma), students, "random");
				float[] ones = new float[channels];
				java.util.Arrays.fill(ones, 1f);
				AnomalyModel model = new AnomalyModel(manager.newSubManager(), new InputNormalisation(new float[channels], ones), List.of(scale),
						new Calibration(List.of(new Calibration.ScoreStats(0, 1, 0, 1)), 0, 0.01, null), Map.of());
				for (int size : sizes) {
					FloatImage image = noise(size, channels);
					double dense = best(3, () -> denseOnce(teacher, image));
					double full = best(1, () -> model.score(image, 256, Progress.NONE));
					double gflop = 2.0 * arch.multiplyAddsPerPixel() * size * size / 1e9;
					System.out.printf("p=%d %d²: one dense network %.2f s (%.0f GFLOP/s on output pixels), full pass teacher+3 students %.2f s (%.0f GFLOP/s), peak RSS %d MB%n",
							p, size, dense, gflop / dense, full, 4 * gflop / full, peakRssMb());
				}
				// Naive: the patch network on every patch of a small image, against the dense form.
				int small = 32;
				FloatImage image = noise(small, channels);
				double naive = best(1, () -> naiveOnce(teacher, image));
				double dense = best(3, () -> denseOnce(teacher, image));
				System.out.printf("p=%d %d²: naive patch-by-patch %.2f s vs dense %.3f s: %.0fx faster%n", p, small, naive, dense, naive / dense);
			}
		}
	}

	static FloatImage noise(int size, int channels) {
		Random r = new Random(size);
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

	static double best(int runs, Runnable r) {
		r.run(); // warm-up
		double best = Double.MAX_VALUE;
		for (int i = 0; i < runs; i++) {
			long t = System.nanoTime();
			r.run();
			best = Math.min(best, (System.nanoTime() - t) / 1e9);
		}
		return best;
	}

	static long peakRssMb() throws Exception {
		for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
			if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
		}
		return -1;
	}
}
