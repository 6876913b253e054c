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

	/** Maps computed by the model now, as {@code mode} says. */
	private static MapSource scoring(AnomalyModel model, int tileSize, MapMode mode) {
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

	/** What can be checked before the model is loaded or an image read (idempotent for one guard). */
	public static void checkOutputs(EvaluateRequest request) {
		OutputGuard guard = request.guard();
		guard.readsImages(request.tests());
		guard.checkFolder(request.outDir());
		guard.checkFile(request.outDir().resolve("metrics.json"), null);
		guard.checkFile(request.outDir().resolve("pro_curve.png"), null);
	}

	/** Scores the test set with the model now (in the request's map mode; null: as the model was calibrated) and evaluates the maps. */
	public static EvaluationReport run(AnomalyModel model, EvaluateRequest request, Progress progress) throws IOException {
		checkOutputs(request);
		MapMode mode = BatchDetectJob.mapMode(model, request.maps(), progress);
		return evaluate(scoring(model, request.tileSize(), mode), request, progress);
	}

	/** Evaluates the maps of a source, e.g. {@link #fromMaps} (the request's tile size and map mode are not used). */
	public static EvaluationReport run(MapSource maps, EvaluateRequest request, Progress progress) throws IOException {
		checkOutputs(request);
		return evaluate(maps, request, progress);
	}

	private static EvaluationReport evaluate(MapSource maps, EvaluateRequest request, Progress progress) throws IOException {
		List<ImageEntry> tests = request.tests();
		Path outDir = request.outDir();
		double maxFpr = request.maxFpr();
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
