package io.github.stad.fiji;

import ij.ImagePlus;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.Djl;
import io.github.stad.engine.training.ModelTrainer;
import io.github.stad.engine.model.MapMode;
import io.github.stad.engine.training.TrainingSettings;
import io.github.stad.io.ImagePlusPlanes;
import io.github.stad.io.ImageSets;
import io.github.stad.jobs.ArgumentChecks;
import io.github.stad.jobs.OutputGuard;
import io.github.stad.jobs.TrainJob;
import io.github.stad.jobs.TrainRequest;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Plugins › Anomaly Detection › Train Model…: students for anomaly-free images, saved as one model file. */
@Plugin(type = Command.class, headless = true, menuPath = StadCommand.MENU + "Train Model...")
public class TrainModelCommand extends StadCommand {

	@Parameter(label = "Normal images folder", required = false, style = FileWidget.DIRECTORY_STYLE, persist = false,
			description = "Anomaly-free images to learn from. Leave empty to use the active image or stack (every plane is one image).")
	private File normal_folder;

	@Parameter(label = "Validation images folder", required = false, style = FileWidget.DIRECTORY_STYLE, persist = false,
			description = "Other anomaly-free images that set the score scale and the default threshold. Leave empty to hold back part of the normal images.")
	private File validation_folder;

	@Parameter(label = "Hold back for validation", min = "0.05", max = "0.5", stepSize = "0.05", persist = false,
			description = "Fraction of the normal images used for validation when no validation folder is given.")
	private double holdback_fraction = 0.2;

	@Parameter(label = "Patch sizes", persist = false, description = "Receptive fields in pixels, comma-separated: 17, 33 and/or 65. Larger finds larger defects.")
	private String patch_sizes = "17,33,65";

	@Parameter(label = "Students", min = "1", max = "10", persist = false, description = "Student networks per patch size; their disagreement is part of the score.")
	private int students = 3;

	@Parameter(label = "Time budget (minutes)", min = "0", persist = false,
			description = "How long the whole training may take; the students get what teacher statistics and validation leave. Used when epochs is 0.")
	private double time_budget = 20;

	@Parameter(label = "Epochs (0 = use the time budget)", min = "0", persist = false,
			description = "A fixed number of passes over the training images instead of the time budget (reproducible on the CPU).")
	private int epochs = 0;

	@Parameter(label = "Processing scale", min = "0.05", max = "1", stepSize = "0.05", persist = false,
			description = "Work on copies of the images resized by this factor (0.5: half size); maps come back at full size. For defects larger than a few pixels: faster, more context per patch.")
	private double processing_scale = 1;

	@Parameter(label = "Map mode", choices = { "exact", "strided" }, persist = false,
			description = "Maps that calibrate the model and that it scores with: exact, every pixel; strided, p = 33/65 on their 4/8-pixel grid, interpolated (validation and scoring several times faster).")
	private String map_mode = MapMode.DEFAULT.key();

	@Parameter(label = "Teacher adaptation (share of the time budget)", min = "0", max = "0.5", stepSize = "0.05", persist = false,
			description = "Share of the time budget that fine-tunes the teachers on the normal images before the students learn them (0 = use the teachers as shipped). Used with the time budget.")
	private double teacher_adaptation = TrainingSettings.defaults().teacherAdaptation().budgetShare();

	@Parameter(label = "Seed", persist = false, description = "Random seed; the same seed and images give the same model.")
	private int seed = 1;

	@Parameter(label = "Network width", min = "4", persist = false, description = "Channels of the networks (advanced; must match a pretrained teacher).")
	private int network_width = Architecture.DEFAULT_WIDTH;

	@Parameter(label = "Descriptor size", min = "4", persist = false, description = "Length of the teacher's descriptor (advanced; must match a pretrained teacher).")
	private int descriptor_size = Architecture.DEFAULT_DESCRIPTOR_DIM;

	@Parameter(label = "False-positive rate of the default threshold", min = "0", max = "0.5", persist = false,
			description = "The default threshold lets this fraction of normal validation pixels through (0.01 = 1 %); 0 sets it at the image level (the second-highest image score of the validation images), so that normal images are not flagged.")
	private double threshold_fpr = 0;

	@Parameter(label = "Teacher files", required = false, persist = false,
			description = "Optional pretrained teacher files (comma-separated), one per patch size; without them the shipped default teachers are used.")
	private String teacher_files = "";

	@Parameter(label = "Random teacher (for tests only)", persist = false,
			description = "Use an untrained teacher instead of the shipped default teachers: fast with a small network width, but the maps are poor.")
	private boolean random_teacher = false;

	@Parameter(label = "Model file", style = FileWidget.SAVE_STYLE, persist = false, description = "Where to save the model (.zip). An existing file is only replaced with overwrite, and only when training succeeds.")
	private File model_file;

