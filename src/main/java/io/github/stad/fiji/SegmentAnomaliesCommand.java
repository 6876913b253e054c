package io.github.stad.fiji;

import ij.ImagePlus;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.measure.ResultsTable;
import ij.plugin.frame.RoiManager;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.model.AnomalyModel;
import io.github.stad.engine.regions.Regions;
import io.github.stad.io.ImagePlusPlanes;
import io.github.stad.io.RoiSets;
import io.github.stad.jobs.DetectJob;
import io.github.stad.jobs.OutputGuard;
import io.github.stad.jobs.ResultRows;
import io.github.stad.jobs.ThresholdChoice;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * Plugins › Anomaly Detection › Segment Anomalies…: the regions of an image whose anomaly score
 * reaches a threshold, as ROIs (overlay, ROI Manager, .zip) and as tables per region and per image.
 */
@Plugin(type = Command.class, headless = true, menuPath = StadCommand.MENU + "Segment Anomalies...")
public class SegmentAnomaliesCommand extends SegmentingCommand {

	static final String REGIONS_TABLE = "Anomaly Regions", IMAGES_TABLE = "Anomaly Images";

	@Parameter(label = "Image file", required = false, style = FileWidget.OPEN_STYLE, persist = false,
			description = "Image to segment. Leave empty to use the active image or stack.")
	private File image_file;

	@Parameter(label = "Output folder", required = false, style = FileWidget.DIRECTORY_STYLE, persist = false,
			description = "Optional: write NAME_rois.zip, NAME_regions.csv and NAME_images.csv here (needed headless).")
	private File output_folder;

	@Parameter(label = "Adjust the threshold live (GUI only)", persist = false,
			description = "From the menu: preview the regions while moving the threshold or the target false-positive rate; OK uses and records the value. Never in macros or headless.")
	private boolean live_threshold = true;

	@Parameter(label = "Overwrite existing files", persist = false,
			description = "Replace output files that exist before this run (never an input). Off: an existing file stops the command before any work.")
	private boolean overwrite;

	@Parameter(type = ItemIO.OUTPUT, label = "Regions")
	private int region_count;

	@Parameter(type = ItemIO.OUTPUT, label = "Flagged as anomalous")
	private boolean flagged;

	@Parameter(type = ItemIO.OUTPUT, label = "Image score")
	private double image_score;

	@Parameter(type = ItemIO.OUTPUT, label = "Threshold used")
	private double threshold;

	@Parameter(type = ItemIO.OUTPUT, label = "Regions table")
	private ResultsTable regions_table;

	@Parameter(type = ItemIO.OUTPUT, label = "Images table")
	private ResultsTable images_table;

	@Override
	protected String title() { return "Segment Anomalies"; }

	/** The outlines of the regions of every plane, on their planes (named by plane for stacks). */
	static List<Roi> rois(ImagePlus imp, List<ImagePlusPlanes.Plane> planes, List<FloatImage> images, List<List<Regions.Region>> regions) {
		List<Roi> rois = new ArrayList<>();
		for (int i = 0; i < planes.size(); i++) {
			for (Roi roi : RoiSets.toRois(regions.get(i), imp.getWidth(), imp.getHeight())) {
				if (planes.size() > 1) {
					roi.setName(images.get(i).name() + "-" + roi.getName());
					roi.setPosition(ImagePlusPlanes.stackIndex(imp, planes.get(i)));
				}
				roi.setStrokeColor(java.awt.Color.YELLOW);
				rois.add(roi);
			}
		}
		return rois;
	}

	/**
	 * Makes a live choice the command's parameters, so that the recorder (Fiji's reads the module's inputs
	 * after the run, the ImageJ 1 bridge the same) writes what was chosen: a moved threshold as
	 * {@code threshold_mode=value threshold_value=…}, a typed rate as {@code threshold_mode=fpr target_fpr=…}.
	 */
	void apply(ThresholdPreview.State chosen) {
		threshold = chosen.threshold();
		if (chosen.mode() == ThresholdChoice.FPR) {
			threshold_mode = "fpr";
			target_fpr = chosen.fpr();
		} else {
			threshold_mode = "value";
			threshold_value = chosen.threshold();
		}
	}

