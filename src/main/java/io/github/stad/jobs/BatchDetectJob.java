package io.github.stad.jobs;

import io.github.stad.engine.Progress;
import io.github.stad.engine.TimeLeft;
import io.github.stad.engine.files.AtomicFiles;
import io.github.stad.engine.files.OutputLock;
import io.github.stad.engine.files.WriteFailedException;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.model.AnomalyModel;
import io.github.stad.engine.model.MapMode;
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
 * {@code scores.csv}, sorted by image score (highest first, failures last). Images in type subfolders go to the same subfolder of the output. A file that
 * cannot be read or scored is reported in the CSV and the log, and the rest go on. The job behind
 * `stad score` and Batch Detect….
 */
public final class BatchDetectJob {

	/**
	 * The map mode to score with: the one asked for, else the model's; scoring in a mode the model was not
	 * calibrated in is allowed (to compare) with a line saying that its threshold was set on the other maps.
	 */
	public static MapMode mapMode(AnomalyModel model, MapMode asked, Progress progress) {
		if (asked == null || asked == model.mapMode()) return model.mapMode();
		progress.log("Scoring with " + asked.key() + " maps; the model was calibrated on " + model.mapMode().key()
				+ " maps, so its threshold and normalisation may be slightly off (train with the same map mode for a matched threshold)");
		return asked;
	}

	/** The files written per image, after its name without extension. */
	static final List<String> SUFFIXES = List.of(".tif", "_overlay.png", "_rois.zip");

	private BatchDetectJob() {}

	/**
	 * Everything that can be checked before the model is loaded or an image read (the values were checked
	 * when the request was built): the output folder, and every output file of the shard's images against
	 * the inputs, existing files and each other. Front ends call it first; {@link #run} calls it again
	 * (idempotent for one guard).
	 */
	public static void checkOutputs(ScoreRequest request) {
		OutputGuard guard = request.guard();
		Path outDir = request.outDir();
		Shard shard = request.shard();
		guard.readsImages(request.inputs());
		guard.checkFolder(outDir);
		for (ImageEntry e : mine(request.inputs(), shard)) {
			for (String suffix : SUFFIXES) guard.checkFile(outputFolder(outDir, e).resolve(e.stem() + suffix), label(e));
		}
		if (shard.isAll()) {
			guard.checkFile(outDir.resolve("scores.csv"), "the table scores.csv");
		} else {
			guard.checkFile(ScoreShards.csvFile(outDir, shard), "shard " + shard);
			guard.checkFile(ScoreShards.doneFile(outDir, shard), "shard " + shard);
		}
	}

	/** The images of one shard, in input order. */
	private static List<ImageEntry> mine(List<ImageEntry> inputs, Shard shard) {
		return shard.isAll() ? inputs : shard.select(inputs).stream().map(inputs::get).toList();
	}

	/**
	 * Scores every image of the shard; a file that cannot be read or scored, for whatever reason (a broken
	 * file, too large for memory, an engine error), becomes a row with its error and a log line, and the
	 * rest go on. The table (scores.csv, or the shard's scores-K-of-N.csv with its marker, merged by
	 * {@link ScoreShards#merge}) is written also when the run is cancelled, with the images done so far.
	 * Rerunning a shard with overwrite replaces only its own files.
	 */
	public static List<ResultRows.ImageRow> run(AnomalyModel model, ScoreRequest request, Progress progress) throws IOException {
		checkOutputs(request);
		Files.createDirectories(request.outDir());
		Path csv = request.shard().isAll() ? request.outDir().resolve("scores.csv") : ScoreShards.csvFile(request.outDir(), request.shard());
		// the table's lock stands for the run's outputs: a second run into this folder (or of this shard) is refused
		try (OutputLock lock = OutputLock.acquire(csv, "the results in", progress::log)) {
			checkOutputs(request); // again under the lock: a run that finished meanwhile left files
			return scoreAll(model, request, csv, progress);
		}
	}

