package io.github.stad.jobs;

import io.github.stad.engine.Progress;
import io.github.stad.engine.TimeLeft;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.model.AnomalyModel;
import io.github.stad.engine.model.MapMode;
import io.github.stad.engine.model.ScaleModel;
import io.github.stad.engine.regions.Regions;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Scoring and segmenting images that are already in memory (Fiji's open images): the job behind
 * Detect Anomalies… and Segment Anomalies…. Knows nothing of windows or dialogs.
 */
public final class DetectJob {

	/** The regions of one image above a threshold. */
	public record Segmentation(String image, float imageScore, double threshold, List<Regions.Region> regions) {
		public boolean flagged() { return !regions.isEmpty(); }
	}

	private DetectJob() {}

	/** Scores every image, all checked first; the progress bar is shared out evenly. */
	public static List<AnomalyModel.Result> score(AnomalyModel model, List<FloatImage> images, int tileSize, Progress progress) {
		return model.scoreAll(images, tileSize, progress);
	}

	/** @param maps how the maps are computed; null: as the model was calibrated */
	public static List<AnomalyModel.Result> score(AnomalyModel model, List<FloatImage> images, int tileSize, MapMode maps, Progress progress) {
		return model.scoreAll(images, tileSize, BatchDetectJob.mapMode(model, maps, progress), new TimeLeft(progress, System::nanoTime));
	}

	public static Segmentation segment(FloatImage image, AnomalyModel.Result result, double threshold, int minArea) {
		if (minArea < 1) throw new IllegalArgumentException("The minimum region size must be at least 1 pixel, got " + minArea);
		List<Regions.Region> regions = Regions.find(result.score().channel(0), image.width(), image.height(), threshold, minArea);
		return new Segmentation(image.name(), result.imageScore(), threshold, regions);
	}

	/** The name of the anomaly map layer (the first one). */
	public static final String ANOMALY_LAYER = "anomaly (all scales)";

	/** The name of a scale's layer: its patch size and signal, e.g. "p=17 e (regression error)". */
	public static String layerName(int patchSize, char signal) {
		return switch (signal) {
			case 'e' -> "p=" + patchSize + " e (regression error)";
			case 'v' -> "p=" + patchSize + " v (student variance)";
			default -> throw new IllegalArgumentException("No signal '" + signal + "'; e or v");
		};
	}

	/**
	 * The further layers of a detection: e and v of every scale, in the order of the model's patch sizes,
	 * named by scale and signal ({@link #layerName}), so a user sees which scale flagged a region. Only the
	 * maps themselves; the anomaly map is the first layer of the result.
	 */
	public static List<FloatImage> layers(AnomalyModel.Result result, FloatImage image) {
		List<FloatImage> out = new ArrayList<>();
		for (Map.Entry<Integer, ScaleModel.Maps> e : result.perScale().entrySet()) {
			out.add(FloatImage.of(layerName(e.getKey(), 'e'), image.width(), image.height(), e.getValue().error()));
			out.add(FloatImage.of(layerName(e.getKey(), 'v'), image.width(), image.height(), e.getValue().variance()));
		}
		return out;
	}

	/** The per-image row of a segmentation. */
	public static ResultRows.ImageRow imageRow(Segmentation s) {
		return ResultRows.ImageRow.of(s.image(), s.imageScore(), s.threshold(), s.regions());
	}

	/** What Segment Anomalies… writes per image into its output folder, after the image's name. */
	public static final List<String> OUTPUT_SUFFIXES = List.of("_rois.zip", "_regions.csv", "_images.csv");

	/** Writes {@code PREFIXregions.csv} and {@code PREFIXimages.csv} into a folder; returns the two files. */
	public static List<Path> writeTables(List<Segmentation> segmentations, Path folder, String prefix) throws IOException {
		Path regions = folder.resolve(prefix + "regions.csv"), images = folder.resolve(prefix + "images.csv");
		ResultRows.writeCsv(ResultRows.REGIONS, ResultRows.regionRows(segmentations), regions);
		ResultRows.writeCsv(ResultRows.IMAGES, segmentations.stream().map(DetectJob::imageRow).toList(), images);
		return List.of(regions, images);
	}
}
