package io.github.stad.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.github.stad.engine.Progress;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.model.AnomalyModel;
import io.github.stad.engine.model.MapMode;
import io.github.stad.engine.model.ScaleModel;
import io.github.stad.engine.model.TeacherTarget;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.DescriptorNet;
import io.github.stad.engine.net.Djl;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Seconds per megapixel of exact and strided maps (not a test; docs/benchmarks.md, "Exact and strided
 * maps"): one model of random networks (teacher + 3 students per patch size; speed does not depend on
 * weights) scores a noise image of each size in both modes ({@code AnomalyModel.score}, 256² tiles), best
 * of REPS at sizes ≤ 256² after a warm-up, once above. Prints a markdown table (seconds, seconds per
 * megapixel, speed-up, and how far the strided map is from the exact one: the largest and the RMS
 * difference, in units of the exact map's standard deviation) and writes it with a TSV to OUT.
 * <p>
 * Run: bench/map_modes.sh. Arguments: [PATCH_SIZES [SIZES]] (17,33,65 and 256,2048); system properties
 * stad.bench.width / descriptorDim (128 / 128: the real networks; smaller only to check the program),
 * stad.bench.reps (3), stad.bench.tile (256), stad.bench.gpu (false), stad.bench.out (bench/out/map_modes).
 */
public final class MapModeSpeed {

	public static void main(String[] args) throws Exception {
		int[] patchSizes = ScoringBenchmark.ints(args.length > 0 ? args[0] : "17,33,65");
		int[] sizes = ScoringBenchmark.ints(args.length > 1 ? args[1] : "256,2048");
		int width = Integer.getInteger("stad.bench.width", Architecture.DEFAULT_WIDTH);
		int dim = Integer.getInteger("stad.bench.descriptorDim", Architecture.DEFAULT_DESCRIPTOR_DIM);
		int reps = Integer.getInteger("stad.bench.reps", 3), tile = Integer.getInteger("stad.bench.tile", 256);
		boolean gpu = Boolean.getBoolean("stad.bench.gpu");
		Path out = Path.of(System.getProperty("stad.bench.out", "bench/out/map_modes"));
		Files.createDirectories(out);
		Device device = Djl.device(gpu);
		List<String> table = new ArrayList<>();
		table.add("# " + Djl.describe() + "; " + Djl.cpuThreads() + "; device " + device + "; patch sizes " + Arrays.toString(patchSizes) + ", width " + width + ", d " + dim
				+ ", " + ScoringBenchmark.STUDENTS + " students, tiles " + tile + "²");
		table.add("");
		table.add("| image | exact s | exact s/MP | strided s | strided s/MP | speed-up | max abs diff / σ | RMS diff / σ |");
		table.add("| --- | --- | --- | --- | --- | --- | --- | --- |");
		try (NDManager manager = NDManager.newBaseManager(device, Djl.engine().getEngineName());
				PrintWriter tsv = new PrintWriter(Files.newBufferedWriter(out.resolve("map_modes.tsv")))) {
			tsv.println("size\texact_s\tstrided_s\texact_s_per_mp\tstrided_s_per_mp\tmax_diff_sigma\trms_diff_sigma");
			AnomalyModel model = ScoringBenchmark.model(manager, scales(manager, device, patchSizes, width, dim), 1);
			for (int size : sizes) {
				if (size < model.minimumImageSize()) {
					System.out.printf("%d²: skipped, the image is smaller than a patch%n", size);
					continue;
				}
				FloatImage image = ScoringBenchmark.noise(size, 1, size);
				int runs = size <= 256 ? reps : 1;
				float[][] maps = new float[2][];
				double[] seconds = new double[2];
				MapMode[] modes = { MapMode.EXACT, MapMode.STRIDED };
				for (int m = 0; m < 2; m++) {
					MapMode mode = modes[m];
					int k = m;
					seconds[m] = ScoringBenchmark.best(runs, size <= 256, () -> maps[k] = model.score(image, tile, mode, Progress.NONE).score().channel(0));
					System.out.printf("%d² %s: %.2f s (%.1f s per megapixel)%n", size, mode.key(), seconds[m], seconds[m] / megapixels(size));
				}
				double[] diff = difference(maps[0], maps[1]);
				double mp = megapixels(size);
				table.add(String.format("| %d² | %.2f | %.1f | %.2f | %.1f | %.1f× | %.3f | %.4f |", size, seconds[0], seconds[0] / mp, seconds[1], seconds[1] / mp,
						seconds[0] / seconds[1], diff[0], diff[1]));
				tsv.printf("%d\t%.4f\t%.4f\t%.3f\t%.3f\t%.4f\t%.5f%n", size, seconds[0], seconds[1], seconds[0] / mp, seconds[1] / mp, diff[0], diff[1]);
				tsv.flush();
			}
		}
		Files.write(out.resolve("results.md"), table);
		System.out.println();
		table.forEach(System.out::println);
	}

	private static List<ScaleModel> scales(NDManager manager, Device device, int[] patchSizes, int width, int dim) {
		List<ScaleModel> scales = new ArrayList<>();
		for (int p : patchSizes) {
			Architecture arch = new Architecture(p, 1, width, dim);
			DescriptorNet teacher = DescriptorNet.random(arch, manager, device, 1);
			List<DescriptorNet> students = new ArrayList<>();
			for (int i = 0; i < ScoringBenchmark.STUDENTS; i++) students.add(DescriptorNet.random(arch, manager, device, 10 + i));
			float[] mu = new float[dim], sigma = new float[dim];
			Arrays.fill(sigma, 1f);
			scales.add(new ScaleModel(new TeacherTarget(teacher, mu, sigma), students, "random"));
		}
		return scales;
	}

	private static double megapixels(int size) { return (double) size * size / 1e6; }

	/** The largest and the RMS difference of two maps, in units of the first one's standard deviation. */
	static double[] difference(float[] exact, float[] strided) {
		double mean = 0;
		for (float v : exact) mean += v / exact.length;
		double spread = 0, squared = 0, max = 0;
		for (int i = 0; i < exact.length; i++) {
			spread += (exact[i] - mean) * (exact[i] - mean);
			double d = Math.abs(exact[i] - strided[i]);
			squared += d * d;
			max = Math.max(max, d);
		}
		double sigma = Math.sqrt(spread / exact.length);
		return new double[] { max / sigma, Math.sqrt(squared / exact.length) / sigma };
	}
}
