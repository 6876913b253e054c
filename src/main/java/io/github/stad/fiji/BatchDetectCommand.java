package io.github.stad.fiji;

import java.io.File;
import java.util.List;

import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import ij.measure.ResultsTable;
import io.github.stad.engine.model.AnomalyModel;
import io.github.stad.io.ImageSets;
import io.github.stad.jobs.ScoreJob;
import io.github.stad.jobs.ThresholdChoice;

/**
 * Plugins › Anomaly Detection › Batch Detect…: every image of a folder (and of its type subfolders)
 * to maps, overlays, ROI sets and one scores.csv; a broken file is reported and skipped.
 */
@Plugin(type = Command.class, headless = true, menuPath = StadCommand.MENU + "Batch Detect...")
public class BatchDetectCommand extends StadCommand {

	static final String TABLE = "Anomaly Batch";

	@Parameter(label = "Model file", style = FileWidget.OPEN_STYLE, persist = false, description = "A model made by Train Model… (.zip).")
	private File model_file;

	@Parameter(label = "Input folder", style = FileWidget.DIRECTORY_STYLE, persist = false, description = "Images to examine (subfolders are examined too, e.g. test/good, test/crack).")
	private File input_folder;

	@Parameter(label = "Output folder", style = FileWidget.DIRECTORY_STYLE, persist = false,
			description = "Gets NAME.tif (anomaly map), NAME_overlay.png, NAME_rois.zip per image and scores.csv.")
	private File output_folder;

	@Parameter(label = "Threshold", choices = { "model", "value", "fpr" }, persist = false,
			description = "model: the model's default; value: the threshold value below; fpr: the score that the target fraction of normal pixels exceeds.")
	private String threshold_mode = "model";

	@Parameter(label = "Threshold value", persist = false, description = "Used when the threshold is 'value'.")
	private double threshold_value = 3;

	@Parameter(label = "Target false-positive rate", min = "0.000001", max = "0.5", persist = false, description = "Used when the threshold is 'fpr'.")
	private double target_fpr = 0.01;

	@Parameter(label = "Minimum region size (pixels)", min = "1", persist = false, description = "Smaller regions are ignored.")
	private int min_region_size = 10;

	@Parameter(label = "Tile size", min = "32", persist = false, description = "Large images are processed in tiles of this size to save memory.")
	private int tile_size = 256;

	@Parameter(label = "Use GPU", persist = false, description = "Use a CUDA GPU if DJL finds one; otherwise the CPU is used and the log says so.")
	private boolean use_gpu;

	@Parameter(type = ItemIO.OUTPUT, label = "Images scored")
	private int scored;

	@Parameter(type = ItemIO.OUTPUT, label = "Images flagged")
	private int flagged;

	@Parameter(type = ItemIO.OUTPUT, label = "Images that failed")
	private int failed;

	@Parameter(type = ItemIO.OUTPUT, label = "Scores table")
	private ResultsTable scores_table;

	@Override
	protected String title() { return "Batch Detect"; }

	@Override
	protected void execute() throws Exception {
		if (!given(input_folder) || !input_folder.isDirectory()) throw new IllegalArgumentException("Choose an existing input folder (input_folder), got " + input_folder);
		if (!given(output_folder)) throw new IllegalArgumentException("Choose an output folder (output_folder)");
		ThresholdChoice choice = ThresholdChoice.parse(threshold_mode);
		try (AnomalyModel model = loadModel(model_file, use_gpu)) {
			double threshold = choice.resolve(model, threshold_value, target_fpr);
			List<ScoreJob.Row> rows = ScoreJob.run(model, ImageSets.fromFolder(input_folder.toPath()), output_folder.toPath(),
					new ScoreJob.Options(threshold, min_region_size, tile_size), progress());
			scores_table = new ResultsTable();
			scores_table.showRowNumbers(false);
			for (ScoreJob.Row r : rows) {
				scores_table.incrementCounter();
				scores_table.addValue("image", r.image());
				scores_table.addValue("image_score", r.imageScore());
				scores_table.addValue("anomalous", r.error().isEmpty() ? (r.anomalous() ? "yes" : "no") : "");
				scores_table.addValue("regions", r.regions());
				scores_table.addValue("error", r.error());
				if (!r.error().isEmpty()) failed++;
				else scored++;
				if (r.anomalous()) flagged++;
			}
			for (ScoreJob.Row r : rows) if (!r.error().isEmpty()) log.warn(title() + ": skipped " + r.image() + ": " + r.error());
			if (canShow()) scores_table.show(TABLE);
			String summary = scored + " image(s) scored, " + flagged + " flagged" + (failed > 0 ? ", " + failed + " failed (see the log and scores.csv)" : "")
					+ " -> " + output_folder;
			log.info(title() + ": " + summary);
			status.showStatus(title() + ": " + summary);
			if (scored == 0) throw new IllegalArgumentException("No image could be scored; see " + output_folder.toPath().resolve("scores.csv"));
		}
	}
}
