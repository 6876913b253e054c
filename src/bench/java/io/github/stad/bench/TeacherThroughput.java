package io.github.stad.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.stad.engine.Progress;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.image.InputNormalisation;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.DescriptorNet;
import io.github.stad.engine.net.Djl;
import io.github.stad.engine.teacher.CropPairSampler;
import io.github.stad.engine.teacher.DenseObjective;
import io.github.stad.engine.teacher.TeacherObjectives;
import io.github.stad.engine.teacher.PatchSampler;
import io.github.stad.engine.teacher.TeacherSettings;
import io.github.stad.engine.teacher.TeacherTraining;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Patch vs dense teacher training (not a test), full-size networks on this CPU.
 * <ul>
 * <li>{@code throughput TRAIN_DIR [P,…]}: triplets per second of each trainer, from the steps after a warm-up step.</li>
 * <li>{@code compare TRAIN_DIR HELDOUT_DIR P SECONDS VARIANT…}: trains each variant for about SECONDS of wall
 * time (iterations estimated from two timed steps) and measures on held-out photographs the triplet
 * accuracy (the patch trainer's triplets), the hard-negative accuracy (positive closer than every
 * candidate of the dense miner) and the participation ratio of the descriptors' correlation matrix.
 * VARIANT: patch, or dense:MINING[:geometric][:lr=R][:crops=B] (MINING hardest, semi-hard or subset;
 * geometric adds flips, turns and a ±10 % scale change).</li>
 * </ul>
 */
public final class TeacherThroughput {

	public static void main(String[] args) throws Exception {
		List<FloatImage> train = TeacherBenchmark.read(Path.of(args[1]));
		System.out.println("# " + Djl.describe() + ", " + train.size() + " training photographs, " + Runtime.getRuntime().availableProcessors() + " CPUs");
		if (args[0].equals("throughput")) {
			int[] sizes = args.length > 2 ? java.util.Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray() : Architecture.SUPPORTED_PATCH_SIZES;
			for (int p : sizes) {
				double patch = secondsPerStep(train, settings(p, "patch"), 3), dense = secondsPerStep(train, settings(p, "dense:semi-hard"), 3);
				TeacherSettings d = TeacherSettings.defaults(p);
				double patchRate = d.batchSize() / patch, denseRate = tripletsPerStep(train, settings(p, "dense:semi-hard")) / dense;
				System.out.printf("p=%d patch: %.2f s/step, %.0f triplets/s | dense (grid %d, %d crop pairs): %.2f s/step, %.0f triplets/s | ratio %.0fx%n", p, patch, patchRate,
						d.dense().grid(), d.dense().crops(), dense, denseRate, denseRate / patchRate);
			}
			return;
		}
		List<FloatImage> heldout = TeacherBenchmark.read(Path.of(args[2]));
		int p = Integer.parseInt(args[3]);
		double seconds = Double.parseDouble(args[4]);
		for (int v = 5; v < args.length; v++) {
			TeacherSettings s = settings(p, args[v]);
			int steps = Math.max(5, (int) (seconds / secondsPerStep(train, s, 2)));
			long start = System.nanoTime();
			TeacherTraining.Result r = train(train, s.toBuilder().iterations(steps).build());
			double wall = (System.nanoTime() - start) / 1e9;
			float[] last = r.losses().get(r.losses().size() - 1);
			double[] quality = quality(r, heldout);
			System.out.printf("p=%d %-24s %4d steps in %4.0f s: held-out triplet accuracy %.3f, hard-negative accuracy %.3f, participation ratio %.1f (final Lm %.3f, Lc %.1f)%n",
					p, args[v], steps, wall, quality[0], quality[1], quality[2], last[2], last[3]);
		}
	}

	static TeacherSettings settings(int p, String variant) {
		TeacherSettings d = TeacherSettings.defaults(p);
		TeacherSettings.Builder b = d.toBuilder().useGpu(false).checkpointEvery(0);
		if (variant.equals("patch")) return b.mode(TeacherSettings.Mode.PATCH).build();
		String[] parts = variant.split(":");
		TeacherSettings.Dense x = d.dense();
		TeacherSettings.DenseAugmentation a = x.augmentation();
		int crops = x.crops();
		for (int k = 2; k < parts.length; k++) {
			if (parts[k].equals("geometric")) a = a.toBuilder().flips(true).turns(true).scale(0.1f).syntheticDefects(0).build();
			else if (parts[k].startsWith("lr=")) b.learningRate(Float.parseFloat(parts[k].substring(3)));
			else if (parts[k].startsWith("crops=")) crops = Integer.parseInt(parts[k].substring(6));
			else throw new IllegalArgumentException("Unknown variant option " + parts[k]);
		}
		return b.mode(TeacherSettings.Mode.DENSE).dense(x.toBuilder().crops(crops).mining(TeacherSettings.Mining.parse(parts[1]), x.subset()).augmentation(a).build()).build();
	}

