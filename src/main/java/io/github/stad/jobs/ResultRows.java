package io.github.stad.jobs;

import io.github.stad.engine.regions.Regions;
import io.github.stad.io.CsvFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The result tables of detection, one row type per table and one column list per file, so that
 * {@code scores.csv}, {@code images.csv}, {@code regions.csv} and the ImageJ results tables are made
 * from the same typed rows (never parsed back from strings).
 */
public final class ResultRows {

	/** One image: its score, whether any region reached the threshold, and why it failed if it did. */
	public record ImageRow(String image, float imageScore, double threshold, boolean flagged, int regions, int largestRegion, String error, boolean outputLost) {

		public static ImageRow of(String image, float imageScore, double threshold, List<Regions.Region> regions) {
			int largest = regions.stream().mapToInt(Regions.Region::area).max().orElse(0);
			return new ImageRow(image, imageScore, threshold, !regions.isEmpty(), regions.size(), largest, "", false);
		}

		public static ImageRow failed(String image, double threshold, String error) {
			return new ImageRow(image, Float.NaN, threshold, false, 0, 0, error, false);
		}

		/** Scored, but its outputs (map, overlay, ROI set) could not be written: an error of the run, not of the image. */
		public static ImageRow notWritten(String image, double threshold, String error) {
			return new ImageRow(image, Float.NaN, threshold, false, 0, 0, error, true);
		}

		public boolean failed() { return !error.isEmpty(); }
	}

	/** One region of one image. */
	public record RegionRow(String image, Regions.Region region) {}

	/**
	 * A column: its header and its typed value for a row (a Number, a Boolean written yes/no, a
	 * String, or null for an empty cell).
	 */
	public record Column<R>(String name, Function<R, Object> value) {}

	/**
	 * {@code scores.csv} of `stad score` and Batch Detect… (and its triage table). The first five columns
	 * are those of the first release, in that order, so that scripts reading them keep working; new
	 * columns go after them.
	 */
	public static final List<Column<ImageRow>> SCORES = List.of(
			new Column<>("image", ImageRow::image),
			new Column<>("image_score", r -> r.failed() ? null : r.imageScore()),
			new Column<>("anomalous", r -> r.failed() ? null : r.flagged()),
			new Column<>("regions", ImageRow::regions),
			new Column<>("error", ImageRow::error),
			new Column<>("largest_region_px", r -> r.failed() ? null : r.largestRegion()));

	/** Triage order: the highest image score first, images that failed last (in their input order). */
	public static final Comparator<ImageRow> BY_SCORE = Comparator.comparing((ImageRow r) -> r.failed())
			.thenComparing(Comparator.comparingDouble((ImageRow r) -> Float.isNaN(r.imageScore()) ? Double.NEGATIVE_INFINITY : r.imageScore()).reversed());

	/** {@code images.csv} of Segment Anomalies… and its "Anomaly Images" table. */
	public static final List<Column<ImageRow>> IMAGES = List.of(
			new Column<>("image", ImageRow::image),
			new Column<>("image_score", ImageRow::imageScore),
			new Column<>("threshold", ImageRow::threshold),
			new Column<>("flagged", ImageRow::flagged),
			new Column<>("regions", ImageRow::regions));

	/** {@code regions.csv} and the "Anomaly Regions" table: one row per region, all images together. */
	public static final List<Column<RegionRow>> REGIONS = List.of(
			new Column<>("image", RegionRow::image),
			new Column<>("region", r -> r.region().label()),
			new Column<>("area_px", r -> r.region().area()),
			new Column<>("mean_score", r -> r.region().meanScore()),
			new Column<>("max_score", r -> r.region().maxScore()),
			new Column<>("centroid_x", r -> r.region().centroidX()),
			new Column<>("centroid_y", r -> r.region().centroidY()),
			new Column<>("bbox_x", r -> r.region().x()),
			new Column<>("bbox_y", r -> r.region().y()),
			new Column<>("bbox_width", r -> r.region().width()),
			new Column<>("bbox_height", r -> r.region().height()));

	private ResultRows() {}

	/** The regions of every image as region rows. */
	public static List<RegionRow> regionRows(List<DetectJob.Segmentation> segmentations) {
		List<RegionRow> rows = new ArrayList<>();
		for (DetectJob.Segmentation s : segmentations) for (Regions.Region r : s.regions()) rows.add(new RegionRow(s.image(), r));
		return rows;
	}

	/** Header and rows as text, numbers with 4 decimals and in the root locale (a comma never becomes the decimal point). */
	public static <R> List<String[]> text(List<Column<R>> columns, List<R> rows) {
		List<String[]> out = new ArrayList<>();
		out.add(columns.stream().map(Column::name).toArray(String[]::new));
		for (R row : rows) out.add(columns.stream().map(c -> cell(c.value().apply(row))).toArray(String[]::new));
		return out;
	}

	public static <R> void writeCsv(List<Column<R>> columns, List<R> rows, Path file) throws IOException {
		CsvFiles.write(text(columns, rows), file);
	}

	static String cell(Object v) {
		if (v == null) return "";
		if (v instanceof Boolean b) return b ? "yes" : "no";
		if (v instanceof Float || v instanceof Double) {
			double d = ((Number) v).doubleValue();
			return Double.isNaN(d) ? "" : String.format(Locale.ROOT, "%.4f", d);
		}
		return v.toString();
	}
}