	/** The live threshold dialog on the shown image; the state chosen, or null when cancelled. */
	private ThresholdPreview.State chooseLive(ImagePlus imp, List<ImagePlusPlanes.Plane> planes, List<FloatImage> images, List<AnomalyModel.Result> results,
			AnomalyModel model, ThresholdChoice choice) {
		if (!imp.isVisible()) imp.show();
		List<float[]> maps = results.stream().map(r -> r.score().channel(0)).toList();
		ThresholdPreview preview = new ThresholdPreview(maps, imp.getWidth(), imp.getHeight(), min_region_size, model::thresholdForFpr, model::fprForThreshold);
		ThresholdPreview.State start = choice == ThresholdChoice.FPR ? preview.atFpr(target_fpr) : preview.atThreshold(threshold);
		status.showStatus(title() + ": choose the threshold");
		return LiveThresholdDialog.show(imp, preview, start, s -> {
			Overlay o = new Overlay();
			for (Roi roi : rois(imp, planes, images, s.regions())) o.add(roi);
			return o;
		});
	}

	@Override
	protected void execute() throws Exception {
		ThresholdChoice choice = thresholdChoice();
		try (AnomalyModel model = openModel()) {
			threshold = threshold(choice, model);
			ImagePlus imp = imageOrActive(image_file, "image_file");
			List<ImagePlusPlanes.Plane> planes = ImagePlusPlanes.planes(imp, model.inputChannels());
			List<FloatImage> images = planes.stream().map(ImagePlusPlanes.Plane::image).toList();
			String stem = planes.size() == 1 ? images.get(0).name() : images.get(0).name().replaceAll("(_[zt]\\d+)+$", "");
			if (given(output_folder)) { // before scoring: a refused output costs no work
				OutputGuard guard = OutputGuard.fiji(overwrite).reads(image_file == null ? null : image_file.toPath(), "the image file this command reads (image_file)")
						.reads(model_file.toPath(), "the model file this command reads (model_file)");
				guard.checkFolder(output_folder.toPath());
				for (String suffix : DetectJob.OUTPUT_SUFFIXES) guard.checkFile(output_folder.toPath().resolve(stem + suffix), null);
			}
			List<AnomalyModel.Result> results = DetectJob.score(model, images, tile_size, progress());

			if (live_threshold && isInteractive()) {
				ThresholdPreview.State chosen = chooseLive(imp, planes, images, results, model, choice);
				if (chosen == null) throw new io.github.stad.engine.Progress.CancelledException();
				apply(chosen);
			}
			List<DetectJob.Segmentation> segmentations = new ArrayList<>();
			for (int i = 0; i < planes.size(); i++) segmentations.add(DetectJob.segment(images.get(i), results.get(i), threshold, min_region_size));
			List<Roi> rois = rois(imp, planes, images, segmentations.stream().map(DetectJob.Segmentation::regions).toList());
			Overlay overlay = new Overlay();
			for (Roi roi : rois) overlay.add(roi);
			region_count = rois.size();
			flagged = region_count > 0;
			image_score = segmentations.stream().mapToDouble(DetectJob.Segmentation::imageScore).max().orElse(Double.NaN);
			regions_table = ResultTables.of(ResultRows.REGIONS, ResultRows.regionRows(segmentations));
			images_table = ResultTables.of(ResultRows.IMAGES, segmentations.stream().map(DetectJob::imageRow).toList());

			if (given(output_folder)) {
				Files.createDirectories(output_folder.toPath());
				RoiSets.write(rois, output_folder.toPath().resolve(stem + "_rois.zip"));
				DetectJob.writeTables(segmentations, output_folder.toPath(), stem + "_");
			}
			imp.setOverlay(overlay);
			if (canShow() && !imp.isVisible()) imp.show();
			Tables.publish(regions_table, REGIONS_TABLE);
			Tables.publish(images_table, IMAGES_TABLE);
			if (hasGui() && !rois.isEmpty()) {
				RoiManager manager = RoiManager.getRoiManager(); // only here: the ROI Manager throws in a headless JVM
				for (Roi roi : rois) manager.addRoi(roi);
			}
			String summary = region_count + " region(s) at threshold " + String.format("%.3f", threshold) + ", image score " + String.format("%.3f", image_score);
			log.info(title() + ": " + imp.getTitle() + ": " + summary);
			status.showStatus(title() + ": " + summary);
		}
	}
}
