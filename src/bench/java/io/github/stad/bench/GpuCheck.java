package io.github.stad.bench;

import io.github.stad.engine.Progress;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.model.AnomalyModel;
import io.github.stad.engine.files.ModelBundle;
import io.github.stad.engine.net.Djl;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * The GPU check of bench/gpu_check.sh (not a test; docs/benchmarks.md, "GPU"). Two modes:
 * <ul>
 * <li>{@code images DIR COUNT SIZE SEED}: writes COUNT 8-bit gray PNGs of smooth noise (training data for
 * a timing model).</li>
 * <li>{@code check MODEL.zip SIZES GPU_COUNTS CPU_COUNTS [--cpu-only]}: loads the model once on the GPU and
 * once on the CPU, scores GPU_COUNTS[i] images of SIZES[i]² on the GPU after one warm-up (images per
 * second) and CPU_COUNTS[i] of them on the CPU, and prints the largest absolute difference of the maps.
 * Exit 2 when DJL finds no GPU (unless --cpu-only, the dry run), 1 when the maps differ by more than
 * 1e-3.</li>
 * </ul>
 */
public final class GpuCheck {

	public static void main(String[] args) throws Exception {
		if (args.length == 5 && args[0].equals("images")) {
			images(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), Long.parseLong(args[4]));
			return;
		}
		if (args.length < 5 || !args[0].equals("check")) {
			System.err.println("usage: GpuCheck images DIR COUNT SIZE SEED | GpuCheck check MODEL.zip SIZES GPU_COUNTS CPU_COUNTS [--cpu-only]");
			System.exit(2);
		}
		Path model = Path.of(args[1]);
		int[] sizes = ScoringBenchmark.ints(args[2]), gpuCounts = ScoringBenchmark.ints(args[3]), cpuCounts = ScoringBenchmark.ints(args[4]);
		boolean cpuOnly = args.length > 5 && args[5].equals("--cpu-only");
		System.out.println("# " + Djl.describe() + "; " + Djl.cpuThreads());
		boolean gpu = Djl.engine().getGpuCount() > 0;
		if (!gpu && !cpuOnly) {
			System.out.println("ERROR: DJL found no CUDA GPU (" + Djl.deviceNote(true) + ")");
			System.exit(2);
		}
		System.out.println("| image | GPU images/s | CPU images/s | GPU speed-up | max abs difference GPU vs CPU (images) |");
		System.out.println("| --- | --- | --- | --- | --- |");
		double worst = 0;
		try (AnomalyModel onGpu = gpu ? ModelBundle.load(model, true) : null; AnomalyModel onCpu = ModelBundle.load(model, false)) {
			for (int i = 0; i < sizes.length; i++) {
				int size = sizes[i];
				int n = Math.max(gpuCounts[i], cpuCounts[i]);
				FloatImage[] images = new FloatImage[n];
				for (int k = 0; k < n; k++) images[k] = gray(size, 100L * size + k);
				double gpuRate = Double.NaN;
				float[][] gpuMaps = new float[n][];
				if (onGpu != null) {
					onGpu.score(images[0], 256, Progress.NONE); // warm-up: CUDA context, cuDNN algorithms
					long t = System.nanoTime();
					for (int k = 0; k < gpuCounts[i]; k++) gpuMaps[k] = onGpu.score(images[k], 256, Progress.NONE).score().channel(0);
					gpuRate = gpuCounts[i] / ((System.nanoTime() - t) / 1e9);
				}
				long t = System.nanoTime();
				double diff = 0;
				for (int k = 0; k < cpuCounts[i]; k++) {
					float[] cpuMap = onCpu.score(images[k], 256, Progress.NONE).score().channel(0);
					if (gpuMaps[k] != null) for (int j = 0; j < cpuMap.length; j++) diff = Math.max(diff, Math.abs(cpuMap[j] - gpuMaps[k][j]));
				}
				double cpuRate = cpuCounts[i] / ((System.nanoTime() - t) / 1e9);
				int compared = onGpu == null ? 0 : Math.min(gpuCounts[i], cpuCounts[i]);
				worst = Math.max(worst, diff);
				System.out.printf("| %d² | %s | %.3f | %s | %s |%n", size, onGpu == null ? "—" : String.format("%.2f", gpuRate), cpuRate,
						onGpu == null ? "—" : String.format("%.1f×", gpuRate / cpuRate), compared == 0 ? "—" : String.format("%.2g (%d)", diff, compared));
			}
		}
		if (worst > 1e-3) {
			System.out.printf("ERROR: GPU and CPU maps differ by %.3g > 1e-3%n", worst);
			System.exit(1);
		}
		System.out.println(gpu ? String.format("GPU and CPU maps agree: max abs difference %.2g <= 1e-3", worst) : "CPU only (dry run): no GPU comparison");
	}

	static FloatImage gray(int size, long seed) {
		Random r = new Random(seed);
		float[] px = new float[size * size];
		float[] coarse = new float[(size / 8 + 2) * (size / 8 + 2)];
		for (int i = 0; i < coarse.length; i++) coarse[i] = (float) r.nextGaussian();
		int cw = size / 8 + 2;
		for (int y = 0; y < size; y++) for (int x = 0; x < size; x++) px[y * size + x] = 128 + 30 * coarse[(y / 8) * cw + x / 8] + 10 * (float) r.nextGaussian();
		return FloatImage.of("gpu-check-" + seed, size, size, px);
	}

	static void images(Path dir, int count, int size, long seed) throws Exception {
		Files.createDirectories(dir);
		for (int k = 0; k < count; k++) {
			FloatImage f = gray(size, seed * 1000 + k);
			BufferedImage b = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
			for (int y = 0; y < size; y++) for (int x = 0; x < size; x++) b.getRaster().setSample(x, y, 0, Math.max(0, Math.min(255, Math.round(f.get(0, x, y)))));
			ImageIO.write(b, "png", dir.resolve(String.format("img-%03d.png", k)).toFile());
		}
	}
}
