package io.github.stad.jobs;

import io.github.stad.engine.Progress;
import io.github.stad.engine.eval.EvaluationReport;
import io.github.stad.engine.eval.ProCurvePlot;
import io.github.stad.engine.eval.ScoredImage;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.model.AnomalyModel;
import io.github.stad.engine.model.MapMode;
import io.github.stad.io.ImageEntry;
import io.github.stad.io.ImageReader;
import io.github.stad.io.ImageSets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Score a test set with ground truth (or read the maps a batch detection already wrote) and write
 * {@code metrics.json} and {@code pro_curve.png}.
 */
public final class EvaluateJob {

	/** Where the anomaly map of a test image comes from. */
	@FunctionalInterface
	public interface MapSource {
		float[] map(ImageEntry entry, FloatImage image) throws IOException;
	}

	private EvaluateJob() {}

	/** Maps computed by the model now. */
	public static MapSource scoring(AnomalyModel model, int tileSize) {
		return scoring(model, tileSize, model.mapMode());
	}

	/** Maps computed by the model now, as {@code mode} says. */
	public static MapSource scoring(AnomalyModel model, int tileSize, MapMode mode) {
		return (entry, image) -> model.score(image, tileSize, mode, Progress.NONE).score().channel(0);
	}

	/**
	 * The maps that {@code stad score} / Batch Detect… wrote into {@code folder} for the same set
	 * ({@code NAME.tif}, in the type subfolders), so a test set is not scored twice.
	 */
	public static MapSource fromMaps(Path folder) {
		return (entry, image) -> {
			Path file = BatchDetectJob.outputFolder(folder, entry).resolve(entry.stem() + ".tif");
			if (!Files.isRegularFile(file)) {
				throw new IOException("No anomaly map for " + BatchDetectJob.label(entry) + " in " + folder + " (expected " + file
						+ "); score the same test set into that folder first (stad score --out " + folder + ")");
			}
			FloatImage map = ImageReader.read(file);
			if (map.width() != image.width() || map.height() != image.height() || map.channels() != 1) {
				throw new IOException(file + " is " + map.width() + "x" + map.height() + " with " + map.channels() + " channel(s), not the 1-channel map of "
						+ BatchDetectJob.label(entry) + " (" + image.width() + "x" + image.height() + "); score the test set again");
			}
			return map.channel(0);
		};
	}

	/** @param tests entries with masks already matched (defect-free images have none) */
	public static EvaluationReport run(AnomalyModel model, List<ImageEntry> tests, Path outDir, double maxFpr, int tileSize, Progress progress) throws IOException {
		return run(model, tests, outDir, maxFpr, tileSize, OutputGuard.noOverwrite(), progress);
	}

	/** What can be checked before the model is loaded or an image read (idempotent for one guard). */
	public static void checkOutputs(List<ImageEntry> tests, Path outDir, double maxFpr, int tileSize, OutputGuard guard) {
		if (tests.isEmpty()) throw new IllegalArgumentException("No test images");
		if (!(maxFpr > 0 && maxFpr <= 1)) throw new IllegalArgumentException("The false-positive rate to integrate PRO up to must lie between 0 and 1 (1 included), got " + maxFpr);
		if (tileSize < ArgumentChecks.MIN_TILE) throw new IllegalArgumentException("The tile size must be at least " + ArgumentChecks.MIN_TILE + " pixels, got " + tileSize);
		guard.readsImages(tests);
		guard.checkFolder(outDir);
		guard.checkFile(outDir.resolve("metrics.json"), null);
		guard.checkFile(outDir.resolve("pro_curve.png"), null);
	}

	public static EvaluationReport run(AnomalyModel model, List<ImageEntry> tests, Path outDir, double maxFpr, int tileSize, OutputGuard guard, Progress progress)
			throws IOException {
		return run(model, tests, outDir, maxFpr, tileSize, null, guard, progress);
	}

	/** @param maps how the maps are computed; null: as the model was calibrated */
	public static EvaluationReport run(AnomalyModel model, List<ImageEntry> tests, Path outDir, double maxFpr, int tileSize, MapMode maps, OutputGuard guard,
			Progress progress) throws IOException {
		checkOutputs(tests, outDir, maxFpr, tileSize, guard);
		MapMode mode = BatchDetectJob.mapMode(model, maps, progress);
		return run(scoring(model, tileSize, mode), tests, outDir, maxFpr, progress);
	}

	/** Evaluates the maps of a source; {@link #checkOutputs} must have passed. */
	public static EvaluationReport run(MapSource maps, List<ImageEntry> tests, Path outDir, double maxFpr, Progress progress) throws IOException {
		List<ScoredImage> scored = new ArrayList<>();
		for (int i = 0; i < tests.size(); i++) {
			progress.checkCancelled();
			ImageEntry e = tests.get(i);
			progress.update("Evaluating " + e.image().getFileName() + " (" + (i + 1) + "/" + tests.size() + ")", (double) i / tests.size());
			FloatImage image = ImageReader.read(e.image());
			float[] map = maps.map(e, image);
			boolean[] mask = e.hasMask() ? ImageSets.readMask(e.mask(), image.width(), image.height()) : null;
			String type = e.defectType().isEmpty() ? (mask == null ? "good" : "defect") : e.defectType();
			scored.add(new ScoredImage(e.image().getFileName().toString(), type, image.width(), image.height(), map, mask));
		}
		progress.update("Computing metrics", 0.99);
		EvaluationReport report = EvaluationReport.compute(scored, maxFpr);
		Files.createDirectories(outDir);
		report.writeJson(outDir.resolve("metrics.json"));
		if (report.overallCurve() != null) {
			ProCurvePlot.writePng(report.overallCurve(), maxFpr, "PRO curve (" + tests.size() + " images)", outDir.resolve("pro_curve.png"));
		}
		progress.update("Evaluation done", 1);
		return report;
	}
}
