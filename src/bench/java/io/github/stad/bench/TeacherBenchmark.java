package io.github.stad.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.stad.engine.Progress;
import io.github.stad.engine.files.TeacherFile;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.image.InputNormalisation;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.DescriptorNet;
import io.github.stad.engine.net.Djl;
import io.github.stad.engine.net.TeacherWeights;
import io.github.stad.engine.teacher.PatchSampler;
import io.github.stad.engine.teacher.TeacherLosses;
import io.github.stad.engine.teacher.TeacherSettings;
import io.github.stad.engine.teacher.PatchObjective;
import io.github.stad.engine.teacher.TeacherTraining;
import io.github.stad.io.ImageReader;
import io.github.stad.io.ImageSets;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Teacher benchmarks (not a test): (1) triplet accuracy — positive closer to the anchor than the
 * negative — of the shipped vs randomly initialised teachers on held-back photographs, with the
 * training's positives and negatives; (2) the Java trainer's throughput (patches/s) on this CPU.
 * usage: TeacherBenchmark HELDOUT_PHOTO_DIR TRAIN_PHOTO_DIR [TRIPLETS]
 */
public final class TeacherBenchmark {

	public static void main(String[] args) throws Exception {
		List<FloatImage> heldout = read(Path.of(args[0]));
		List<FloatImage> train = read(Path.of(args[1]));
		int triplets = args.length > 2 ? Integer.parseInt(args[2]) : 512;
		System.out.println("# " + Djl.describe() + "; " + heldout.size() + " held-out photographs, " + triplets + " triplets per teacher");
		try (NDManager m = NDManager.newBaseManager(Device.cpu(), Djl.engine().getEngineName())) {
			for (int p : Architecture.SUPPORTED_PATCH_SIZES) {
				TeacherWeights shipped = TeacherFile.defaultTeacher(p, 1);
				TeacherSettings d = TeacherSettings.defaults(p);
				PatchSampler sampler = new PatchSampler(heldout, InputNormalisation.fit(heldout), p, d.augmentation());
				try (DescriptorNet trained = DescriptorNet.fromWeights(shipped.architecture(), shipped.weights(), m, Device.cpu());
						DescriptorNet random = DescriptorNet.random(shipped.architecture(), m, Device.cpu(), 1)) {
					System.out.printf("p=%d triplet accuracy on held-out photographs: shipped %.3f, random %.3f%n", p, accuracy(trained, sampler, triplets), accuracy(random, sampler, triplets));
				}
				// Throughput of the Java trainer: 3 × batch patches per iteration (anchor, positive, negative).
				int iterations = 3;
				long start = System.nanoTime();
				TeacherTraining.run(new PatchObjective(train, d.toBuilder().iterations(iterations + 1).useGpu(false).build(), null, null), TeacherTraining.Files.NONE, Progress.NONE);
				double seconds = (System.nanoTime() - start) / 1e9;
				System.out.printf("p=%d Java/DJL CPU teacher training: %.1f s per iteration of %d triplets, %.0f patches/s (incl. one warm-up iteration)%n",
						p, seconds / (iterations + 1), d.batchSize(), 3.0 * d.batchSize() * (iterations + 1) / seconds);
			}
		}
	}

	static double accuracy(DescriptorNet net, PatchSampler sampler, int triplets) {
		int p = net.architecture().patchSize(), batch = 64;
		double correct = 0;
		for (int i = 0; i < triplets / batch; i++) {
			PatchSampler.Batch b = sampler.sample(batch, 12345, i);
			try (NDManager sub = net.manager().newSubManager()) {
				Shape s = new Shape(batch, 1, p, p);
				NDArray a = net.patch(sub.create(b.anchors(), s)), pos = net.patch(sub.create(b.positives(), s)), neg = net.patch(sub.create(b.negatives(), s));
				correct += TeacherLosses.tripletAccuracy(a, pos, neg) * batch;
			}
		}
		return correct / (triplets / batch * batch);
	}

	static List<FloatImage> read(Path dir) throws Exception {
		List<FloatImage> images = new ArrayList<>();
		for (var e : ImageSets.fromFolder(dir)) images.add(ImageReader.read(e.image()));
		return images;
	}
}
