package io.github.stad.engine.model;

import ai.djl.ndarray.NDManager;
import io.github.stad.engine.Memory;
import io.github.stad.engine.Progress;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.image.ImageChecks;
import io.github.stad.engine.image.InputNormalisation;
import io.github.stad.engine.image.Resampling;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained anomaly detector: the input normalisation, one {@link ScaleModel} per patch size, the
 * {@link Calibration} that turns their e/v maps into one anomaly map and a threshold, and the
 * provenance. Scores any image of the right channel count that is at least as large as the largest patch.
 */
public final class AnomalyModel implements AutoCloseable {

	/** The anomaly map of one image, with the per-scale e/v maps for users who want to look inside. */
	public record Result(FloatImage score, float imageScore, Map<Integer, ScaleModel.Maps> perScale) {}

	private final NDManager manager;
	private final InputNormalisation normalisation;
	private final List<ScaleModel> scales;
	private final Calibration calibration;
	private final Map<String, String> provenance;
	private final double processingScale;

	public AnomalyModel(NDManager manager, InputNormalisation normalisation, List<ScaleModel> scales, Calibration calibration, Map<String, String> provenance) {
		this(manager, normalisation, scales, calibration, provenance, 1);
	}

	/** @param processingScale images are scored as a copy resized by this factor (0 &lt; s ≤ 1), the maps returned at the input's size */
	public AnomalyModel(NDManager manager, InputNormalisation normalisation, List<ScaleModel> scales, Calibration calibration, Map<String, String> provenance,
			double processingScale) {
		if (!(processingScale > 0 && processingScale <= 1)) throw new IllegalArgumentException("The processing scale must lie in (0, 1], got " + processingScale);
		if (scales.size() != calibration.scales().size()) throw new IllegalArgumentException(scales.size() + " scales but a calibration of " + calibration.scales().size());
		int students = scales.get(0).students().size();
		for (ScaleModel s : scales) {
			if (s.students().size() != students) throw new IllegalArgumentException("Every scale needs the same number of students");
			if (s.architecture().inputChannels() != normalisation.channels()) throw new IllegalArgumentException("Networks and normalisation disagree on the channel count");
		}
		this.manager = manager;
		this.normalisation = normalisation;
		this.scales = List.copyOf(scales);
		this.calibration = calibration;
		this.provenance = new LinkedHashMap<>(provenance);
		this.processingScale = processingScale;
	}

	/** Where the networks live; a refined model takes it over with the teachers (ModelRefiner). */
	public NDManager manager() { return manager; }
	public InputNormalisation normalisation() { return normalisation; }
	public List<ScaleModel> scales() { return scales; }
	public Calibration calibration() { return calibration; }
	/** Default segmentation threshold: image level or a pixel rate ({@link Calibration#describeThreshold}). */
	public double threshold() { return calibration.threshold(); }
	public double thresholdFpr() { return calibration.thresholdFpr(); }
	/** The threshold that this fraction of normal validation pixels exceeds (e.g. 0.001 for 0.1 %). */
	public double thresholdForFpr(double fpr) { return calibration.thresholdForFpr(fpr); }
	/** The validation false-positive rate of a threshold; NaN when the model file does not record it. */
	public double fprForThreshold(double threshold) { return calibration.fprForThreshold(threshold); }
	public Map<String, String> provenance() { return provenance; }
	public int inputChannels() { return normalisation.channels(); }
	public int studentCount() { return scales.get(0).students().size(); }
	/** The factor by which images are resized before scoring (1: as they are). */
	public double processingScale() { return processingScale; }

	public int[] patchSizes() { return scales.stream().mapToInt(s -> s.architecture().patchSize()).toArray(); }

	/** Smallest image side the model accepts: reflection padding needs the (resized) image to be at least one patch. */
	public int minimumImageSize() {
		return minimumImageSize(scales.stream().mapToInt(s -> s.architecture().patchSize()).max().orElse(1), processingScale);
	}

	/** The smallest side that is at least {@code patch} pixels once resized by {@code scale}. */
	public static int minimumImageSize(int patch, double scale) {
		return (int) Math.ceil(patch / scale - 1e-9);
	}

