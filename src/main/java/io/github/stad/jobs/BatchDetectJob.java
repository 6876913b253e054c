package io.github.stad.jobs;

import io.github.stad.engine.Progress;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.model.AnomalyModel;
import io.github.stad.engine.regions.Regions;
import io.github.stad.io.ImageEntry;
import io.github.stad.io.ImageReader;
import io.github.stad.io.MapWriters;
import io.github.stad.io.RoiSets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Score a set of images and write, per image {@code NAME.ext}: {@code NAME.tif} (32-bit anomaly map),
 * {@code NAME_overlay.png} and {@code NAME_rois.zip} (regions above the threshold), plus one
 * {@code scores.csv}, sorted by image score (highest first, failures last). Images in type subfolders go to the same subfolder of the output. A file that
 * cannot be read or scored is reported in the CSV and the log, and the rest go on. The job behind
 * `stad score` and Batch Detect….
 */
public final class BatchDetectJob {

	/** @param threshold segmentation threshold; NaN means the model's default */
	public record Options(double threshold, int minArea, int tileSize) {
		public static Options defaults() { return new Options(Double.NaN, 10, 256); }
	}

	/** The files written per image, after its name without extension. */
	static final List<String> SUFFIXES = List.of(".tif", "_overlay.png", "_rois.zip");

	private BatchDetectJob() {}

	public static List<ResultRows.ImageRow> run(AnomalyModel model, List<ImageEntry> inputs, Path outDir, Options options, Progress progress) throws IOException {
		return run(model, inputs, outDir, options, OutputGuard.noOverwrite(), progress);
	}

	/**
	 * Everything that can be checked before the model is loaded or an image read: the options, the
	 * output folder, and every output file against the inputs, existing files and each other. Front
	 * ends call it first; {@link #run} calls it again (it is idempotent for one guard).
	 */
	public static void checkOutputs(List<ImageEntry> inputs, Path outDir, Options options, OutputGuard guard) {
		if (inputs.isEmpty()) throw new IllegalArgumentException("No images to score");
		if (options.tileSize() < ArgumentChecks.MIN_TILE) throw new IllegalArgumentException("The tile size must be at least " + ArgumentChecks.MIN_TILE + " pixels, got " + options.tileSize());
		if (options.minArea() < 1) throw new IllegalArgumentException("The minimum region size must be at least 1 pixel, got " + options.minArea());
		if (Double.isInfinite(options.threshold())) throw new IllegalArgumentException("Give a finite threshold, got " + options.threshold());
		guard.readsImages(inputs);
		guard.checkFolder(outDir);
		for (ImageEntry e : inputs) {
			for (String suffix : SUFFIXES) guard.checkFile(outputFolder(outDir, e).resolve(e.stem() + suffix), label(e));
		}
		guard.checkFile(outDir.resolve("scores.csv"), "the table scores.csv");
	}

	/**
	 * Scores every image; a file that cannot be read or scored, for whatever reason (a broken file, too
	 * large for memory, an engine error), becomes a row with its error and a log line, and the rest go on.
	 * scores.csv is written also when the run is cancelled, with the images done so far.
	 */
	public static List<ResultRows.ImageRow> run(AnomalyModel model, List<ImageEntry> inputs, Path outDir, Options options, OutputGuard guard, Progress progress)
			throws IOException {
		checkOutputs(inputs, outDir, options, guard);
		double threshold = Double.isNaN(options.threshold()) ? model.threshold() : options.threshold();
		Files.createDirectories(outDir);
		Path csv = outDir.resolve("scores.csv");
		List<ResultRows.ImageRow> rows = new ArrayList<>();
		int failures = 0;
		for (int i = 0; i < inputs.size(); i++) {
			ImageEntry entry = inputs.get(i);
			String label = label(entry);
			try {
				progress.checkCancelled();
				progress.update("Scoring " + label + " (" + (i + 1) + "/" + inputs.size() + ")", (double) i / inputs.size());
				FloatImage image = ImageReader.read(entry.image());
				AnomalyModel.Result result = model.score(image, options.tileSize(), progress.range((double) i / inputs.size(), (i + 1.0) / inputs.size()));
				List<Regions.Region> regions = Regions.find(result.score().channel(0), image.width(), image.height(), threshold, options.minArea());
				writeOutputs(image, result, regions, threshold, outputFolder(outDir, entry), entry.stem());
				rows.add(ResultRows.ImageRow.of(label, result.imageScore(), threshold, regions));
			} catch (Progress.CancelledException e) {
				rows.sort(ResultRows.BY_SCORE);
				ResultRows.writeCsv(ResultRows.SCORES, rows, csv);
				throw new Progress.CancelledException("Cancelled after " + rows.size() + " of " + inputs.size() + " image(s); " + csv + " lists those done");
			} catch (IOException | RuntimeException | OutOfMemoryError e) {
				failures++;
				String why = why(e);
				progress.log("Skipped " + label + ": " + why);
				rows.add(ResultRows.ImageRow.failed(label, threshold, why));
			}
		}
		rows.sort(ResultRows.BY_SCORE); // triage: the most anomalous first (a stable sort: ties and failures keep the input order)
		ResultRows.writeCsv(ResultRows.SCORES, rows, csv);
		progress.update("Scored " + (inputs.size() - failures) + " image(s)" + (failures > 0 ? ", " + failures + " failed (see scores.csv)" : ""), 1);
		return rows;
	}

	/** One line for a per-image failure: the message of bad input as it is, others with what they were. */
	static String why(Throwable e) {
		if (e instanceof OutOfMemoryError) return "not enough memory to score this image; give Java more memory or crop the image into parts";
		if (e instanceof java.nio.file.NoSuchFileException n && n.getReason() != null) return n.getReason();
		String m = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage().strip().lines().findFirst().orElse("");
		boolean expected = e instanceof IOException || e instanceof IllegalArgumentException || e instanceof IllegalStateException;
		return expected ? m : "unexpected " + e.getClass().getSimpleName() + ": " + m;
	}

	/** The three per-image outputs. */
	public static void writeOutputs(FloatImage image, AnomalyModel.Result result, List<Regions.Region> regions, double threshold, Path folder, String stem) throws IOException {
		Files.createDirectories(folder);
		MapWriters.writeFloatTiff(result.score().withName(stem + "_anomaly"), folder.resolve(stem + ".tif"));
		double high = Math.max(threshold + 1, result.imageScore());
		MapWriters.writeOverlayPng(image, result.score().channel(0), threshold, high, folder.resolve(stem + "_overlay.png"));
		RoiSets.write(RoiSets.toRois(regions, image.width(), image.height()), folder.resolve(stem + "_rois.zip"));
	}

	/** The name of an image in the result rows: its file name, after its type subfolder if it has one. */
	public static String label(ImageEntry entry) {
		return entry.defectType().isEmpty() ? entry.image().getFileName().toString() : entry.defectType() + "/" + entry.image().getFileName();
	}

	/** Where the outputs of an image go: the output folder, or its subfolder of the image's type. */
	public static Path outputFolder(Path outDir, ImageEntry e) {
		return e.defectType().isEmpty() ? outDir : outDir.resolve(e.defectType());
	}
}
