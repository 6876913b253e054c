package io.github.stad.jobs;

import io.github.stad.engine.model.MapMode;
import io.github.stad.engine.model.Calibration;
import io.github.stad.engine.training.StudentSchedule;
import io.github.stad.engine.training.TrainingSettings;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Everything one model training needs, named: its checked settings, where the model is written, the
 * teachers, the output guard and how the data are described in the model's provenance. Both front ends
 * (teachers: the given files, read when the job starts, then the shipped ones unless {@code shippedTeachers} is off)
 * fill a {@link #builder} with the values the user gave and {@link Builder#build} checks them all, in this
 * one place, with the caller's spelling ({@code --tile} or {@code tile_size}); {@link TrainJob} runs it.
 */
public record TrainRequest(TrainingSettings settings, Path out, List<Path> teacherFiles, boolean shippedTeachers, OutputGuard guard, String normalName, String validationName) {

	public TrainRequest {
		Objects.requireNonNull(settings, "settings");
		Objects.requireNonNull(out, "out");
		teacherFiles = List.copyOf(teacherFiles);
		Objects.requireNonNull(guard, "guard");
	}

	/** This request with the data named as the provenance will record them (known once the images are chosen). */
	public TrainRequest withData(String normal, String validation) {
		return new TrainRequest(settings, out, teacherFiles, shippedTeachers, guard, normal, validation);
	}

	/** A request for a model written to {@code out}; every setting not given keeps {@link TrainingSettings#defaults()}. */
	public static Builder builder(Path out) { return new Builder(out); }

	/** The values as the user gave them; nothing is checked before {@link #build}. */
	public static final class Builder {
		private static final TrainingSettings DEFAULTS = TrainingSettings.defaults();
		private final Path out;
		private int[] patchSizes = DEFAULTS.patchSizes();
		private int students = DEFAULTS.students();
		private Integer crop, batch; // null: each patch size's default (a 0 given is refused, not taken for the default)
		private Integer epochs;
		private double minutes = DEFAULTS.budget().minutes(), learningRate = DEFAULTS.schedule().optimiser().learningRate(), fpr = DEFAULTS.thresholdFpr();
		private int width = DEFAULTS.network().width(), descriptorDim = DEFAULTS.network().descriptorDim(), tile = DEFAULTS.compute().tileSize();
		private boolean gpu = DEFAULTS.compute().useGpu();
		private long seed = DEFAULTS.seed();
		private double scale = DEFAULTS.processingScale(), adaptationShare = DEFAULTS.teacherAdaptation().budgetShare();
		private int adaptationSteps = DEFAULTS.teacherAdaptation().steps();
		private MapMode maps = DEFAULTS.maps();
		private List<Path> teacherFiles = List.of();
		private boolean shippedTeachers = true;
		private OutputGuard guard = OutputGuard.noOverwrite();
		private String normalName = "", validationName = "";

		private Builder(Path out) { this.out = out; }

		public Builder patchSizes(int... sizes) { patchSizes = sizes.clone(); return this; }
		public Builder students(int m) { students = m; return this; }
		/** A fixed number of epochs instead of the time budget. */
		public Builder epochs(int e) { epochs = e; return this; }
		public Builder timeBudget(double m) { minutes = m; return this; }
		/** Crop side of student training; not called: each patch size's default. */
		public Builder crop(int side) { crop = side; return this; }
		/** Crops per step; not called: each patch size's default. */
		public Builder batch(int crops) { batch = crops; return this; }
		public Builder learningRate(double lr) { learningRate = lr; return this; }
		public Builder networkSize(int w, int d) { width = w; descriptorDim = d; return this; }
		public Builder thresholdFpr(double rate) { fpr = rate; return this; }
		public Builder tile(int side) { tile = side; return this; }
		public Builder useGpu(boolean g) { gpu = g; return this; }
		public Builder seed(long s) { seed = s; return this; }
		public Builder processingScale(double s) { scale = s; return this; }
		public Builder teacherAdaptationShare(double share) { adaptationShare = share; return this; }
		public Builder teacherAdaptationSteps(int steps) { adaptationSteps = steps; return this; }
		/** How validation maps are computed for calibration, and so how the model scores by default. */
		public Builder maps(MapMode mode) { maps = mode; return this; }
		/** Teacher files, one per patch size, and whether the shipped teachers serve the others (off: random teachers, for tests). */
		public Builder teachers(List<Path> files, boolean shipped) { teacherFiles = files; shippedTeachers = shipped; return this; }
		public Builder guard(OutputGuard g) { guard = g; return this; }
		/** How the normal and validation data are named in the model's provenance (a folder, a CSV, an image). */
		public Builder data(String normal, String validation) { normalName = normal; validationName = validation; return this; }

		/** The request, after every setting is checked against its limit and the memory of this machine, named as {@code check} spells it. */
		public TrainRequest build(ArgumentChecks check) {
			check.patchSizes("patch-sizes", patchSizes);
			check.count("students", students, 1, io.github.stad.engine.files.ModelBundle.MAX_STUDENTS);
			if (epochs != null) check.count("epochs", epochs, 1, Integer.MAX_VALUE); // "--epochs 0" is an error, not "use the time budget"
			else check.positive("time-budget", minutes);
			if (crop != null) check.count("crop", crop, 1, StudentSchedule.MAX_CROP);
			if (batch != null) check.count("batch", batch, 1, ArgumentChecks.MAX_BATCH);
			check.positive("learning-rate", learningRate);
			check.count("width", width, 1, io.github.stad.engine.net.Architecture.MAX_SIZE);
			check.count("descriptor-dim", descriptorDim, 1, io.github.stad.engine.net.Architecture.MAX_SIZE);
			if (fpr != Calibration.IMAGE_LEVEL) check.rate("fpr", fpr, false);
			check.tile("tile", tile);
			check.scale("scale", scale);
			check.adaptationShare("adapt-teacher", adaptationShare);
			check.count("adapt-teacher-steps", adaptationSteps, 0, 1_000_000);
			TrainingSettings settings = settings();
			check.trainingMemory(settings);
			return new TrainRequest(settings, out, teacherFiles, shippedTeachers, guard, normalName, validationName);
		}

		private TrainingSettings settings() {
			TrainingSettings.Builder b = TrainingSettings.builder().patchSizes(patchSizes).students(students).seed(seed).crop(crop == null ? StudentSchedule.PER_PATCH_SIZE : crop, batch == null ? StudentSchedule.PER_PATCH_SIZE : batch)
					.learningRate((float) learningRate).networkSize(width, descriptorDim).thresholdFpr(fpr).tileSize(tile).useGpu(gpu)
					.processingScale(scale).teacherAdaptationShare(adaptationShare).teacherAdaptationSteps(adaptationSteps).maps(maps);
			if (epochs != null) b.epochs(epochs);
			else b.timeBudget(minutes);
			return b.build();
		}
	}
}