	static TeacherTraining.Result train(List<FloatImage> images, TeacherSettings s) throws Exception {
		return TeacherTraining.run(TeacherObjectives.create(s, TeacherObjectives.Sources.photos(images)), TeacherTraining.Files.NONE, Progress.NONE);
	}

	/** Mean wall time of {@code timed} steps after one warm-up step. */
	static double secondsPerStep(List<FloatImage> images, TeacherSettings s, int timed) throws Exception {
		List<Long> times = new ArrayList<>();
		Progress clock = (message, fraction) -> times.add(System.nanoTime());
		TeacherSettings run = s.toBuilder().iterations(timed + 1).build();
		TeacherTraining.run(TeacherObjectives.create(run, TeacherObjectives.Sources.photos(images)), TeacherTraining.Files.NONE, clock);
		return (times.get(timed) - times.get(0)) / 1e9 / timed;
	}

	/** Anchors with a positive in one dense step (every one of them gets a mined negative). */
	static double tripletsPerStep(List<FloatImage> images, TeacherSettings s) {
		Architecture arch = new Architecture(s.patchSize(), 1, s.network().width(), s.network().descriptorDim());
		CropPairSampler sampler = new CropPairSampler(images, InputNormalisation.fit(images), arch, s.dense().grid(), s.dense().augmentation());
		double total = 0;
		for (int step = 0; step < 10; step++) for (int k : sampler.sample(s.dense().crops(), s.seed(), step).positiveOf()) if (k >= 0) total++;
		return total / 10;
	}

	/** Triplet accuracy, hard-negative accuracy and participation ratio on held-out photographs. */
	static double[] quality(TeacherTraining.Result r, List<FloatImage> heldout) {
		Architecture arch = r.architecture();
		int p = arch.patchSize(), d = arch.descriptorDim();
		InputNormalisation norm = InputNormalisation.fit(heldout);
		TeacherSettings defaults = TeacherSettings.defaults(p);
		try (NDManager m = NDManager.newBaseManager(Device.cpu(), Djl.engine().getEngineName()); DescriptorNet net = DescriptorNet.fromWeights(arch, r.weights(), m, Device.cpu())) {
			double accuracy = TeacherBenchmark.accuracy(net, new PatchSampler(heldout, norm, p, defaults.augmentation()), 1024);
			// Photometric changes and a shift only: neither trainer is asked for invariance to turns here.
			TeacherSettings.DenseAugmentation a = defaults.dense().augmentation();
			CropPairSampler sampler = new CropPairSampler(heldout, norm, arch, defaults.dense().grid(),
					a.toBuilder().flips(false).turns(false).scale(0).syntheticDefects(0).build());
			double hard = 0, count = 0;
			double[][] moments = new double[d][d];
			double[] sums = new double[d];
			long samples = 0;
			for (int step = 0; step < 4; step++) {
				CropPairSampler.Batch b = sampler.sample(8, 777, step);
				int n = b.inputSize();
				try (NDManager sub = m.newSubManager()) {
					Shape shape = new Shape(b.crops(), 1, n, n);
					NDArray all = ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(net.strided(sub.create(b.anchors(), shape)), net.strided(sub.create(b.positives(), shape))))
							.transpose(0, 2, 3, 1).reshape(-1, d);
					DenseObjective.Triplets t = DenseObjective.mine(all, b, p, hardest(), new java.util.SplittableRandom(0));
					NDArray an = all.get(sub.create(t.anchors())), pos = all.get(sub.create(t.positives())), neg = all.get(sub.create(t.negatives()));
					hard += io.github.stad.engine.teacher.TeacherLosses.tripletAccuracy(an, pos, neg) * t.anchors().length;
					count += t.anchors().length;
					float[] values = all.get("0:" + b.pointsPerSide()).toFloatArray();
					for (int row = 0; row < b.pointsPerSide(); row++) {
						for (int i = 0; i < d; i++) {
							double vi = values[row * d + i];
							sums[i] += vi;
							for (int j = 0; j < d; j++) moments[i][j] += vi * values[row * d + j];
						}
					}
					samples += b.pointsPerSide();
				}
			}
			// Participation ratio (Σλ)²/Σλ² = tr(C)² / ‖C‖²_F of the correlation matrix C, no eigenvalues needed.
			double[] std = new double[d];
			for (int i = 0; i < d; i++) std[i] = Math.sqrt(Math.max(1e-12, moments[i][i] / samples - sums[i] * sums[i] / samples / samples));
			double trace = 0, frobenius = 0;
			for (int i = 0; i < d; i++) {
				for (int j = 0; j < d; j++) {
					double c = (moments[i][j] / samples - sums[i] * sums[j] / samples / samples) / (std[i] * std[j]);
					if (i == j) trace += c;
					frobenius += c * c;
				}
			}
			return new double[] { accuracy, hard / count, trace * trace / frobenius };
		}
	}

	/** The default dense settings with the hardest negative of all candidates. */
	private static TeacherSettings.Dense hardest() {
		TeacherSettings.Dense d = TeacherSettings.defaults(17).dense();
		return d.toBuilder().mining(TeacherSettings.Mining.HARDEST, 1).build();
	}
}