	/** Refuses images the model cannot score, with a message that says what to do. */
	public void checkCompatible(FloatImage image) {
		ImageChecks.requireCompatible(image, inputChannels(), minimumImageSize());
		// Whole-image arrays: the normalised copy, e and v per scale, the sum and the map.
		double bytes = 4.0 * image.width() * image.height() * (inputChannels() + 2 * scales.size() + 3);
		Memory.requireHeap(bytes, image.name() + " (" + image.width() + "x" + image.height() + " pixels)",
				"give Java more memory (Edit > Options > Memory & Threads, or STAD_JAVA_OPTS=-Xmx…) or crop the image into parts");
	}

	/** The multi-scale anomaly map of one image (see {@link Calibration#combine}). */
	public Result score(FloatImage image, int tileSize, Progress progress) {
		checkCompatible(image);
		return scoreChecked(image, tileSize, progress);
	}

	/**
	 * Scores several images, all checked before the first long computation; the progress bar is
	 * shared out evenly.
	 */
	public List<Result> scoreAll(List<FloatImage> images, int tileSize, Progress progress) {
		if (images.isEmpty()) throw new IllegalArgumentException("No image to score");
		for (FloatImage image : images) checkCompatible(image);
		List<Result> results = new ArrayList<>();
		for (int i = 0; i < images.size(); i++) {
			progress.checkCancelled();
			progress.update("Scoring " + images.get(i).name() + " (" + (i + 1) + "/" + images.size() + ")", (double) i / images.size());
			results.add(scoreChecked(images.get(i), tileSize, progress.range((double) i / images.size(), (i + 1.0) / images.size())));
		}
		progress.update("Scored " + images.size() + " image(s)", 1);
		return results;
	}

	private Result scoreChecked(FloatImage image, int tileSize, Progress progress) {
		FloatImage scaled = processingScale == 1 ? image
				: Resampling.areaResize(image, Resampling.scaledSide(image.width(), processingScale), Resampling.scaledSide(image.height(), processingScale));
		FloatImage normalised = normalisation.apply(scaled);
		Map<Integer, ScaleModel.Maps> perScale = new LinkedHashMap<>();
		for (int s = 0; s < scales.size(); s++) {
			ScaleModel scale = scales.get(s);
			perScale.put(scale.architecture().patchSize(),
					scale.errorAndVariance(normalised, tileSize, progress.range((double) s / scales.size(), (s + 1.0) / scales.size())));
		}
		float[] total = calibration.combine(new ArrayList<>(perScale.values()));
		if (scaled != image) {
			total = toInputSize(total, scaled, image);
			for (Map.Entry<Integer, ScaleModel.Maps> e : perScale.entrySet()) {
				e.setValue(new ScaleModel.Maps(toInputSize(e.getValue().error(), scaled, image), toInputSize(e.getValue().variance(), scaled, image)));
			}
		}
		requireFinite(total, image);
		float max = Float.NEGATIVE_INFINITY;
		for (float v : total) max = Math.max(max, v);
		return new Result(FloatImage.of(image.name(), image.width(), image.height(), total), max, perScale);
	}

	/** Finite pixels far outside the training range (e.g. ±3·10³⁸) can overflow the networks: refused, never a map with holes. */
	private void requireFinite(float[] map, FloatImage image) {
		int bad = 0;
		for (float v : map) if (!Float.isFinite(v)) bad++;
		if (bad == 0) return;
		float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
		for (float[] channel : image.data()) for (float v : channel) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
		throw new IllegalArgumentException(image.name() + ": its pixel values (" + lo + " to " + hi + ") are too extreme for this model (trained on "
				+ normalisation + "): the anomaly map overflowed at " + bad + " pixel(s); rescale or clip the image to the range of the training images");
	}

	private static float[] toInputSize(float[] map, FloatImage scaled, FloatImage input) {
		return Resampling.bilinear(map, scaled.width(), scaled.height(), input.width(), input.height());
	}

	@Override
	public void close() {
		for (ScaleModel s : scales) s.close();
		manager.close();
	}
}