	@Parameter(label = "Overwrite existing files", persist = false,
			description = "Replace output files that exist before this run (never an input). Off: an existing file stops the command before any work.")
	private boolean overwrite;

	@Parameter(label = "Use GPU", persist = false, description = "Use a CUDA GPU if DJL finds one; otherwise the CPU is used and the log says so.")
	private boolean use_gpu;

	@Parameter(type = ItemIO.OUTPUT, label = "Default threshold")
	private double threshold;

	@Override
	protected String title() { return "Train Model"; }

	private MapMode trainingMapMode() {
		try {
			return MapMode.parse(map_mode);
		} catch (IllegalArgumentException e) {
			throw new IllegalArgumentException("map_mode: " + e.getMessage());
		}
	}

	@Override
	protected void execute() throws Exception {
		if (!given(model_file)) throw new IllegalArgumentException("Choose where to save the model (model_file)");
		TrainRequest request = request();
		var progress = progress();
		// Every input resolved and the model file checked before any image is read.
		var normalSet = given(normal_folder) ? ImageSets.fromFolder(normal_folder.toPath()) : null;
		var validationSet = given(validation_folder) ? ImageSets.fromFolder(validation_folder.toPath()) : null;
		OutputGuard guard = request.guard();
		for (Path t : request.teacherFiles()) guard.reads(t, "a teacher file this command reads (teacher_files)");
		if (normalSet != null) guard.readsImages(normalSet);
		if (validationSet != null) guard.readsImages(validationSet);
		if (normalSet != null) guard.checkFileAndFolder(model_file.toPath()); // the active image is in memory already: TrainJob checks before training
		List<FloatImage> normal;
		String normalName;
		if (normalSet != null) {
			normal = TrainJob.read(normalSet, "normal", progress);
			normalName = normal_folder.getPath();
		} else {
			ImagePlus imp = imageOrActive(null, "normal_folder");
			normal = new ArrayList<>();
			for (ImagePlusPlanes.Plane p : ImagePlusPlanes.planes(imp, imp.getNChannels())) normal.add(p.image());
			normalName = "image " + imp.getTitle();
		}
		List<FloatImage> validation;
		String validationName;
		if (validationSet != null) {
			guard.checkFileAndFolder(model_file.toPath());
			validation = TrainJob.read(validationSet, "validation", progress);
			validationName = validation_folder.getPath();
		} else {
			TrainJob.Split split = TrainJob.holdBack(normal, holdback_fraction);
			normal = split.training();
			validation = split.validation();
			validationName = "held back: " + validation.size() + " of the normal images";
		}
		log.info(title() + ": " + normal.size() + " normal and " + validation.size() + " validation image(s); " + Djl.describe() + "; " + Djl.deviceNote(use_gpu));
		String rule;
		status.showStatus("Training… (press Esc to cancel)");
		try (LossPlot plot = LossPlot.openIfInteractive("Training loss: " + model_file.getName())) {
			try (ModelTrainer.Outcome outcome = TrainJob.train(request.withData(normalName, validationName), normal, validation, plot == null ? progress : plot.wrap(progress))) {
				threshold = outcome.model().threshold();
				rule = outcome.model().calibration().describeThreshold();
			}
		}
		log.info(title() + ": model saved to " + model_file + " (default threshold " + String.format("%.3f", threshold) + ": " + rule + ")");
		status.showStatus("Model saved: " + model_file.getName());
	}

	/** The dialog's values as a request, checked with Fiji's names before any image is read. */
	private TrainRequest request() {
		List<Path> teachers = new ArrayList<>();
		for (String t : teacher_files == null ? new String[0] : teacher_files.split(",")) if (!t.isBlank()) teachers.add(Path.of(t.trim()));
		TrainRequest.Builder b = TrainRequest.builder(model_file.toPath()).patchSizes(parseSizes(patch_sizes)).students(students).seed(seed)
				.networkSize(network_width, descriptor_size).thresholdFpr(threshold_fpr).useGpu(use_gpu).processingScale(processing_scale)
				.teacherAdaptationShare(teacher_adaptation).maps(trainingMapMode()).teachers(teachers, !random_teacher).guard(OutputGuard.fiji(overwrite));
		if (epochs != 0) b.epochs(epochs);
		else b.timeBudget(time_budget);
		return b.build(ArgumentChecks.FIJI);
	}

	static int[] parseSizes(String text) {
		try {
			return Arrays.stream(text.split("[,; ]+")).filter(s -> !s.isBlank()).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
		} catch (NumberFormatException e) {
			throw new IllegalArgumentException("Patch sizes must be whole numbers separated by commas, e.g. 17,33,65; got '" + text + "'");
		}
	}
}
