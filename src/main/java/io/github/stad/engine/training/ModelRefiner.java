package io.github.stad.engine.training;

import io.github.stad.engine.budget.TrainingBudget;
import io.github.stad.engine.Progress;
import io.github.stad.engine.image.FloatImage;
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
	 * @param model    the model to refine; it is taken over (its teachers live on in the result, its students are closed)
	 * @param images   the training images (the model's own and the added ones) and the anomaly-free images that
	 *                 calibrate the scores (the model's validation images)
	 * @param settings budget (minutes or epochs), student schedule, seed, tile size; its network settings and patch sizes are not used
	 * @param added    provenance of this refinement (what was added), recorded under refineN.* with the date
	 */
	public static AnomalyModel refine(AnomalyModel model, TrainingImages images, TrainingSettings settings, Map<String, String> added, Progress progress) {
		return refine(model, images, settings, added, progress, StepBudget.WALL_CLOCK);
	}

	static AnomalyModel refine(AnomalyModel model, TrainingImages images, TrainingSettings settings, Map<String, String> added, Progress progress, LongSupplier clock) {
		requireImages(model, images);
		TrainingImages scaled = images.resized(model.processingScale());
		List<ScaleModel> old = model.scales(), refined = new ArrayList<>();
		TrainingPlan plan = TrainingPlan.refinement(settings, old.stream().mapToInt(s -> s.architecture().patchSize()).toArray(), clock);
		List<FloatImage> trainSet = scaled.normal().stream().map(model.normalisation()::apply).toList();
		Map<String, String> info = new LinkedHashMap<>(model.provenance());
		String key = "refine" + (1 + info.keySet().stream().filter(k -> k.matches("refine\\d+\\.at")).count()) + ".";
		boolean ok = false;
		try {
			for (int s = 0; s < old.size(); s++) {
				ScaleModel scaleModel = old.get(s);
				StudentTrainer.Result r = continueStudents(scaleModel, s, trainSet, plan, settings, progress);
				refined.add(new ScaleModel(scaleModel.target(), r.students(), scaleModel.teacherSource()));
				info.put(key + "steps.p" + scaleModel.architecture().patchSize(), Integer.toString(r.losses().get(0).length));
			}
			Calibration calibration = calibrate(refined, scaled.validation(), model, settings, plan.stage(TrainingPlan.Kind.CALIBRATION, 0).progress(progress));
			addProvenance(info, key, added, images, settings, plan);
			AnomalyModel result = new AnomalyModel(model.manager(), model.normalisation(), refined, calibration, info, model.processingScale(), model.mapMode());
			for (ScaleModel s : old) for (var student : s.students()) student.close(); // the teachers live on in the result
			ok = true;
			progress.update("Refinement finished", 1);
			return result;
		} finally {
			if (!ok) for (ScaleModel s : refined) for (var student : s.students()) student.close();
		}
	}

	private static void requireImages(AnomalyModel model, TrainingImages images) {
		if (images.normal().isEmpty()) throw new IllegalArgumentException("No training images to refine on");
		if (images.validation().isEmpty()) throw new IllegalArgumentException("No validation images: the refined model must be calibrated on anomaly-free images");
		images.requireMatching(model.inputChannels(), model.minimumImageSize());
	}

	/** The students of the {@code index}-th scale, continued from where they are for the steps the plan gives them. */
	private static StudentTrainer.Result continueStudents(ScaleModel scaleModel, int index, List<FloatImage> trainSet, TrainingPlan plan, TrainingSettings settings,
			Progress progress) {
		TeacherTarget target = scaleModel.target();
		int p = target.architecture().patchSize();
		StepBudget steps = plan.studentSteps(index, () -> StudentTrainer.stepsFor(target.architecture(), trainSet.size(), StudentTrainer.minSide(trainSet),
				settings.schedule(), settings.budget().epochs()));
		long[] seeds = new long[scaleModel.students().size()];
		for (int i = 0; i < seeds.length; i++) seeds[i] = settings.seed() * 1_000_003L + p * 101L + i + 17; // the crops differ from the first training's
		return StudentTrainer.train(target, trainSet, settings.schedule(), steps, seeds, scaleModel.students(), plan.stage(TrainingPlan.Kind.STUDENTS, p).progress(progress));
	}

	/** The model's validation rule again, on the refined students: e/v statistics per scale and the default threshold. */
	private static Calibration calibrate(List<ScaleModel> scales, List<FloatImage> validation, AnomalyModel model, TrainingSettings settings, Progress calibrating) {
		List<CalibrationSample.Window> windows = CalibrationSample.choose(validation, ModelTrainer.MAX_VALIDATION_PIXELS, settings.seed() * 131 + 7);
		return Calibration.fit(ModelTrainer.validationMaps(scales, windows, model.normalisation(), settings.compute().tileSize(), model.mapMode(), calibrating),
				model.thresholdFpr());
	}

	/** What this refinement was, under refineN.* of the model's provenance. */
	private static void addProvenance(Map<String, String> info, String key, Map<String, String> added, TrainingImages images, TrainingSettings settings, TrainingPlan plan) {
		TrainingBudget budget = settings.budget();
		info.put(key + "at", Instant.now().toString());
		added.forEach((k, v) -> info.put(key + k, v));
		info.put(key + "trainingImages", Integer.toString(images.normal().size()));
		info.put(key + "validationImages", Integer.toString(images.validation().size()));
		info.put(key + "seed", Long.toString(settings.seed()));
		info.put(key + (budget.timed() ? "timeBudgetMinutes" : "epochs"), budget.timed() ? Double.toString(budget.minutes()) : Integer.toString(budget.epochs()));
		info.put(key + "seconds", String.format("%.1f", plan.elapsedSeconds()));
	}
}
