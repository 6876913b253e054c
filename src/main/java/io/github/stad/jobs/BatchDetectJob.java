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

	private BatchDetectJob() {}

	public static List<ResultRows.ImageRow> run(AnomalyModel model, List<ImageEntry> inputs, Path outDir, Options options, Progress progress) throws IOException {
		if (inputs.isEmpty()) throw new IllegalArgumentException("No images to score");
		double threshold = Double.isNaN(options.threshold()) ? model.threshold() : options.threshold();
		for (ImageEntry e : inputs) {
			for (String suffix : new String[] { ".tif", "_overlay.png", "_rois.zip" }) {
				OutputGuard.refuseOverwrite(outputFolder(outDir, e).resolve(e.stem() + suffix), e.image());
			}
		}
		Files.createDirectories(outDir);
		List<ResultRows.ImageRow> rows = new ArrayList<>();
		int failures = 0;
		for (int i = 0; i < inputs.size(); i++) {
			progress.checkCancelled();
			ImageEntry entry = inputs.get(i);
			String label = label(entry);
			progress.update("Scoring " + label + " (" + (i + 1) + "/" + inputs.size() + ")", (double) i / inputs.size());
			try {
				FloatImage image = ImageReader.read(entry.image());
				AnomalyModel.Result result = model.score(image, options.tileSize(), progress.range((double) i / inputs.size(), (i + 1.0) / inputs.size()));
				List<Regions.Region> regions = Regions.find(result.score().channel(0), image.width(), image.height(), threshold, options.minArea());
				writeOutputs(image, result, regions, threshold, outputFolder(outDir, entry), entry.stem());
				rows.add(ResultRows.ImageRow.of(label, result.imageScore(), threshold, regions));
			} catch (IOException | IllegalArgumentException e) {
				failures++;
				progress.log("Skipped " + label + ": " + e.getMessage());
				rows.add(ResultRows.ImageRow.failed(label, threshold, e.getMessage()));
			}
		}
		rows.sort(ResultRows.BY_SCORE); // triage: the most anomalous first (a stable sort: ties and failures keep the input order)
		ResultRows.writeCsv(ResultRows.SCORES, rows, outDir.resolve("scores.csv"));
		progress.update("Scored " + (inputs.size() - failures) + " image(s)" + (failures > 0 ? ", " + failures + " failed (see scores.csv)" : ""), 1);
		return rows;
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
