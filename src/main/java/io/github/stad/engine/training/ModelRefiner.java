package io.github.stad.engine.training;

import io.github.stad.engine.budget.TrainingBudget;
import io.github.stad.engine.Progress;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.image.ImageChecks;
import io.github.stad.engine.model.AnomalyModel;
import io.github.stad.engine.model.Calibration;
import io.github.stad.engine.model.ScaleModel;
import io.github.stad.engine.model.TeacherTarget;
import io.github.stad.engine.budget.StepBudget;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Refines a trained model with more anomaly-free images (e.g. a false alarm that is normal): its
 * students continue from where they are on the old training images plus the new ones, and the scores
 * are calibrated again on the validation images. Everything else stays as trained: the input
 * normalisation, the teachers and their statistics (the students' target), the patch sizes and the
 * rule of the default threshold; so a refinement costs minutes, not a new training.
 */
public final class ModelRefiner {

	private ModelRefiner() {}

	/**
	 * @param model      the model to refine; it is taken over (its teachers live on in the result, its students are closed)
	 * @param training   the training images: the model's own and the added ones
	 * @param validation anomaly-free images that calibrate the scores (the model's validation images)
	 * @param settings   budget (minutes or epochs), student schedule, seed, tile size; its network settings are not used
	 * @param added      provenance of this refinement (what was added), recorded under refineN.* with the date
	 */
	public static AnomalyModel refine(AnomalyModel model, List<FloatImage> training, List<FloatImage> validation, TrainingSettings settings,
			Map<String, String> added, Progress progress) {
		return refine(model, training, validation, settings, added, progress, StepBudget.WALL_CLOCK);
	}

	static AnomalyModel refine(AnomalyModel model, List<FloatImage> training, List<FloatImage> validation, TrainingSettings settings,
			Map<String, String> added, Progress progress, LongSupplier clock) {
		if (training.isEmpty()) throw new IllegalArgumentException("No training images to refine on");
		if (validation.isEmpty()) throw new IllegalArgumentException("No validation images: the refined model must be calibrated on anomaly-free images");
		for (FloatImage image : training) ImageChecks.requireCompatible(image, model.inputChannels(), model.minimumImageSize());
		for (FloatImage image : validation) ImageChecks.requireCompatible(image, model.inputChannels(), model.minimumImageSize());
		ImageChecks.requireOrdinaryValues(training, validation);
		double scale = model.processingScale();
		if (scale != 1) {
			training = training.stream().map(i -> ModelTrainer.resized(i, scale)).toList();
			validation = validation.stream().map(i -> ModelTrainer.resized(i, scale)).toList();
		}
		long start = clock.getAsLong();
		List<FloatImage> trainSet = training.stream().map(model.normalisation()::apply).toList();
		TrainingBudget budget = settings.budget();
		List<ScaleModel> old = model.scales(), refined = new ArrayList<>();
		Map<String, String> info = new LinkedHashMap<>(model.provenance());
		String key = "refine" + (1 + info.keySet().stream().filter(k -> k.matches("refine\\d+\\.at")).count()) + ".";
		boolean ok = false;
		try {
			double studentsShare = 1 - ModelTrainer.VALIDATION_SHARE;
			for (int s = 0; s < old.size(); s++) {
				ScaleModel scaleModel = old.get(s);
				TeacherTarget target = scaleModel.target();
				int p = target.architecture().patchSize();
				StepBudget steps;
				if (budget.timed()) {
					long now = clock.getAsLong();
					double left = studentsShare * budget.minutes() * 60 - (now - start) / 1e9;
					steps = new StepBudget.Until(now + (long) (Math.max(0, left) / (old.size() - s) * 1e9), clock, ModelTrainer.MIN_STEPS);
				} else {
					steps = new StepBudget.Steps(StudentTrainer.stepsFor(target.architecture(), trainSet.size(), StudentTrainer.minSide(trainSet), settings.schedule(), budget.epochs()));
				}
				long[] seeds = new long[scaleModel.students().size()];
				for (int i = 0; i < seeds.length; i++) seeds[i] = settings.seed() * 1_000_003L + p * 101L + i + 17; // the crops differ from the first training's
				StudentTrainer.Result r = StudentTrainer.train(target, trainSet, settings.schedule(), steps, seeds, scaleModel.students(),
						progress.range(0.85 * s / old.size(), 0.85 * (s + 1) / old.size()));
				refined.add(new ScaleModel(target, r.students(), scaleModel.teacherSource()));
				info.put(key + "steps.p" + p, Integer.toString(r.losses().get(0).length));
			}
			Calibration calibration = calibrate(refined, validation, model, settings, progress);
			info.put(key + "at", Instant.now().toString());
			added.forEach((k, v) -> info.put(key + k, v));
			info.put(key + "trainingImages", Integer.toString(training.size()));
			info.put(key + "validationImages", Integer.toString(validation.size()));
			info.put(key + "seed", Long.toString(settings.seed()));
			info.put(key + (budget.timed() ? "timeBudgetMinutes" : "epochs"), budget.timed() ? Double.toString(budget.minutes()) : Integer.toString(budget.epochs()));
			info.put(key + "seconds", String.format("%.1f", (clock.getAsLong() - start) / 1e9));
			AnomalyModel result = new AnomalyModel(model.manager(), model.normalisation(), refined, calibration, info, scale, model.mapMode());
			for (ScaleModel s : old) for (var student : s.students()) student.close(); // the teachers live on in the result
			ok = true;
			progress.update("Refinement finished", 1);
			return result;
		} finally {
			if (!ok) for (ScaleModel s : refined) for (var student : s.students()) student.close();
		}
	}

	/** The model's validation rule again, on the refined students: e/v statistics per scale and the default threshold. */
	private static Calibration calibrate(List<ScaleModel> scales, List<FloatImage> validation, AnomalyModel model, TrainingSettings settings, Progress progress) {
		List<CalibrationSample.Window> windows = CalibrationSample.choose(validation, ModelTrainer.MAX_VALIDATION_PIXELS, settings.seed() * 131 + 7);
		List<List<ScaleModel.Maps>> maps = new ArrayList<>();
		for (int s = 0; s < scales.size(); s++) maps.add(new ArrayList<>());
		for (int i = 0; i < windows.size(); i++) {
			CalibrationSample.Window win = windows.get(i);
			FloatImage image = model.normalisation().apply(win.image());
			for (int s = 0; s < scales.size(); s++) {
				double from = 0.85 + 0.15 * (i * scales.size() + s) / (double) (scales.size() * windows.size());
				progress.update("Validation: p=" + scales.get(s).architecture().patchSize() + ", image " + (i + 1) + "/" + windows.size(), from);
				maps.get(s).add(ModelTrainer.windowMaps(scales.get(s), image, win, settings.compute().tileSize(), model.mapMode(), Progress.NONE));
			}
		}
		return Calibration.fit(maps, model.thresholdFpr());
	}
}
