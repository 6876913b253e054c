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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Score a set of images and write, per image {@code NAME.ext}: {@code NAME.tif} (32-bit anomaly map),
 * {@code NAME_overlay.png} and {@code NAME_rois.zip} (regions above the threshold), plus one
 * {@code scores.csv}. Images in type subfolders go to the same subfolder of the output. A file that
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
		return run(model, inputs, outDir, options, Shard.ALL, progress);
	}

	/**
	 * As above for one shard of the inputs ({@link Shard#ALL}: all of them, into scores.csv): the maps of
	 * the shard's images and {@code scores-K-of-N.csv} with its marker, merged by {@link ScoreShards#merge}.
	 * Rerunning a shard replaces only its own files. Returns the shard's rows.
	 */
	public static List<ResultRows.ImageRow> run(AnomalyModel model, List<ImageEntry> inputs, Path outDir, Options options, Shard shard, Progress progress) throws IOException {
		if (inputs.isEmpty()) throw new IllegalArgumentException("No images to score");
		double threshold = Double.isNaN(options.threshold()) ? model.threshold() : options.threshold();
		List<Integer> positions = shard.isAll() ? null : shard.select(inputs);
		List<ImageEntry> mine = positions == null ? inputs : positions.stream().map(inputs::get).toList();
		for (ImageEntry e : mine) {
			for (String suffix : new String[] { ".tif", "_overlay.png", "_rois.zip" }) {
				OutputGuard.refuseOverwrite(outputFolder(outDir, e).resolve(e.stem() + suffix), e.image());
			}
		}
		Files.createDirectories(outDir);
		if (positions != null) ScoreShards.startShard(outDir, shard);
		List<ResultRows.ImageRow> rows = new ArrayList<>();
		int failures = 0;
		for (int i = 0; i < mine.size(); i++) {
			progress.checkCancelled();
			ImageEntry entry = mine.get(i);
			String label = Shard.label(entry);
			progress.update("Scoring " + label + " (" + (i + 1) + "/" + mine.size() + ")", (double) i / mine.size());
			try {
				FloatImage image = ImageReader.read(entry.image());
				AnomalyModel.Result result = model.score(image, options.tileSize(), progress.range((double) i / mine.size(), (i + 1.0) / mine.size()));
				List<Regions.Region> regions = Regions.find(result.score().channel(0), image.width(), image.height(), threshold, options.minArea());
				writeOutputs(image, result, regions, threshold, outputFolder(outDir, entry), entry.stem());
				rows.add(ResultRows.ImageRow.of(label, result.imageScore(), threshold, regions));
			} catch (IOException | IllegalArgumentException e) {
				failures++;
				progress.log("Skipped " + label + ": " + e.getMessage());
				rows.add(ResultRows.ImageRow.failed(label, threshold, e.getMessage()));
			}
		}
		if (positions == null) {
			ResultRows.writeCsv(ResultRows.SCORES, rows, outDir.resolve("scores.csv"));
		} else {
			// what makes two shards parts of one run: the same images, threshold and minimum region
			Map<String, String> settings = new LinkedHashMap<>();
			settings.put("threshold", Double.toString(threshold));
			settings.put("min_area", Integer.toString(options.minArea()));
			ScoreShards.writeShard(outDir, shard, inputs.size(), Shard.inputChecksum(inputs), settings, positions, rows);
		}
		progress.update("Scored " + (mine.size() - failures) + " image(s)" + (failures > 0 ? ", " + failures + " failed (see " + (positions == null ? "scores.csv" : ScoreShards.csvFile(outDir, shard).getFileName()) + ")" : ""), 1);
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

	private static Path outputFolder(Path outDir, ImageEntry e) {
		return e.defectType().isEmpty() ? outDir : outDir.resolve(e.defectType());
	}
}
