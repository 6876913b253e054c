package io.github.stad.engine.training;

import io.github.stad.engine.net.StepBudget;
import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.github.stad.engine.Progress;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.image.ImageChecks;
import io.github.stad.engine.image.InputNormalisation;
import io.github.stad.engine.image.Resampling;
import io.github.stad.engine.model.AnomalyModel;
import io.github.stad.engine.model.Calibration;
import io.github.stad.engine.model.ScaleModel;
import io.github.stad.engine.model.TeacherTarget;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.DescriptorNet;
import io.github.stad.engine.net.Djl;
import io.github.stad.engine.net.TeacherWeights;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

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
		return train(normal, validation, settings, teachers, provenance, progress, StepBudget.WALL_CLOCK);
	}

	/** @param clock nanoseconds, for the time budget (tests give their own) */
	static Outcome train(List<FloatImage> normal, List<FloatImage> validation, TrainingSettings settings,
			TeacherWeights.Source teachers, Map<String, String> provenance, Progress progress, LongSupplier clock) {
		if (normal.isEmpty()) throw new IllegalArgumentException("No normal training images");
		if (validation.isEmpty()) throw new IllegalArgumentException("No validation images: give a separate set of anomaly-free images");
		int channels = normal.get(0).channels();
		double processingScale = settings.processingScale();
		int minSize = AnomalyModel.minimumImageSize(Arrays.stream(settings.patchSizes()).max().orElseThrow(), processingScale);
		for (FloatImage image : normal) ImageChecks.requireCompatible(image, channels, minSize);
		for (FloatImage image : validation) ImageChecks.requireCompatible(image, channels, minSize);
		if (processingScale != 1) { // everything below sees the images as the model will score them
			normal = normal.stream().map(i -> resized(i, processingScale)).toList();
			validation = validation.stream().map(i -> resized(i, processingScale)).toList();
		}

		long start = clock.getAsLong();
		Device device = Djl.device(settings.compute().useGpu());
		NDManager manager = NDManager.newBaseManager(device, Djl.engine().getEngineName());
		List<TeacherTarget> targets = new ArrayList<>();
		List<String> sources = new ArrayList<>();
		List<ScaleModel> scales = new ArrayList<>();
		Map<String, float[]> losses = new LinkedHashMap<>();
		Map<String, String> info = new LinkedHashMap<>(provenance);
		boolean ok = false;
		try {
			InputNormalisation normalisation = InputNormalisation.fit(normal);
			List<FloatImage> trainSet = normal.stream().map(normalisation::apply).toList();
			int[] patchSizes = settings.patchSizes();
			int n = patchSizes.length;
			TrainingBudget budget = settings.budget();
			TeacherAdaptation.Settings adaptation = settings.teacherAdaptation();
			boolean adapting = budget.timed() ? adaptation.budgetShare() > 0 : adaptation.steps() > 0;
			// Progress bar: teacher adaptation (when on) its share of 80 %, teacher statistics 5 %, students the rest of 85 %, validation 15 %.
			double adapted = adapting ? 0.8 * (budget.timed() ? adaptation.budgetShare() : 0.2) : 0, studentsFrom = adapted + 0.05;
			List<TeacherWeights> loaded = new ArrayList<>();
			for (int p : patchSizes) loaded.add(teacherWeights(p, channels, settings, teachers, manager, progress));
			if (budget.timed() && !adapting) { // before any real work: a budget whose statistics and validation leave the students too little is refused
				requireBudgetFits(loaded, trainSet, normalisation.apply(validation.get(0)), validation.stream().mapToLong(i -> (long) i.width() * i.height()).sum(),
						settings, manager, clock);
			}
			for (int s = 0; s < n; s++) {
				int p = patchSizes[s];
				TeacherWeights weights = loaded.get(s);
				if (adapting) {
					StepBudget steps;
					if (budget.timed()) { // the adaptation's share of the budget, less what earlier scales used, over the scales left
						long now = clock.getAsLong();
						double left = adaptation.budgetShare() * budget.minutes() * 60 - (now - start) / 1e9;
						steps = new StepBudget.Until(now + (long) (Math.max(0, left) / (n - s) * 1e9), clock, MIN_ADAPTATION_STEPS);
					} else {
						steps = new StepBudget.Steps(adaptation.steps());
					}
					progress.update("Adapting the p=" + p + " teacher to the normal images", adapted * s / n);
					weights = TeacherAdaptation.adapt(weights, normal, steps, settings.seed() * 7 + p, settings.compute().useGpu(), progress.range(adapted * s / n, adapted * (s + 1) / n));
				}
				sources.add(weights.source());
				DescriptorNet teacher = DescriptorNet.fromWeights(weights.architecture(), weights.weights(), manager, device);
				targets.add(DescriptorStatistics.fit(teacher, trainSet, settings.seed() * 31 + p, settings.compute().tileSize(),
						progress.range(adapted + 0.05 * s / n, adapted + 0.05 * (s + 1) / n)));
				info.put("teacher.p" + p, sources.get(s));
			}
			double validationEstimate = 0;
			long maxValidationPixels = MAX_VALIDATION_PIXELS;
			double secondsPerPixel = 0;
			if (budget.timed()) {
				secondsPerPixel = validationSecondsPerPixel(targets, normalisation.apply(validation.get(0)), settings, manager, clock);
				maxValidationPixels = validationPixelLimit(budget.minutes() * 60, secondsPerPixel);
			}
			List<CalibrationSample.Window> windows = CalibrationSample.choose(validation, maxValidationPixels, settings.seed() * 131 + 7);
			long validationPixels = validation.stream().mapToLong(i -> (long) i.width() * i.height()).sum(), sampled = CalibrationSample.pixels(windows);
			if (sampled < validationPixels) {
				progress.log(String.format("Calibrating on %s of the %s validation pixels (a window in each of %d of the %d images), every pixel equally likely: more would take time from the students",
						megapixels(sampled), megapixels(validationPixels), windows.size(), validation.size()));
			}
			if (budget.timed()) {
				validationEstimate = secondsPerPixel * sampled;
				double spent = (clock.getAsLong() - start) / 1e9, total = budget.minutes() * 60;
				double forStudents = total - spent - validationEstimate;
				if (forStudents < MIN_STUDENT_SHARE * total) { // before any student step: no model worth saving fits
					double needed = (spent + secondsPerPixel * Math.min(validationPixels, MAX_VALIDATION_PIXELS)) / (1 - MIN_STUDENT_SHARE);
					throw new IllegalArgumentException(String.format("The time budget of %s cannot be met: %s took %.0f s and validation will take about %.0f s, which leaves the students %s;"
							+ " give a time budget of at least %d minutes, or a number of epochs, or fewer or smaller images", minutes(total),
							adapting ? "teacher adaptation and statistics" : "teacher statistics", spent, validationEstimate, minutes(Math.max(0, forStudents)), (long) Math.ceil(needed / 60)));
				}
				progress.log(String.format("Time budget %s: %s took %.0f s, validation will take about %.0f s, so student training gets %s (%s per patch size)%s",
						minutes(total), adapting ? "teacher adaptation and statistics" : "teacher statistics", spent, validationEstimate, minutes(Math.max(0, forStudents)), minutes(Math.max(0, forStudents) / n),
						forStudents < 60 * n ? ". WARNING: that is too little for good students: give a larger time budget, or fewer or smaller validation images" : ""));
			}
			for (int s = 0; s < n; s++) {
				int p = patchSizes[s];
				StepBudget steps;
				if (budget.timed()) {
					// What is left of the budget, after the validation still to come, shared by the scales still to train.
					long now = clock.getAsLong();
					double left = budget.minutes() * 60 - (now - start) / 1e9 - validationEstimate;
					steps = new StepBudget.Until(now + (long) (Math.max(0, left) / (n - s) * 1e9), clock, MIN_STEPS);
				} else {
					steps = new StepBudget.Steps(StudentTrainer.stepsFor(targets.get(s).teacher().architecture(), trainSet.size(), StudentTrainer.minSide(trainSet),
							settings.schedule(), budget.epochs()));
				}
				long[] seeds = new long[settings.students()];
				for (int i = 0; i < seeds.length; i++) seeds[i] = settings.seed() * 1_000_003L + p * 101L + i;
				StudentTrainer.Result r = StudentTrainer.train(targets.get(s), trainSet, settings.schedule(), steps, seeds,
						progress.range(studentsFrom + (0.85 - studentsFrom) * s / n, studentsFrom + (0.85 - studentsFrom) * (s + 1) / n));
				for (int i = 0; i < r.students().size(); i++) losses.put("p=" + p + " student " + (i + 1), r.losses().get(i));
				scales.add(new ScaleModel(targets.get(s), r.students(), sources.get(s)));
				info.put("steps.p" + p, Integer.toString(r.losses().get(0).length));
				info.put("crops.p" + p, settings.schedule().batchFor(p) + "x" + settings.schedule().cropFor(p)); // crops per step x crop side
			}

			// The e/v maps of the validation windows at every scale calibrate the scores and the threshold.
			List<List<ScaleModel.Maps>> valMaps = new ArrayList<>();
			for (int s = 0; s < scales.size(); s++) valMaps.add(new ArrayList<>());
			int count = windows.size();
			for (int i = 0; i < count; i++) {
				CalibrationSample.Window win = windows.get(i);
				FloatImage image = normalisation.apply(win.image()); // whole image: the window's scores read its surroundings
				for (int s = 0; s < scales.size(); s++) {
					ScaleModel scale = scales.get(s);
					double from = 0.85 + 0.15 * (i * scales.size() + s) / (double) (scales.size() * count);
					progress.update("Validation: p=" + scale.architecture().patchSize() + ", image " + (i + 1) + "/" + count, from);
					double to = 0.85 + 0.15 * (i * scales.size() + s + 1) / (double) (scales.size() * count);
					valMaps.get(s).add(windowMaps(scale, image, win, settings.compute().tileSize(), progress.range(from, to)));
				}
			}
			Calibration calibration = Calibration.fit(valMaps, settings.thresholdFpr());
			summarise(patchSizes, losses, settings.students(), calibration, info, progress);

			double seconds = (clock.getAsLong() - start) / 1e9;
			info.put("trainedAt", Instant.now().toString());
			info.put("trainingSeconds", String.format("%.1f", seconds));
			info.put("normalImages", Integer.toString(normal.size()));
			info.put("validationImages", Integer.toString(validation.size()));
			info.put("seed", Long.toString(settings.seed()));
			if (budget.timed()) info.put("timeBudgetMinutes", Double.toString(budget.minutes()));
			else info.put("epochs", Integer.toString(budget.epochs()));
			info.put("students", Integer.toString(settings.students()));
			info.put("engine", Djl.describe());
			info.put("device", device.toString());
			progress.update("Training finished in " + minutes(seconds), 1);
			if (processingScale != 1) info.put("processingScale", Double.toString(processingScale));
			AnomalyModel model = new AnomalyModel(manager, normalisation, scales, calibration, info, processingScale);
			ok = true;
			return new Outcome(model, losses);
		} finally {
			if (!ok) {
				for (ScaleModel s : scales) s.close();
				for (int s = scales.size(); s < targets.size(); s++) targets.get(s).teacher().close();
				manager.close();
			}
		}
	}

	/**
	 * Times the teacher statistics on one block of one image and validation on one window, per patch size,
	 * and refuses a time budget that would leave the students less than {@link #MIN_STUDENT_SHARE} of it,
	 * naming the smallest that would do. Costs a few passes of the teachers, not the statistics.
	 */
	private static void requireBudgetFits(List<TeacherWeights> teachers, List<FloatImage> trainSet, FloatImage firstValidation, long validationPixels,
			TrainingSettings settings, NDManager manager, LongSupplier clock) {
		long t0 = clock.getAsLong();
		double statistics = 0, perPixel = 0;
		for (TeacherWeights w : teachers) {
			DescriptorNet teacher = DescriptorNet.fromWeights(w.architecture(), w.weights(), manager, manager.getDevice());
			try {
				long a = clock.getAsLong();
				DescriptorStatistics.fit(teacher, List.of(trainSet.get(0)), 1, settings.compute().tileSize(), DescriptorStatistics.BLOCK * DescriptorStatistics.BLOCK, Progress.NONE);
				statistics += (clock.getAsLong() - a) / 1e9 * statisticsBlocks(trainSet, w.architecture().outputStride());
				int d = w.architecture().descriptorDim();
				float[] mu = new float[d], sigma = new float[d];
				Arrays.fill(sigma, 1);
				perPixel += validationSecondsPerPixel(List.of(new TeacherTarget(teacher, mu, sigma)), firstValidation, settings, manager, clock);
			} finally {
				teacher.close();
			}
		}
		double total = settings.budget().minutes() * 60, probes = (clock.getAsLong() - t0) / 1e9;
		double validation = perPixel * Math.min(validationPixels, validationPixelLimit(total, perPixel));
		double forStudents = total - probes - statistics - validation;
		if (forStudents >= MIN_STUDENT_SHARE * total) return;
		double needed = (probes + statistics + perPixel * Math.min(validationPixels, MAX_VALIDATION_PIXELS)) / (1 - MIN_STUDENT_SHARE);
		throw new IllegalArgumentException(String.format("The time budget of %s cannot be met: the teacher statistics will take about %.0f s and validation about %.0f s,"
				+ " which leaves the students %s; give a time budget of at least %d minutes, or a number of epochs, or fewer or smaller images",
				minutes(total), statistics, validation, minutes(Math.max(0, forStudents)), (long) Math.ceil(needed / 60)));
	}

	/** Blocks of {@link DescriptorStatistics#BLOCK}² grid points the statistics pass over: its sample, or each image's whole grid if smaller. */
	private static double statisticsBlocks(List<FloatImage> images, int stride) {
		long perImage = Math.max(DescriptorStatistics.BLOCK * DescriptorStatistics.BLOCK, DescriptorStatistics.SAMPLE / images.size());
		double descriptors = 0;
		for (FloatImage i : images) descriptors += Math.min(perImage, (long) ((i.width() - 1) / stride + 1) * ((i.height() - 1) / stride + 1));
		return descriptors / (DescriptorStatistics.BLOCK * DescriptorStatistics.BLOCK);
	}

	/** The share of a time budget that student training must get at least, or the training is refused before it starts. */
	static final double MIN_STUDENT_SHARE = 0.25;

	/**
	 * The end-of-training summary a user can judge, logged and kept in the model (info shows it): per patch
	 * size the steps, the students' mean loss at the start → at the end (each the mean of a tenth of the
	 * steps), the validation error ē, and a WARNING when the loss did not fall.
	 */
	static void summarise(int[] patchSizes, Map<String, float[]> losses, int students, Calibration calibration, Map<String, String> info, Progress progress) {
		List<String> notLearnt = new ArrayList<>();
		for (int s = 0; s < patchSizes.length; s++) {
			int p = patchSizes[s];
			double[] firstLast = firstAndLast(losses, p, students);
			info.put("loss.p" + p, String.format(java.util.Locale.ROOT, "%.4g -> %.4g", firstLast[0], firstLast[1]));
			info.put("validationError.p" + p, String.format(java.util.Locale.ROOT, "%.4g", calibration.scales().get(s).errorMean()));
			progress.log(String.format(java.util.Locale.ROOT, "p=%d: %s steps, students' loss %.4g -> %.4g, validation error %.4g", p, info.get("steps.p" + p),
					firstLast[0], firstLast[1], calibration.scales().get(s).errorMean()));
			if (!(firstLast[1] < firstLast[0])) notLearnt.add("p=" + p + " (loss " + info.get("loss.p" + p) + ")");
		}
		if (notLearnt.isEmpty()) return;
		String warning = "the students did not learn at " + String.join(", ", notLearnt) + ": the maps of this model are poor; give a larger time budget or more epochs";
		info.put("warning", warning);
		progress.log("WARNING: " + warning);
	}

	/** The students' mean loss over the first and over the last tenth of the steps (at least one step each). */
	private static double[] firstAndLast(Map<String, float[]> losses, int p, int students) {
		double first = 0, last = 0;
		for (int i = 1; i <= students; i++) {
			float[] l = losses.get("p=" + p + " student " + i);
			if (l == null || l.length == 0) return new double[] { Double.NaN, Double.NaN };
			int k = Math.max(1, l.length / 10);
			for (int j = 0; j < k; j++) {
				first += l[j] / (double) (k * students);
				last += l[l.length - 1 - j] / (double) (k * students);
			}
		}
		return new double[] { first, last };
	}

	/** The e and v values of a window's pixels, its pieces one after another (the calibration needs their values, not their places). */
	static ScaleModel.Maps windowMaps(ScaleModel scale, FloatImage image, CalibrationSample.Window win, int tileSize, Progress progress) {
		List<CalibrationSample.Rect> parts = win.parts();
		if (parts.size() == 1) {
			CalibrationSample.Rect r = parts.get(0);
			return scale.errorAndVariance(image, r.left(), r.top(), r.width(), r.height(), tileSize, progress);
		}
		float[] error = new float[(int) win.pixels()], variance = new float[error.length];
		int offset = 0;
		for (int k = 0; k < parts.size(); k++) {
			CalibrationSample.Rect r = parts.get(k);
			ScaleModel.Maps m = scale.errorAndVariance(image, r.left(), r.top(), r.width(), r.height(), tileSize, progress.range((double) k / parts.size(), (k + 1.0) / parts.size()));
			System.arraycopy(m.error(), 0, error, offset, m.error().length);
			System.arraycopy(m.variance(), 0, variance, offset, m.variance().length);
			offset += m.error().length;
		}
		return new ScaleModel.Maps(error, variance);
	}

	/** Validation pixels beyond these add nothing to the threshold at 1 % or the table down to 10⁻⁶, only time. */
	static final long MAX_VALIDATION_PIXELS = 1L << 22;

	/** A time budget never calibrates on fewer pixels than this (4 × 256²), even if validation then takes more than its share. */
	static final long MIN_VALIDATION_PIXELS = 1L << 18;

	/** The share of a time budget that validation may take when the validation set is large. */
	static final double VALIDATION_SHARE = 0.15;

	/** Validation pixels that a time budget affords: its {@link #VALIDATION_SHARE}, within [MIN, MAX]_VALIDATION_PIXELS. */
	static long validationPixelLimit(double budgetSeconds, double secondsPerPixel) {
		double affordable = secondsPerPixel > 0 ? VALIDATION_SHARE * budgetSeconds / secondsPerPixel : MAX_VALIDATION_PIXELS;
		return (long) Math.max(MIN_VALIDATION_PIXELS, Math.min(MAX_VALIDATION_PIXELS, affordable));
	}

	private static String megapixels(long pixels) {
		return String.format("%.2f M", pixels / 1e6);
	}

	/** Student steps per scale even when the time budget is used up: a model must have students that saw the data. */
	static final int MIN_STEPS = 10;

	/**
	 * Seconds per validation pixel for all scales together, from one timed pass over a crop of a
	 * validation image per scale (with untrained students of the same size: the cost is the same).
	 */
	static double validationSecondsPerPixel(List<TeacherTarget> targets, FloatImage first, TrainingSettings settings, NDManager manager, LongSupplier clock) {
		int w = Math.min(first.width(), 128), h = Math.min(first.height(), 128);
		FloatImage crop = crop(first, w, h);
		double seconds = 0;
		for (TeacherTarget target : targets) {
			List<DescriptorNet> students = new ArrayList<>();
			try {
				for (int i = 0; i < settings.students(); i++) students.add(DescriptorNet.random(target.architecture(), manager, manager.getDevice(), i));
				ScaleModel probe = new ScaleModel(target, students, "probe");
				long t0 = clock.getAsLong();
				probe.errorAndVariance(crop, settings.compute().tileSize(), Progress.NONE);
				seconds += (clock.getAsLong() - t0) / 1e9 / ((double) w * h);
			} finally {
				for (DescriptorNet s : students) s.close();
			}
		}
		return seconds;
	}

	static FloatImage resized(FloatImage image, double scale) {
		return Resampling.areaResize(image, Resampling.scaledSide(image.width(), scale), Resampling.scaledSide(image.height(), scale));
	}

	private static FloatImage crop(FloatImage image, int w, int h) {
		float[][] data = new float[image.channels()][w * h];
		for (int c = 0; c < image.channels(); c++) {
			for (int y = 0; y < h; y++) System.arraycopy(image.channel(c), y * image.width(), data[c], y * w, w);
		}
		return new FloatImage(image.name(), w, h, data);
	}

	/** A duration as people read it: seconds up to 90 s, then minutes. */
	static String minutes(double seconds) {
		return seconds >= 90 ? String.format("%.1f min", seconds / 60) : String.format("%.0f s", seconds);
	}

	/** Teacher steps per patch size even when the adaptation's share of the budget is used up. */
	static final int MIN_ADAPTATION_STEPS = 5;

	/** The given teacher for p, or (with a warning) the weights of a random one. */
	private static TeacherWeights teacherWeights(int p, int channels, TrainingSettings settings, TeacherWeights.Source teachers, NDManager manager, Progress progress) {
		TeacherWeights given = teachers.teacherFor(p, channels);
		if (given != null) {
			Architecture a = given.architecture();
			if (a.patchSize() != p || a.inputChannels() != channels) {
				throw new IllegalArgumentException("Teacher " + given.source() + " is for p=" + a.patchSize() + " with " + a.inputChannels()
						+ " channel(s), but p=" + p + " with " + channels + " channel(s) is needed");
			}
			return given;
		}
		Architecture a = new Architecture(p, channels, settings.network().width(), settings.network().descriptorDim());
		progress.log("WARNING: no pretrained teacher for p=" + p + " with " + channels + " channel(s): using a RANDOMLY INITIALISED teacher. "
				+ "Results will be much worse than with a pretrained teacher: give a teacher file for this patch size, or keep the default network width and descriptor size "
				+ "and leave the random teacher off to use the shipped teachers."); // both front ends log this: no flag names
		try (DescriptorNet random = DescriptorNet.random(a, manager, manager.getDevice(), settings.seed() * 7919 + p)) {
			return new TeacherWeights(a, random.exportWeights(), "random (untrained teacher: anomaly maps will be poor)");
		}
	}
}
