package io.github.stad.engine;

import ai.djl.ndarray.NDManager;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained anomaly detector: the input normalisation, one {@link ScaleModel} per patch size, the
 * default segmentation threshold and the provenance. Scores any image of the right channel count
 * that is at least as large as the largest patch.
 */
public final class AnomalyModel implements AutoCloseable {

	/** The anomaly map of one image, with the per-scale e/v maps for users who want to look inside. */
	public record Result(FloatImage score, float imageScore, Map<Integer, ScaleModel.Maps> perScale) {}

	private final NDManager manager;
	private final InputNormalisation normalisation;
	private final List<ScaleModel> scales;
	private final double threshold;
	private final double thresholdFpr;
	private final ThresholdTable thresholdTable;
	private final Map<String, String> provenance;

	public AnomalyModel(NDManager manager, InputNormalisation normalisation, List<ScaleModel> scales, double threshold, double thresholdFpr, Map<String, String> provenance) {
		this(manager, normalisation, scales, threshold, thresholdFpr, null, provenance);
	}

	/** @param thresholdTable validation score quantiles for thresholds at other false-positive rates; null if unknown */
	public AnomalyModel(NDManager manager, InputNormalisation normalisation, List<ScaleModel> scales, double threshold, double thresholdFpr,
			ThresholdTable thresholdTable, Map<String, String> provenance) {
		this.thresholdTable = thresholdTable;
		this.manager = manager;
		this.normalisation = normalisation;
		this.scales = List.copyOf(scales);
		this.threshold = threshold;
		this.thresholdFpr = thresholdFpr;
		this.provenance = new LinkedHashMap<>(provenance);
	}

	public InputNormalisation normalisation() { return normalisation; }
	public List<ScaleModel> scales() { return scales; }
	/** Default segmentation threshold: this fraction of normal validation pixels lies above it. */
	public double threshold() { return threshold; }
	public double thresholdFpr() { return thresholdFpr; }
	/** Validation score quantiles, or null for models saved before they were recorded. */
	public ThresholdTable thresholdTable() { return thresholdTable; }

	/** The threshold that this fraction of normal validation pixels exceeds (e.g. 0.001 for 0.1 %). */
	public double thresholdForFpr(double fpr) {
		if (!(fpr > 0 && fpr < 1)) throw new IllegalArgumentException("The target false-positive rate must lie between 0 and 1 (e.g. 0.01 for 1 %), got " + fpr);
		if (fpr == thresholdFpr) return threshold;
		if (thresholdTable == null) {
			throw new IllegalArgumentException("This model file records only the threshold at " + thresholdFpr * 100
					+ " % false positives; give a threshold value instead, or retrain the model to choose another false-positive rate");
		}
		return thresholdTable.thresholdFor(fpr);
	}
	public Map<String, String> provenance() { return provenance; }
	public int inputChannels() { return normalisation.channels(); }
	public int studentCount() { return scales.get(0).students().size(); }

	public int[] patchSizes() { return scales.stream().mapToInt(s -> s.architecture().patchSize()).toArray(); }

	/** Smallest image side the model accepts: reflection padding needs the image to be at least one patch. */
	public int minimumImageSize() { return scales.stream().mapToInt(s -> s.architecture().patchSize()).max().orElse(1); }

	/** Refuses images the model cannot score, with a message that says what to do. */
	public void checkCompatible(FloatImage image) {
		checkCompatible(image, inputChannels(), minimumImageSize());
	}

	static void checkCompatible(FloatImage image, int channels, int minSize) {
		if (image.channels() != channels) {
			throw new IllegalArgumentException(image.name() + " has " + image.channels() + " channel(s) but the model was trained on "
					+ (channels == 1 ? "grayscale (1-channel)" : channels + "-channel (RGB)") + " images; convert it (Image > Type) or train a model for this kind of image");
		}
		if (image.width() < minSize || image.height() < minSize) {
			throw new IllegalArgumentException(image.name() + " is " + image.width() + "x" + image.height() + " pixels, smaller than the largest patch ("
					+ minSize + "x" + minSize + "); use larger images or smaller patch sizes");
		}
		for (float[] channel : image.data()) {
			for (float v : channel) {
				if (!Float.isFinite(v)) throw new IllegalArgumentException(image.name() + " contains NaN or infinite pixels; replace them (Process > Math > Remove NaNs) first");
			}
		}
	}

	/** The multi-scale anomaly map: per scale (e − ē)/σe + (v − v̄)/σv, averaged over scales. */
	public Result score(FloatImage image, int tileSize, Progress progress) {
		checkCompatible(image);
		FloatImage normalised = normalisation.apply(image);
		int n = image.width() * image.height();
		float[] total = new float[n];
		Map<Integer, ScaleModel.Maps> perScale = new LinkedHashMap<>();
		for (int s = 0; s < scales.size(); s++) {
			ScaleModel scale = scales.get(s);
			ScaleModel.Maps maps = scale.errorAndVariance(normalised, tileSize, progress.range((double) s / scales.size(), (s + 1.0) / scales.size()));
			perScale.put(scale.architecture().patchSize(), maps);
			addNormalisedScore(maps, scale.stats(), total);
		}
		float max = Float.NEGATIVE_INFINITY;
		for (int i = 0; i < n; i++) {
			total[i] /= scales.size();
			max = Math.max(max, total[i]);
		}
		return new Result(FloatImage.of(image.name(), image.width(), image.height(), total), max, perScale);
	}

	/** Adds (e − ē)/σe + (v − v̄)/σv to {@code total}; with one student only e counts. */
	static void addNormalisedScore(ScaleModel.Maps maps, ScaleModel.ScoreStats stats, float[] total) {
		boolean useVariance = stats.varianceStd() > 0;
		for (int i = 0; i < total.length; i++) {
			double score = (maps.error()[i] - stats.errorMean()) / stats.errorStd();
			if (useVariance) score += (maps.variance()[i] - stats.varianceMean()) / stats.varianceStd();
			total[i] += (float) score;
		}
	}

	@Override
	public void close() {
		for (ScaleModel s : scales) s.close();
		manager.close();
	}
}
