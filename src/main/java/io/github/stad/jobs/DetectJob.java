package io.github.stad.jobs;

import io.github.stad.engine.model.AnomalyModel;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.Progress;
import io.github.stad.engine.regions.Regions;
import io.github.stad.engine.model.ScaleModel;
import io.github.stad.io.MapWriters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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

	/** Scores every image; the progress bar is shared out evenly. */
	public static List<AnomalyModel.Result> score(AnomalyModel model, List<FloatImage> images, int tileSize, Progress progress) {
		if (images.isEmpty()) throw new IllegalArgumentException("No image to score");
		for (FloatImage image : images) model.checkCompatible(image); // refuse before the first long computation
		List<AnomalyModel.Result> results = new ArrayList<>();
		for (int i = 0; i < images.size(); i++) {
			progress.checkCancelled();
			progress.update("Scoring " + images.get(i).name() + " (" + (i + 1) + "/" + images.size() + ")", (double) i / images.size());
			results.add(model.score(images.get(i), tileSize, progress.range((double) i / images.size(), (i + 1.0) / images.size())));
		}
		progress.update("Scored " + images.size() + " image(s)", 1);
		return results;
	}

	public static Segmentation segment(FloatImage image, AnomalyModel.Result result, double threshold, int minArea) {
		if (minArea < 1) throw new IllegalArgumentException("The minimum region size must be at least 1 pixel, got " + minArea);
		List<Regions.Region> regions = Regions.find(result.score().channel(0), image.width(), image.height(), threshold, minArea);
		return new Segmentation(image.name(), result.imageScore(), threshold, regions);
	}

	/**
	 * The further layers of a detection: e and v of every scale, in the order of the model's patch sizes,
	 * with names such as "e p=17". Only the maps themselves; the anomaly map is the first layer of the result.
	 */
	public static List<FloatImage> layers(AnomalyModel.Result result, FloatImage image) {
		List<FloatImage> out = new ArrayList<>();
		for (Map.Entry<Integer, ScaleModel.Maps> e : result.perScale().entrySet()) {
			out.add(FloatImage.of("e p=" + e.getKey(), image.width(), image.height(), e.getValue().error()));
			out.add(FloatImage.of("v p=" + e.getKey(), image.width(), image.height(), e.getValue().variance()));
		}
		return out;
	}

	/** Header of the per-region table (one row per region, all images together). */
	public static final String[] REGION_COLUMNS = { "image", "region", "area_px", "mean_score", "max_score", "centroid_x", "centroid_y", "bbox_x", "bbox_y", "bbox_width", "bbox_height" };
	/** Header of the per-image table. */
	public static final String[] IMAGE_COLUMNS = { "image", "image_score", "threshold", "flagged", "regions" };

	public static List<String[]> regionRows(List<Segmentation> segmentations) {
		List<String[]> rows = new ArrayList<>();
		for (Segmentation s : segmentations) {
			for (Regions.Region r : s.regions()) {
				rows.add(new String[] { s.image(), Integer.toString(r.label()), Integer.toString(r.area()), num(r.meanScore()), num(r.maxScore()),
						num(r.centroidX()), num(r.centroidY()), Integer.toString(r.x()), Integer.toString(r.y()), Integer.toString(r.width()), Integer.toString(r.height()) });
			}
		}
		return rows;
	}

	public static List<String[]> imageRows(List<Segmentation> segmentations) {
		List<String[]> rows = new ArrayList<>();
		for (Segmentation s : segmentations) {
			rows.add(new String[] { s.image(), num(s.imageScore()), num(s.threshold()), s.flagged() ? "yes" : "no", Integer.toString(s.regions().size()) });
		}
		return rows;
	}

	/** Writes {@code regions.csv} and {@code images.csv} into a folder; returns the two files. */
	public static List<Path> writeTables(List<Segmentation> segmentations, Path folder, String prefix) throws IOException {
		java.nio.file.Files.createDirectories(folder);
		Path regions = folder.resolve(prefix + "regions.csv"), images = folder.resolve(prefix + "images.csv");
		List<String[]> r = new ArrayList<>();
		r.add(REGION_COLUMNS);
		r.addAll(regionRows(segmentations));
		MapWriters.writeCsv(r, regions);
		List<String[]> i = new ArrayList<>();
		i.add(IMAGE_COLUMNS);
		i.addAll(imageRows(segmentations));
		MapWriters.writeCsv(i, images);
		return List.of(regions, images);
	}

	static String num(double v) {
		return String.format(Locale.ROOT, "%.4f", v);
	}
}
