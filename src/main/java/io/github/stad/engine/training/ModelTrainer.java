package io.github.stad.engine.training;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.github.stad.engine.Progress;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.image.ImageChecks;import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.image.InputNormalisation;
import io.github.stad.engine.model.AnomalyModel;
import io.github.stad.engine.model.Calibration;
import io.github.stad.engine.model.ScaleModel;
import io.github.stad.engine.model.TeacherTarget;
import io.github.stad.engine.net.DescriptorNet;
import io.github.stad.engine.net.Djl;
import io.github.stad.engine.net.TeacherWeights;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains a complete {@link AnomalyModel} from anomaly-free images (METHOD.md): input
 * normalisation → per patch size: teacher, μ/σ of its descriptors, M students → validation
 * statistics of e and v → default threshold at a false-positive rate on validation pixels.
 */
public final class ModelTrainer {

	/** The trained model and the loss of every optimisation step, per "p=65 student 1" label. */
	public record Outcome(AnomalyModel model, Map<String, float[]> losses) implements AutoCloseable {
		/** Closes the model (front ends that only wanted the file). */
		@Override
		public void close() { model.close(); }
	}

	private ModelTrainer() {}

	public static Outcome train(List<FloatImage> normal, List<FloatImage> validation, TrainingSettings settings,
			TeacherWeights.Source teachers, Map<String, String> provenance, Progress progress) {
		if (normal.isEmpty()) throw new IllegalArgumentException("No normal training images");
		if (validation.isEmpty()) throw new IllegalArgumentException("No validation images: give a separate set of anomaly-free images");
		int channels = normal.get(0).channels();
		int minSize = Arrays.stream(settings.patchSizes()).max().orElseThrow();
		for (FloatImage image : normal) ImageChecks.requireCompatible(image, channels, minSize);
		for (FloatImage image : validation) ImageChecks.requireCompatible(image, channels, minSize);

		long start = System.nanoTime();
		Device device = Djl.device(settings.compute().useGpu());
		NDManager manager = NDManager.newBaseManager(device, Djl.engine().getEngineName());
		List<ScaleModel> scales = new ArrayList<>();
		Map<String, float[]> losses = new LinkedHashMap<>();
		Map<String, String> info = new LinkedHashMap<>(provenance);
		boolean ok = false;
		try {
			InputNormalisation normalisation = InputNormalisation.fit(normal);
			List<FloatImage> trainSet = normal.stream().map(normalisation::apply).toList();
			List<FloatImage> valSet = validation.stream().map(normalisation::apply).toList();
			int[] patchSizes = settings.patchSizes();
			double trainShare = 0.85; // of the progress bar; validation takes the rest
			for (int s = 0; s < patchSizes.length; s++) {
				int p = patchSizes[s];
				Progress scaleProgress = progress.range(trainShare * s / patchSizes.length, trainShare * (s + 1) / patchSizes.length);
				ScaleModel scale = trainScale(p, channels, trainSet, settings, teachers, manager, scaleProgress, losses);
				scales.add(scale);
				info.put("teacher.p" + p, scale.teacherSource());
			}

			// The e/v maps of every validation image at every scale calibrate the scores and the threshold.
			List<List<ScaleModel.Maps>> valMaps = new ArrayList<>();
			for (int s = 0; s < scales.size(); s++) {
				ScaleModel scale = scales.get(s);
				List<ScaleModel.Maps> maps = new ArrayList<>();
				for (int i = 0; i < valSet.size(); i++) {
					double from = trainShare + (1 - trainShare) * (s * valSet.size() + i) / (double) (scales.size() * valSet.size());
					progress.update("Validation: p=" + scale.architecture().patchSize() + ", image " + (i + 1) + "/" + valSet.size(), from);
					double to = trainShare + (1 - trainShare) * (s * valSet.size() + i + 1) / (double) (scales.size() * valSet.size());
					maps.add(scale.errorAndVariance(valSet.get(i), settings.compute().tileSize(), progress.range(from, to)));
				}
				valMaps.add(maps);
			}
			Calibration calibration = Calibration.fit(valMaps, settings.thresholdFpr());

			double seconds = (System.nanoTime() - start) / 1e9;
			info.put("trainedAt", Instant.now().toString());
			info.put("trainingSeconds", String.format("%.1f", seconds));
			info.put("normalImages", Integer.toString(normal.size()));
			info.put("validationImages", Integer.toString(validation.size()));
			info.put("seed", Long.toString(settings.seed()));
			info.put("epochs", Integer.toString(settings.epochs()));
			info.put("students", Integer.toString(settings.students()));
			info.put("engine", Djl.describe());
			info.put("device", device.toString());
			progress.update("Training finished in " + String.format("%.0f", seconds) + " s", 1);
			AnomalyModel model = new AnomalyModel(manager, normalisation, scales, calibration, info);
			ok = true;
			return new Outcome(model, losses);
		} finally {
			if (!ok) {
				for (ScaleModel s : scales) s.close();
				manager.close();
			}
		}
	}

	private static ScaleModel trainScale(int p, int channels, List<FloatImage> trainSet, TrainingSettings settings,
			TeacherWeights.Source teachers, NDManager manager, Progress progress, Map<String, float[]> losses) {
		Device device = manager.getDevice();
		TeacherWeights given = teachers.teacherFor(p, channels);
		DescriptorNet teacher;
		String source;
		if (given != null) {
			Architecture a = given.architecture();
			if (a.patchSize() != p || a.inputChannels() != channels) {
				throw new IllegalArgumentException("Teacher " + given.source() + " is for p=" + a.patchSize() + " with " + a.inputChannels()
						+ " channel(s), but p=" + p + " with " + channels + " channel(s) is needed");
			}
			teacher = DescriptorNet.fromWeights(a, given.weights(), manager, device);
			source = given.source();
		} else {
			Architecture a = new Architecture(p, channels, settings.network().width(), settings.network().descriptorDim());
			teacher = DescriptorNet.random(a, manager, device, settings.seed() * 7919 + p);
			source = "random (untrained teacher: anomaly maps will be poor)";
			progress.log("WARNING: no pretrained teacher for p=" + p + " with " + channels + " channel(s): using a RANDOMLY INITIALISED teacher. "
					+ "Results will be much worse than with a pretrained teacher; give one with --teacher (teacher_files in Fiji).");
		}
		try {
			TeacherTarget target = DescriptorStatistics.fit(teacher, trainSet, settings.seed() * 31 + p, settings.compute().tileSize(), progress.range(0, 0.05));
			long[] seeds = new long[settings.students()];
			for (int i = 0; i < seeds.length; i++) seeds[i] = settings.seed() * 1_000_003L + p * 101L + i;
			StudentTrainer.Result r = StudentTrainer.train(target, trainSet, settings.schedule(), seeds, progress.range(0.05, 1));
			for (int i = 0; i < r.students().size(); i++) losses.put("p=" + p + " student " + (i + 1), r.losses().get(i));
			return new ScaleModel(target, r.students(), source);
		} catch (RuntimeException e) {
			teacher.close();
			throw e;
		}
	}
}