	private static List<ResultRows.ImageRow> scoreAll(AnomalyModel model, ScoreRequest request, Path csv, Progress outer) throws IOException {
		TimeLeft progress = new TimeLeft(outer, System::nanoTime);
		List<ImageEntry> inputs = request.inputs();
		Path outDir = request.outDir();
		Shard shard = request.shard();
		double threshold = Double.isNaN(request.threshold()) ? model.threshold() : request.threshold();
		MapMode mode = mapMode(model, request.maps(), progress);
		List<Integer> positions = shard.isAll() ? null : shard.select(inputs);
		List<ImageEntry> mine = mine(inputs, shard);
		if (positions != null) ScoreShards.startShard(outDir, shard);
		List<ResultRows.ImageRow> rows = new ArrayList<>();
		int failures = 0;
		for (int i = 0; i < mine.size(); i++) {
			ImageEntry entry = mine.get(i);
			String label = label(entry);
			try {
				progress.checkCancelled();
				progress.update("Scoring " + label + " (" + (i + 1) + "/" + mine.size() + ")", (double) i / mine.size());
				FloatImage image = ImageReader.read(entry.image());
				AnomalyModel.Result result = model.score(image, request.tileSize(), mode, progress.range((double) i / mine.size(), (i + 1.0) / mine.size()));
				List<Regions.Region> regions = Regions.find(result.score().channel(0), image.width(), image.height(), threshold, request.minArea());
				writeOutputs(image, result, regions, threshold, outputFolder(outDir, entry), entry.stem());
				rows.add(ResultRows.ImageRow.of(label, result.imageScore(), threshold, regions));
				if (i == 0 && mine.size() > 1) progress.log(expectedTime(mine.size(), progress.elapsedSeconds(), image.width(), image.height()));
			} catch (Progress.CancelledException e) {
				rows.sort(ResultRows.BY_SCORE);
				ResultRows.writeCsv(ResultRows.SCORES, rows, csv); // a shard's CSV without its marker: the merge calls it unfinished
				throw new Progress.CancelledException("Cancelled after " + rows.size() + " of " + mine.size() + " image(s); " + csv + " lists those done");
			} catch (WriteFailedException e) {
				failures++;
				progress.log("Not written: " + label + ": " + e.getMessage());
				rows.add(ResultRows.ImageRow.notWritten(label, threshold, e.getMessage()));
			} catch (IOException | RuntimeException | OutOfMemoryError e) {
				failures++;
				String why = why(e);
				progress.log("Skipped " + label + ": " + why);
				rows.add(ResultRows.ImageRow.failed(label, threshold, why));
			}
		}
		if (positions == null) {
			rows.sort(ResultRows.BY_SCORE); // triage: the most anomalous first (a stable sort: ties and failures keep the input order)
			ResultRows.writeCsv(ResultRows.SCORES, rows, csv);
		} else {
			// what makes two shards parts of one run: the same images, threshold and minimum region; the merge sorts
			Map<String, String> settings = new LinkedHashMap<>();
			settings.put("threshold", Double.toString(threshold));
			settings.put("min_area", Integer.toString(request.minArea()));
			if (mode != MapMode.EXACT) settings.put("maps", mode.key()); // absent: exact, as in shards of earlier versions
			ScoreShards.writeShard(outDir, shard, inputs.size(), Shard.inputChecksum(inputs), settings, positions, rows);
		}
		progress.update("Scored " + (mine.size() - failures) + " image(s)" + (failures > 0 ? ", " + failures + " failed (see " + csv.getFileName() + ")" : ""), 1);
		return rows;
	}

	/**
	 * The time the whole set is expected to take, from the time the first image took (read, scored and
	 * written, on this machine with this model), the others taken to be of its size.
	 */
	static String expectedTime(int images, double firstSeconds, int width, int height) {
		double megapixels = (double) width * height / 1e6;
		return String.format(java.util.Locale.ROOT, "Expected time for the %d images: about %s (the first, %dx%d, took %s, %.1f s per megapixel; the others taken to be of its size)",
				images, TimeLeft.duration(firstSeconds * images), width, height, TimeLeft.duration(firstSeconds), firstSeconds / megapixels);
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
	private static void writeOutputs(FloatImage image, AnomalyModel.Result result, List<Regions.Region> regions, double threshold, Path folder, String stem) throws IOException {
		try {
			Files.createDirectories(folder);
			MapWriters.writeFloatTiff(result.score().withName(stem + "_anomaly"), folder.resolve(stem + ".tif"));
			double high = Math.max(threshold + 1, result.imageScore());
			MapWriters.writeOverlayPng(image, result.score().channel(0), threshold, high, folder.resolve(stem + "_overlay.png"));
			RoiSets.write(RoiSets.toRois(regions, image.width(), image.height()), folder.resolve(stem + "_rois.zip"));
		} catch (WriteFailedException e) {
			throw e;
		} catch (IOException e) { // e.g. the type subfolder cannot be made: still a write failure, not a bad image
			throw new WriteFailedException("Cannot write the outputs of " + stem + " into " + folder + ": " + AtomicFiles.reason(e), e);
		}
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
