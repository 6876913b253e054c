package io.github.stad.engine.training;

import io.github.stad.engine.Progress;
import io.github.stad.engine.budget.StepBudget;
import io.github.stad.engine.budget.TrainingBudget;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The stages of one training, named and shared out before any work: per patch size the teacher's
 * preparation (adaptation to the normal images when asked for, then the statistics of its
 * descriptors), then the students of each patch size, then calibration on the validation images.
 * Each stage has its part of the progress bar; under a time budget this is the only place where
 * minutes become step budgets. {@link ModelTrainer} runs the stages in this order; {@link ModelRefiner}
 * runs a {@link #refinement} plan, which has only the students and calibration.
 */
public final class TrainingPlan {

	/** What a stage does. */
	public enum Kind { TEACHER_ADAPTATION, TEACHER_STATISTICS, STUDENTS, CALIBRATION }

	/** One stage: what it does, for which patch size (0 for all), its name in the log, and its part [from, to] of the progress bar. */
	public record Stage(Kind kind, int patchSize, String name, double from, double to) {
		/** The whole training's progress, narrowed to this stage. */
		public Progress progress(Progress whole) { return whole.range(from, to); }
	}

	/** Parts of the progress bar: teacher statistics, and everything before calibration (which gets the rest). */
	private static final double STATISTICS_PART = 0.05, BEFORE_CALIBRATION = 0.85;
	/** Adaptation's part of the bar is this factor times its share of the time budget (with epochs: of {@link #EPOCHS_ADAPTATION_PART}). */
	private static final double ADAPTATION_PART_PER_SHARE = 0.8, EPOCHS_ADAPTATION_PART = 0.2;

	/**
	 * The share of a time budget that the teacher statistics of all patch sizes may take together; their
	 * sample is sized to it ({@link DescriptorStatistics#within}). 5 %: a minute of the default 20 minutes
	 * (the full sample of three teachers took 97 s on 20 magnetic-tile images on a busy 2-core CPU, issue 34),
	 * and seconds of a short budget, whose students need the time more than μ/σ need precision.
	 */
	public static final double STATISTICS_SHARE = 0.05;

	private final TrainingSettings settings;
	private final List<Stage> stages;
	private final int scales;
	private final LongSupplier clock;
	private final long start;
	private double calibrationSeconds;

	private TrainingPlan(TrainingSettings settings, List<Stage> stages, int scales, LongSupplier clock) {
		this.settings = settings;
		this.stages = List.copyOf(stages);
		this.scales = scales;
		this.clock = clock;
		this.start = clock.getAsLong(); // the time budget counts from here
	}

	/** The plan of a training with these settings; its time budget starts now on {@code clock}. */
	public static TrainingPlan make(TrainingSettings settings, LongSupplier clock) {
		int[] sizes = settings.patchSizes();
		double adaptation = adapting(settings) ? ADAPTATION_PART_PER_SHARE * (settings.budget().timed() ? settings.teacherAdaptation().budgetShare() : EPOCHS_ADAPTATION_PART) : 0;
		double students = BEFORE_CALIBRATION - adaptation - STATISTICS_PART;
		List<Stage> stages = new ArrayList<>();
		double at = 0;
		for (int p : sizes) {
			if (adaptation > 0) at = add(stages, new Stage(Kind.TEACHER_ADAPTATION, p, "Adapting the p=" + p + " teacher to the normal images", at, at + adaptation / sizes.length));
			at = add(stages, new Stage(Kind.TEACHER_STATISTICS, p, "Statistics of the p=" + p + " teacher", at, at + STATISTICS_PART / sizes.length));
		}
		addStudentsAndCalibration(stages, sizes, at, students);
		return new TrainingPlan(settings, stages, sizes.length, clock);
	}

	/**
	 * The plan of a refinement of a model with these patch sizes: its students continued, then calibration.
	 * Under a time budget the students get what is left of it less the most that validation may take
	 * ({@link ModelTrainer#VALIDATION_SHARE}), which is set aside from the start.
	 */
	public static TrainingPlan refinement(TrainingSettings settings, int[] patchSizes, LongSupplier clock) {
		List<Stage> stages = new ArrayList<>();
		addStudentsAndCalibration(stages, patchSizes, 0, BEFORE_CALIBRATION);
		TrainingPlan plan = new TrainingPlan(settings, stages, patchSizes.length, clock);
		if (settings.budget().timed()) plan.calibrationSeconds = ModelTrainer.VALIDATION_SHARE * settings.budget().minutes() * 60;
		return plan;
	}

	/** The students of each patch size, sharing {@code part} of the bar from {@code at}, then calibration to the end. */
	private static void addStudentsAndCalibration(List<Stage> stages, int[] sizes, double at, double part) {
		for (int p : sizes) at = add(stages, new Stage(Kind.STUDENTS, p, "Training the p=" + p + " students", at, at + part / sizes.length));
		stages.add(new Stage(Kind.CALIBRATION, 0, "Calibration on the validation images", at, 1));
	}

	private static double add(List<Stage> stages, Stage stage) {
		stages.add(stage);
		return stage.to();
	}

	private static boolean adapting(TrainingSettings settings) {
		TeacherAdaptation.Settings a = settings.teacherAdaptation();
		return settings.budget().timed() ? a.budgetShare() > 0 : a.steps() > 0;
	}

	public List<Stage> stages() { return stages; }

	/** The stage of this kind for patch size p (0 for calibration). */
	public Stage stage(Kind kind, int p) {
		return stages.stream().filter(s -> s.kind() == kind && s.patchSize() == p).findFirst()
				.orElseThrow(() -> new IllegalStateException("No " + kind + " stage for p=" + p + " in this plan"));
	}

	public boolean adaptsTeachers() { return stages.stream().anyMatch(s -> s.kind() == Kind.TEACHER_ADAPTATION); }

	/** The plan as one log line: the stages in order and how the time is shared. */
	public String describe() {
		TrainingBudget budget = settings.budget();
		String time = budget.timed()
				? ModelTrainer.minutes(budget.minutes() * 60) + (adaptsTeachers() ? ", " + Math.round(100 * settings.teacherAdaptation().budgetShare()) + " % of it adapting the teachers" : "")
						+ ", teacher statistics at most " + Math.round(100 * STATISTICS_SHARE) + " %, validation at most " + Math.round(100 * ModelTrainer.VALIDATION_SHARE) + " %, the students what is left"
				: budget.epochs() + " epochs of student training" + (adaptsTeachers() ? ", " + settings.teacherAdaptation().steps() + " teacher adaptation steps per patch size" : "");
		return "Training plan (" + time + "): " + String.join(" → ", stages.stream().map(Stage::name).toList());
	}

	/** Seconds since the plan was made. */
	public double elapsedSeconds() { return (clock.getAsLong() - start) / 1e9; }

	/**
	 * The adaptation steps of the teacher of the {@code index}-th patch size: a fixed count, or its share of
	 * the budget, less what earlier scales used, over the scales left.
	 */
	public StepBudget adaptationSteps(int index) {
		TeacherAdaptation.Settings adaptation = settings.teacherAdaptation();
		if (!settings.budget().timed()) return new StepBudget.Steps(adaptation.steps());
		return deadline(adaptation.budgetShare() * settings.budget().minutes() * 60, 0, index, ModelTrainer.MIN_ADAPTATION_STEPS);
	}

	/** Seconds that the statistics of one teacher may take: {@link #STATISTICS_SHARE} of the time budget over the patch sizes (unlimited with epochs). */
	public double statisticsSeconds() {
		if (!settings.budget().timed()) return Double.POSITIVE_INFINITY;
		return STATISTICS_SHARE * settings.budget().minutes() * 60 / settings.patchSizes().length;
	}

	/**
	 * The steps of the students of the {@code index}-th patch size: {@code epochSteps} with a number of epochs, or
	 * what is left of the budget after the calibration still to come, over the scales still to train.
	 */
	public StepBudget studentSteps(int index, java.util.function.IntSupplier epochSteps) {
		if (!settings.budget().timed()) return new StepBudget.Steps(epochSteps.getAsInt());
		return deadline(settings.budget().minutes() * 60, calibrationSeconds, index, ModelTrainer.MIN_STEPS);
	}

	/** A deadline for scale {@code index}: of {@code seconds} from the start, what is left after {@code reserved} more, over the scales left. */
	private StepBudget deadline(double seconds, double reserved, int index, int minimum) {
		long now = clock.getAsLong();
		double left = seconds - (now - start) / 1e9 - reserved;
		return new StepBudget.Until(now + (long) (Math.max(0, left) / (scales - index) * 1e9), clock, minimum);
	}

	/**
	 * With a time budget, sets aside {@code calibrationSeconds} for calibration and returns how the rest is shared
	 * out (today's "Time budget …" line), or refuses a budget that leaves the students less than
	 * {@link ModelTrainer#MIN_STUDENT_SHARE} of it, naming the smallest that would do.
	 * @param fullCalibrationSeconds what calibrating on as many validation pixels as is useful would take
	 */
	public String shareOut(double calibrationSeconds, double fullCalibrationSeconds) {
		this.calibrationSeconds = calibrationSeconds;
		double spent = elapsedSeconds(), total = settings.budget().minutes() * 60;
		double forStudents = total - spent - calibrationSeconds;
		int n = scales;
		// everything since the plan: loading the teachers, timing them for the budget, adapting them, their statistics
		String before = adaptsTeachers() ? "preparing the teachers (loading, timing, adaptation, statistics)" : "preparing the teachers (loading, timing, statistics)";
		if (forStudents < ModelTrainer.MIN_STUDENT_SHARE * total) { // before any student step: no model worth saving fits
			double needed = (spent + fullCalibrationSeconds) / (1 - ModelTrainer.MIN_STUDENT_SHARE);
			throw new IllegalArgumentException(String.format("The time budget of %s cannot be met: %s took %.0f s and validation will take about %.0f s, which leaves the students %s;"
					+ " give a time budget of at least %d minutes, or a number of epochs, or fewer or smaller images", ModelTrainer.minutes(total),
					before, spent, calibrationSeconds, ModelTrainer.minutes(Math.max(0, forStudents)), (long) Math.ceil(needed / 60)));
		}
		return String.format("Time budget %s: %s took %.0f s, validation will take about %.0f s, so student training gets %s (%s per patch size)%s",
				ModelTrainer.minutes(total), before, spent, calibrationSeconds, ModelTrainer.minutes(Math.max(0, forStudents)), ModelTrainer.minutes(Math.max(0, forStudents) / n),
				forStudents < 60 * n ? ". WARNING: that is too little for good students: give a larger time budget, or fewer or smaller validation images" : "");
	}
}
