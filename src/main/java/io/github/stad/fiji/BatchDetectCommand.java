package io.github.stad.fiji;

import ij.IJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.measure.ResultsTable;
import ij.text.TextPanel;
import ij.text.TextWindow;
import io.github.stad.io.ImageEntry;
import io.github.stad.engine.model.AnomalyModel;
import io.github.stad.io.ImageEntry;
import io.github.stad.io.ImageSets;
import io.github.stad.jobs.ArgumentChecks;
import io.github.stad.jobs.BatchDetectJob;
import io.github.stad.jobs.ScoreRequest;
import io.github.stad.jobs.OutputGuard;
import io.github.stad.jobs.ResultRows;
import io.github.stad.jobs.Shard;
import io.github.stad.jobs.ThresholdChoice;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import java.awt.event.MouseAdapter;
import java.awt.event.MouseEvent;
import java.awt.event.MouseListener;
import java.io.File;
import java.io.IOException;
import java.util.List;

/**
 * Plugins › Anomaly Detection › Batch Detect…: every image of a folder (and of its type subfolders)
 * to maps, overlays, ROI sets and one scores.csv; a broken file is reported and skipped. Ends with
 * one triage table of all images, the most anomalous first; in the GUI a double-click on a row
 * opens that image with its regions.
 */
@Plugin(type = Command.class, headless = true, menuPath = StadCommand.MENU + "Batch Detect...")
public class BatchDetectCommand extends SegmentingCommand {

	static final String TABLE = "Anomaly Batch";

	@Parameter(label = "Input folder", style = FileWidget.DIRECTORY_STYLE, persist = false, description = "Images to examine (subfolders are examined too, e.g. test/good, test/crack).")
	private File input_folder;

	@Parameter(label = "Output folder", style = FileWidget.DIRECTORY_STYLE, persist = false,
			description = "Gets NAME.tif (anomaly map), NAME_overlay.png, NAME_rois.zip per image and scores.csv.")
	private File output_folder;

	@Parameter(label = "Overwrite existing files", persist = false,
			description = "Replace output files that exist before this run (never an input). Off: an existing file stops the command before any work.")
	private boolean overwrite;

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

	/**
	 * GUI only: a double-click on a row of the table opens that image with its regions as an overlay; R
	 * with rows selected opens their images as a stack and starts Refine Model… with this model, on it.
	 */
	private void openOnDoubleClick(BatchTriage triage) {
		if (!(WindowManager.getWindow(TABLE) instanceof TextWindow window)) return;
		TextPanel panel = window.getTextPanel();
		for (MouseListener l : panel.getMouseListeners()) if (l instanceof OpenRow) panel.removeMouseListener(l); // from an earlier batch
		for (java.awt.event.KeyListener l : panel.getKeyListeners()) if (l instanceof RefineRows) panel.removeKeyListener(l);
		panel.addMouseListener(new OpenRow(panel, triage));
		panel.addKeyListener(new RefineRows(panel, triage, model_file, getContext()));
		log.info(title() + ": double-click a row of the \"" + TABLE + "\" table to open the image with its regions; select the rows of normal images and press R to refine the model with them");
	}

	/** R in the triage table: the selected rows' images as the active stack, and Refine Model… with this model. */
	private static final class RefineRows extends java.awt.event.KeyAdapter {
		private final TextPanel panel;
		private final BatchTriage triage;
		private final File model;
		private final org.scijava.Context context;

		RefineRows(TextPanel panel, BatchTriage triage, File model, org.scijava.Context context) {
			this.panel = panel;
			this.triage = triage;
			this.model = model;
			this.context = context;
		}

		@Override
		public void keyPressed(java.awt.event.KeyEvent e) {
			if (e.getKeyCode() != java.awt.event.KeyEvent.VK_R || e.isControlDown() || e.isMetaDown()) return;
			int first = panel.getSelectionStart(), last = panel.getSelectionEnd();
			new Thread(() -> { // not on the event thread: opening reads files
				try {
					triage.stackOf(first, last).show(); // the active image: Refine Model… adds it when normal_folder is empty
					context.service(org.scijava.command.CommandService.class).run(RefineModelCommand.class, true, "model_file", model);
				} catch (IOException | IllegalArgumentException ex) {
					IJ.error("Batch Detect", ex.getMessage());
				}
			}, "Anomaly Detection: refine with rows").start();
		}
	}

	private static final class OpenRow extends MouseAdapter {
		private final TextPanel panel;
		private final BatchTriage triage;

		OpenRow(TextPanel panel, BatchTriage triage) {
			this.panel = panel;
			this.triage = triage;
		}

		@Override
		public void mouseClicked(MouseEvent e) {
			if (e.getClickCount() != 2) return;
			int row = panel.getSelectionStart();
			new Thread(() -> { // not on the event thread: opening reads files
				try {
					ImagePlus imp = triage.open(row);
					imp.show();
					double zoom = BatchTriage.zoomFor(imp.getWidth(), imp.getHeight());
					if (zoom > 1) ij.plugin.Zoom.set(imp, zoom);
				} catch (IOException | IllegalArgumentException ex) {
					IJ.error("Batch Detect", ex.getMessage());
				}
			}, "Anomaly Detection: open row").start();
		}
	}

	@Override
	protected void execute() throws Exception {
		if (!given(input_folder) || !input_folder.isDirectory()) throw new IllegalArgumentException("Choose an existing input folder (input_folder), got " + input_folder);
		if (!given(output_folder)) throw new IllegalArgumentException("Choose an output folder (output_folder)");
		ThresholdChoice choice = thresholdChoice();
		List<ImageEntry> inputs = ImageSets.fromFolder(input_folder.toPath());
		Shard part = Shard.parse(shard);
		OutputGuard guard = OutputGuard.fiji(overwrite).reads(model_file == null ? null : model_file.toPath(), "the model file this command reads (model_file)");
		ScoreRequest request = ScoreRequest.builder(output_folder.toPath()).inputs(inputs).minArea(min_region_size).tile(tile_size).guard(guard).shard(part)
				.maps(mapMode(map_mode)).build(ArgumentChecks.FIJI);
		BatchDetectJob.checkOutputs(request); // before the model loads
		try (AnomalyModel model = openModel()) {
			List<ResultRows.ImageRow> rows = BatchDetectJob.run(model, request.withThreshold(threshold(choice, model)), progress()); // sorted by image score, failures last
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
			Tables.publish(scores_table, TABLE);
			if (hasGui()) openOnDoubleClick(new BatchTriage(rows, inputs, output_folder.toPath()));
			String summary = scored + " image(s) scored, " + flagged + " flagged" + (failed > 0 ? ", " + failed + " failed (see the log and scores.csv)" : "")
					+ " -> " + output_folder;
			log.info(title() + ": " + summary);
			status.showStatus(title() + ": " + summary);
			long lost = rows.stream().filter(ResultRows.ImageRow::outputLost).count();
			if (lost > 0) throw new java.io.IOException("The outputs of " + lost + " image(s) could not be written; scores.csv in " + output_folder + " lists them with the reason");
			if (scored == 0 && failed > 0) throw new IllegalArgumentException("No image could be scored; see " + output_folder.toPath().resolve("scores.csv"));
		}
	}
}
