package io.github.stad.engine.training;

import io.github.stad.engine.budget.StepBudget;
import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.github.stad.engine.Progress;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.image.InputNormalisation;
import io.github.stad.engine.model.AnomalyModel;
import io.github.stad.engine.model.Calibration;
import io.github.stad.engine.model.MapMode;
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

	/**
	 * @param images     the normal images the students learn and the validation images that calibrate
	 * @param teachers   the pretrained teacher for each patch size (none: a random one, with a warning)
	 * @param provenance what the model records of where its images came from
	 */
	public static Outcome train(TrainingImages images, TrainingSettings settings, TeacherWeights.Source teachers, Map<String, String> provenance, Progress progress) {
		return train(images, settings, teachers, provenance, progress, StepBudget.WALL_CLOCK);
	}

	/** @param clock nanoseconds, for the time budget (tests give their own) */
	static Outcome train(TrainingImages images, TrainingSettings settings, TeacherWeights.Source teachers, Map<String, String> provenance, Progress progress,
			LongSupplier clock) {
		int channels = requireImages(images, settings);
		TrainingImages scaled = images.resized(settings.processingScale()); // everything below sees the images as the model will score them
		TrainingPlan plan = TrainingPlan.make(settings, clock);
		progress.log(plan.describe());
		Run run = new Run(settings, plan, clock, provenance, progress);
		boolean ok = false;
		try {
			Outcome outcome = run.train(scaled.normal(), scaled.validation(), teachers, channels);
			ok = true;
			return outcome;
		} finally {
			if (!ok) run.close();
		}
	}

	/** The channels of the images, after checking that there are some of each and that all match and are large enough. */
	private static int requireImages(TrainingImages images, TrainingSettings settings) {
		if (images.normal().isEmpty()) throw new IllegalArgumentException("No normal training images");
		if (images.validation().isEmpty()) throw new IllegalArgumentException("No validation images: give a separate set of anomaly-free images");
		int channels = images.normal().get(0).channels();
		images.requireMatching(channels, AnomalyModel.minimumImageSize(Arrays.stream(settings.patchSizes()).max().orElseThrow(), settings.processingScale()));
		return channels;
	}

	/** One training under way: the stages of its plan in order, and what they have made so far (closed when a stage fails). */
	private static final class Run {
		private final TrainingSettings settings;
		private final TrainingPlan plan;
		private final LongSupplier clock;
		private final Progress progress;
		private final Device device;
		private final NDManager manager;
		private final List<TeacherTarget> targets = new ArrayList<>();
		private final List<String> sources = new ArrayList<>();
		private final List<ScaleModel> scales = new ArrayList<>();
		private final Map<String, float[]> losses = new LinkedHashMap<>();
		private final Map<String, String> info;
		private InputNormalisation normalisation;
		private List<FloatImage> trainSet;
		/** Seconds per validation pixel as the budget check measured them (0: not measured), so that calibration need not time them again. */
		private double validationRate;

		Run(TrainingSettings settings, TrainingPlan plan, LongSupplier clock, Map<String, String> provenance, Progress progress) {
			this.settings = settings;
			this.plan = plan;
			this.clock = clock;
			this.progress = progress;
			this.info = new LinkedHashMap<>(provenance);
			device = Djl.device(settings.compute().useGpu());
			manager = NDManager.newBaseManager(device, Djl.engine().getEngineName());
		}

		Outcome train(List<FloatImage> normal, List<FloatImage> validation, TeacherWeights.Source teachers, int channels) {
			normalisation = InputNormalisation.fit(normal);
			trainSet = normal.stream().map(normalisation::apply).toList();
			prepareTeachers(normal, validation, teachers, channels);
			List<CalibrationSample.Window> windows = calibrationSample(validation);
			for (int s = 0; s < settings.patchSizes().length; s++) trainStudents(s);
			Calibration calibration = calibrate(windows);
			summarise(settings.patchSizes(), losses, settings.students(), calibration, info, progress);
			return finish(calibration, normal.size(), validation.size());
		}

		/** Teacher preparation: every teacher loaded (the budget checked against them), then per patch size adapted if planned, and its statistics. */
		private void prepareTeachers(List<FloatImage> normal, List<FloatImage> validation, TeacherWeights.Source teachers, int channels) {
			int[] patchSizes = settings.patchSizes();
			List<TeacherWeights> loaded = new ArrayList<>();
			for (int p : patchSizes) loaded.add(teacherWeights(p, channels, settings, teachers, manager, progress));
			if (settings.budget().timed() && !plan.adaptsTeachers()) { // before any real work: a budget whose statistics and validation leave the students too little is refused
				requireBudgetFits(loaded, normalisation.apply(validation.get(0)), pixels(validation));
			}
			for (int s = 0; s < patchSizes.length; s++) {
				int p = patchSizes[s];
				TeacherWeights weights = plan.adaptsTeachers() ? adapt(loaded.get(s), normal, s) : loaded.get(s);
				sources.add(weights.source());
				DescriptorNet teacher = DescriptorNet.fromWeights(weights.architecture(), weights.weights(), manager, device);
				TrainingPlan.Stage stage = plan.stage(TrainingPlan.Kind.TEACHER_STATISTICS, p);
				progress.update(stage.name(), stage.from());
				targets.add(statistics(teacher, p, stage.progress(progress)));
				info.put("teacher.p" + p, sources.get(s));
			}
		}

		private TeacherWeights adapt(TeacherWeights weights, List<FloatImage> normal, int s) {
			int p = settings.patchSizes()[s];
			StepBudget steps = plan.adaptationSteps(s);
			TrainingPlan.Stage stage = plan.stage(TrainingPlan.Kind.TEACHER_ADAPTATION, p);
			progress.update(stage.name(), stage.from());
			return TeacherAdaptation.adapt(weights, normal, steps, settings.seed() * 7 + p, settings.compute().useGpu(), stage.progress(progress));
		}

		/**
		 * The teacher's μ/σ: with epochs from {@link DescriptorStatistics#SAMPLE} (fixed-seed results stay as they were);
		 * under a time budget from the sample that the plan's seconds afford at the rate of two timed blocks.
		 */
		private TeacherTarget statistics(DescriptorNet teacher, int p, Progress stageProgress) {
			long seed = settings.seed() * 31 + p;
			int tileSize = settings.compute().tileSize();
			if (!settings.budget().timed()) {
				DescriptorStatistics.Sampled s = DescriptorStatistics.sample(teacher, trainSet, seed, tileSize, DescriptorStatistics.SAMPLE, stageProgress);
				progress.log(statisticsLine(p, s, ""));
				return s.target();
			}
			double perDescriptor = DescriptorStatistics.secondsPerDescriptor(teacher, trainSet.get(0), clock);
			DescriptorStatistics.Share share = DescriptorStatistics.within(trainSet, plan.statisticsSeconds(), perDescriptor);
			DescriptorStatistics.Sampled s = DescriptorStatistics.sample(teacher, share.images(), seed, tileSize, share.sample(), stageProgress);
			progress.log(statisticsLine(p, s, String.format(java.util.Locale.ROOT, ", sized to %.0f s of the time budget (%.0f %% over %d patch size(s)) at %.3g ms per descriptor",
					plan.statisticsSeconds(), 100 * TrainingPlan.STATISTICS_SHARE, settings.patchSizes().length, perDescriptor * 1e3)));
			return s.target();
		}

		private String statisticsLine(int p, DescriptorStatistics.Sampled s, String why) {
			return String.format(java.util.Locale.ROOT, "p=%d: teacher statistics (μ/σ) from %,d descriptors in %d of %d training images%s",
					p, s.descriptors(), s.images(), trainSet.size(), why);
		}

		/**
		 * Times each teacher on two blocks of one image and validation on one window, per patch size, and refuses
		 * a time budget that would leave the students less than {@link #MIN_STUDENT_SHARE} of it, naming the
		 * smallest that would do. The statistics are estimated with the sample their share affords.
		 */
		private void requireBudgetFits(List<TeacherWeights> teachers, FloatImage firstValidation, long validationPixels) {
			long t0 = clock.getAsLong();
			double statistics = 0, perPixel = 0;
			for (TeacherWeights w : teachers) {
				DescriptorNet teacher = DescriptorNet.fromWeights(w.architecture(), w.weights(), manager, manager.getDevice());
				try {
					double perDescriptor = DescriptorStatistics.secondsPerDescriptor(teacher, trainSet.get(0), clock);
					DescriptorStatistics.Share share = DescriptorStatistics.within(trainSet, plan.statisticsSeconds(), perDescriptor);
					statistics += perDescriptor * DescriptorStatistics.descriptors(share.images(), w.architecture().outputStride(), share.sample());
					int d = w.architecture().descriptorDim();
					float[] mu = new float[d], sigma = new float[d];
					Arrays.fill(sigma, 1);
					perPixel += validationSecondsPerPixel(List.of(new TeacherTarget(teacher, mu, sigma)), firstValidation, settings, manager, clock);
				} finally {
					teacher.close();
				}
			}
			validationRate = perPixel;
			double total = settings.budget().minutes() * 60, probes = (clock.getAsLong() - t0) / 1e9;
			double validation = perPixel * Math.min(validationPixels, validationPixelLimit(total, perPixel));
			double forStudents = total - probes - statistics - validation;
			if (forStudents >= MIN_STUDENT_SHARE * total) return;
			// a larger budget affords its statistics a larger sample: at most their share more than now
			double needed = (probes + statistics + perPixel * Math.min(validationPixels, MAX_VALIDATION_PIXELS)) / (1 - MIN_STUDENT_SHARE - TrainingPlan.STATISTICS_SHARE);
			throw new IllegalArgumentException(String.format("The time budget of %s cannot be met: the teacher statistics will take about %.0f s and validation about %.0f s,"
					+ " which leaves the students %s; give a time budget of at least %d minutes, or a number of epochs, or fewer or smaller images",
					minutes(total), statistics, validation, minutes(Math.max(0, forStudents)), (long) Math.ceil(needed / 60)));
		}

		/** The validation windows that will calibrate; with a time budget, what they will take is set aside and the rest shared out. */
		private List<CalibrationSample.Window> calibrationSample(List<FloatImage> validation) {
			boolean timed = settings.budget().timed();
			long maxValidationPixels = MAX_VALIDATION_PIXELS;
			double secondsPerPixel = 0;
			if (timed) {
				secondsPerPixel = validationRate > 0 ? validationRate : validationSecondsPerPixel(targets, normalisation.apply(validation.get(0)), settings, manager, clock);
				maxValidationPixels = validationPixelLimit(settings.budget().minutes() * 60, secondsPerPixel);
			}
			List<CalibrationSample.Window> windows = CalibrationSample.choose(validation, maxValidationPixels, settings.seed() * 131 + 7);
			long validationPixels = pixels(validation), sampled = CalibrationSample.pixels(windows);
			if (sampled < validationPixels) {
				progress.log(String.format("Calibrating on %s of the %s validation pixels (a window in each of %d of the %d images), every pixel equally likely: more would take time from the students",
						megapixels(sampled), megapixels(validationPixels), windows.size(), validation.size()));
			}
			if (timed) progress.log(plan.shareOut(secondsPerPixel * sampled, secondsPerPixel * Math.min(validationPixels, MAX_VALIDATION_PIXELS)));
			return windows;
		}

		private void trainStudents(int s) {
			int p = settings.patchSizes()[s];
			TeacherTarget target = targets.get(s);
			StepBudget steps = plan.studentSteps(s, () -> StudentTrainer.stepsFor(target.teacher().architecture(), trainSet.size(), StudentTrainer.minSide(trainSet),
					settings.schedule(), settings.budget().epochs()));
			long[] seeds = new long[settings.students()];
			for (int i = 0; i < seeds.length; i++) seeds[i] = settings.seed() * 1_000_003L + p * 101L + i;
			TrainingPlan.Stage stage = plan.stage(TrainingPlan.Kind.STUDENTS, p);
			progress.update(stage.name(), stage.from());
			StudentTrainer.Result r = StudentTrainer.train(target, trainSet, settings.schedule(), steps, seeds, stage.progress(progress));
			for (int i = 0; i < r.students().size(); i++) losses.put("p=" + p + " student " + (i + 1), r.losses().get(i));
			scales.add(new ScaleModel(target, r.students(), sources.get(s)));
			info.put("steps.p" + p, Integer.toString(r.losses().get(0).length));
			info.put("crops.p" + p, settings.schedule().batchFor(p) + "x" + settings.schedule().cropFor(p)); // crops per step x crop side
		}

		/** The e/v maps of the validation windows at every scale calibrate the scores and the threshold. */
		private Calibration calibrate(List<CalibrationSample.Window> windows) {
			Progress calibrating = plan.stage(TrainingPlan.Kind.CALIBRATION, 0).progress(progress);
			return Calibration.fit(validationMaps(scales, windows, normalisation, settings.compute().tileSize(), settings.maps(), calibrating), settings.thresholdFpr());
		}

		/** The model, with what it was trained on and how in its info. */
		private Outcome finish(Calibration calibration, int normalImages, int validationImages) {
			double seconds = plan.elapsedSeconds();
			info.put("trainedAt", Instant.now().toString());
			info.put("trainingSeconds", String.format("%.1f", seconds));
			info.put("normalImages", Integer.toString(normalImages));
			info.put("validationImages", Integer.toString(validationImages));
			info.put("seed", Long.toString(settings.seed()));
			if (settings.budget().timed()) info.put("timeBudgetMinutes", Double.toString(settings.budget().minutes()));
			else info.put("epochs", Integer.toString(settings.budget().epochs()));
			info.put("students", Integer.toString(settings.students()));
			info.put("engine", Djl.describe());
			info.put("device", device.toString());
			progress.update("Training finished in " + minutes(seconds), 1);
			double processingScale = settings.processingScale();
			if (processingScale != 1) info.put("processingScale", Double.toString(processingScale));
			return new Outcome(new AnomalyModel(manager, normalisation, scales, calibration, info, processingScale, settings.maps()), losses);
		}

		/** After a failed stage: the students and teachers made so far, and the manager. */
		void close() {
			for (ScaleModel s : scales) s.close();
			for (int s = scales.size(); s < targets.size(); s++) targets.get(s).teacher().close();
			manager.close();
		}
	}

	private static long pixels(List<FloatImage> images) {
		return images.stream().mapToLong(i -> (long) i.width() * i.height()).sum();
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
			if (!(firstLast[1] < firstLast[0])) notLearnt.add("p=" + p + " (loss " + info.get("loss.p" + p) + ")");
		}
		summaryLines(info).forEach(progress::log);
		if (notLearnt.isEmpty()) return;
		String warning = "the students did not learn at " + String.join(", ", notLearnt) + ": the maps of this model are poor; give a larger time budget or more epochs";
		info.put("warning", warning);
		progress.log("WARNING: " + warning);
	}

	/**
	 * The summary of {@link #summarise} as kept in a model's info, one line per patch size ("p=17: 120 steps, students'
	 * loss 151.0 -> 12.30, validation error 3.000"): what the training logged and what `stad info` shows. None for
	 * models from before the summary.
	 */
	public static List<String> summaryLines(Map<String, String> info) {
		List<String> lines = new ArrayList<>();
		info.keySet().stream().filter(k -> k.matches("loss\\.p\\d{1,4}")).mapToInt(k -> Integer.parseInt(k.substring("loss.p".length()))).sorted()
				.forEach(p -> lines.add("p=" + p + ": " + info.getOrDefault("steps.p" + p, "?") + " steps, students' loss " + info.get("loss.p" + p)
						+ ", validation error " + info.getOrDefault("validationError.p" + p, "?")));
		return lines;
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

	/** Per scale, the e and v maps of each validation window (of the whole image through {@code normalisation}), in the given map mode: what {@link Calibration#fit} takes. */
	static List<List<ScaleModel.Maps>> validationMaps(List<ScaleModel> scales, List<CalibrationSample.Window> windows, InputNormalisation normalisation, int tileSize,
			MapMode mode, Progress progress) {
		List<List<ScaleModel.Maps>> maps = new ArrayList<>();
		for (int s = 0; s < scales.size(); s++) maps.add(new ArrayList<>());
		int count = windows.size(), n = scales.size();
		for (int i = 0; i < count; i++) {
			CalibrationSample.Window win = windows.get(i);
			FloatImage image = normalisation.apply(win.image()); // whole image: the window's scores read its surroundings
			for (int s = 0; s < n; s++) {
				double from = (i * n + s) / (double) (n * count), to = (i * n + s + 1) / (double) (n * count);
				progress.update("Validation: p=" + scales.get(s).architecture().patchSize() + ", image " + (i + 1) + "/" + count, from);
				maps.get(s).add(windowMaps(scales.get(s), image, win, tileSize, mode, progress.range(from, to)));
			}
		}
		return maps;
	}

	/** The e and v values of a window's pixels, its pieces one after another (the calibration needs their values, not their places). */
	static ScaleModel.Maps windowMaps(ScaleModel scale, FloatImage image, CalibrationSample.Window win, int tileSize, MapMode mode, Progress progress) {
		List<CalibrationSample.Rect> parts = win.parts();
		if (parts.size() == 1) {
			CalibrationSample.Rect r = parts.get(0);
			return scale.errorAndVariance(image, r.left(), r.top(), r.width(), r.height(), tileSize, mode, progress);
		}
		float[] error = new float[(int) win.pixels()], variance = new float[error.length];
		int offset = 0;
		for (int k = 0; k < parts.size(); k++) {
			CalibrationSample.Rect r = parts.get(k);
			ScaleModel.Maps m = scale.errorAndVariance(image, r.left(), r.top(), r.width(), r.height(), tileSize, mode, progress.range((double) k / parts.size(), (k + 1.0) / parts.size()));
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
				probe.errorAndVariance(crop, settings.compute().tileSize(), settings.maps(), Progress.NONE);
				seconds += (clock.getAsLong() - t0) / 1e9 / ((double) w * h);
			} finally {
				for (DescriptorNet s : students) s.close();
			}
		}
		return seconds;
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
