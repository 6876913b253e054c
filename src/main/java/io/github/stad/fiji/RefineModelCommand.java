package io.github.stad.fiji;

import ij.ImagePlus;
import io.github.stad.engine.files.ModelBundle;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.model.AnomalyModel;
import io.github.stad.io.ImageEntry;
import io.github.stad.io.ImagePlusPlanes;
import io.github.stad.io.ImageSets;
import io.github.stad.jobs.ArgumentChecks;
import io.github.stad.jobs.OutputGuard;
import io.github.stad.jobs.RefineJob;
import io.github.stad.jobs.RefineRequest;
import io.github.stad.jobs.TrainJob;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

/**
 * Plugins › Anomaly Detection › Refine Model…: teaches a model that some images are normal (false
 * alarms, say) in minutes: its students continue on its training images plus these, it is calibrated
 * again on its validation images, and the result is saved as a new model file; the input model is only read.
 */
@Plugin(type = Command.class, headless = true, menuPath = StadCommand.MENU + "Refine Model...")
public class RefineModelCommand extends ModelCommand {

	@Parameter(label = "Normal images to add", required = false, style = FileWidget.DIRECTORY_STYLE, persist = false,
			description = "Anomaly-free images the model should learn (e.g. its false alarms). Leave empty to use the active image or stack (every plane is one image).")
	private File normal_folder;

	@Parameter(label = "Training images (empty: the model's)", required = false, style = FileWidget.DIRECTORY_STYLE, persist = false,
			description = "The images the model was trained on; empty: the folder its provenance names (Model Info…).")
	private File training_folder;

	@Parameter(label = "Validation images (empty: the model's)", required = false, style = FileWidget.DIRECTORY_STYLE, persist = false,
			description = "Anomaly-free images that calibrate the refined model; empty: the model's validation folder. Needed for a model validated on held-back images.")
	private File validation_folder;

	@Parameter(label = "Time budget (minutes)", min = "0", persist = false, description = "How long refining may take. Used when epochs is 0.")
	private double time_budget = io.github.stad.jobs.RefineRequest.DEFAULT_MINUTES;

	@Parameter(label = "Epochs (0 = use the time budget)", min = "0", persist = false, description = "A fixed number of passes over the training images instead of the time budget.")
	private int epochs = 0;

	@Parameter(label = "Seed", persist = false, description = "Random seed of the training crops.")
	private int seed = 1;

	@Parameter(label = "Refined model file", style = FileWidget.SAVE_STYLE, persist = false,
			description = "Where to save the refined model (.zip); never the input model. An existing file is only replaced with overwrite.")
	private File refined_model_file;

	@Parameter(label = "Overwrite existing files", persist = false,
			description = "Replace a refined model file that exists before this run (never the input model). Off: an existing file stops the command before any work.")
	private boolean overwrite;

	@Parameter(type = ItemIO.OUTPUT, label = "Default threshold")
	private double threshold;

	@Override
	protected String title() { return "Refine Model"; }

	@Override
	protected void execute() throws Exception {
		if (!given(model_file)) throw new IllegalArgumentException("Choose the model to refine (model_file), made by Train Model…");
		if (!given(refined_model_file)) throw new IllegalArgumentException("Choose where to save the refined model (refined_model_file)");
		RefineRequest.Builder b = RefineRequest.builder(model_file.toPath(), refined_model_file.toPath()).seed(seed).useGpu(use_gpu).tile(tile_size)
				.guard(OutputGuard.fiji(overwrite));
		if (epochs > 0) b.epochs(epochs);
		else b.timeBudget(time_budget);
		RefineRequest request = b.build(ArgumentChecks.FIJI);
		RefineJob.Sets sets = RefineJob.sets(model_file.toPath(), path(training_folder), path(validation_folder), ArgumentChecks.FIJI);
		List<ImageEntry> addedSet = given(normal_folder) ? ImageSets.fromFolder(normal_folder.toPath()) : List.of();
		RefineJob.checkOutput(request, sets, addedSet); // before any image is read
		var progress = progress();
		List<FloatImage> added;
		String addedName;
		if (given(normal_folder)) {
			added = TrainJob.read(addedSet, "added normal", progress);
			addedName = normal_folder.getPath();
		} else {
			ImagePlus imp = imageOrActive(null, "normal_folder");
			int channels = ((Number) ModelBundle.describe(model_file.toPath()).get("inputChannels")).intValue();
			added = new ArrayList<>();
			for (ImagePlusPlanes.Plane p : ImagePlusPlanes.planes(imp, channels)) added.add(p.image());
			addedName = "image " + imp.getTitle();
		}
		log.info(title() + ": adding " + added.size() + " image(s) to the " + sets.training().size() + " training image(s), validating on " + sets.validation().size());
		status.showStatus("Refining… (press Esc to cancel)");
		try (AnomalyModel refined = RefineJob.refine(request, sets, added, addedName, progress)) {
			threshold = refined.threshold();
			log.info(title() + ": refined model saved to " + refined_model_file + " (default threshold " + String.format("%.3f", threshold) + ": "
					+ refined.calibration().describeThreshold() + "); " + model_file.getName() + " is unchanged");
		}
		status.showStatus("Refined model saved: " + refined_model_file.getName());
	}

	private static String path(File f) {
		return given(f) ? f.getPath() : null;
	}
}
