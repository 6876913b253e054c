package io.github.stad.fiji;

import ij.measure.ResultsTable;
import io.github.stad.engine.model.AnomalyModel;
import io.github.stad.io.ImageSets;
import io.github.stad.jobs.BatchDetectJob;
import io.github.stad.jobs.ResultRows;
import io.github.stad.jobs.Shard;
import io.github.stad.jobs.ThresholdChoice;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import java.io.File;
import java.util.List;

/**
 * Plugins › Anomaly Detection › Batch Detect…: every image of a folder (and of its type subfolders)
 * to maps, overlays, ROI sets and one scores.csv; a broken file is reported and skipped.
 */
@Plugin(type = Command.class, headless = true, menuPath = StadCommand.MENU + "Batch Detect...")
public class BatchDetectCommand extends SegmentingCommand {

	static final String TABLE = "Anomaly Batch";

	@Parameter(label = "Input folder", style = FileWidget.DIRECTORY_STYLE, persist = false, description = "Images to examine (subfolders are examined too, e.g. test/good, test/crack).")
	private File input_folder;

	@Parameter(label = "Output folder", style = FileWidget.DIRECTORY_STYLE, persist = false,
			description = "Gets NAME.tif (anomaly map), NAME_overlay.png, NAME_rois.zip per image and scores.csv.")
	private File output_folder;

	@Parameter(label = "Shard (K/N)", required = false, persist = false,
			description = "Score only shard K of N of the folder (e.g. a SLURM array task: 2/8), into scores-K-of-N.csv; empty: every image, into scores.csv.")
	private String shard = "";

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
		ThresholdChoice choice = thresholdChoice();
		Shard part = Shard.parse(shard);
		try (AnomalyModel model = openModel()) {
			double threshold = threshold(choice, model);
			List<ResultRows.ImageRow> rows = BatchDetectJob.run(model, ImageSets.fromFolder(input_folder.toPath()), output_folder.toPath(),
					new BatchDetectJob.Options(threshold, min_region_size, tile_size), part, progress());
			scores_table = ResultTables.of(ResultRows.SCORES, rows);
			for (ResultRows.ImageRow r : rows) {
				if (r.failed()) {
					failed++;
					log.warn(title() + ": skipped " + r.image() + ": " + r.error());
				} else {
					scored++;
				}
				if (r.flagged()) flagged++;
			}
			if (canShow()) scores_table.show(TABLE);
			String summary = scored + " image(s) scored, " + flagged + " flagged" + (failed > 0 ? ", " + failed + " failed (see the log and scores.csv)" : "")
					+ " -> " + output_folder;
			log.info(title() + ": " + summary);
			status.showStatus(title() + ": " + summary);
			if (scored == 0 && failed > 0) throw new IllegalArgumentException("No image could be scored; see " + output_folder.toPath().resolve("scores.csv"));
		}
	}
}
