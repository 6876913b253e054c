package io.github.stad.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains a complete {@link AnomalyModel} from anomaly-free images (METHOD.md): input
 * normalisation → per patch size: teacher, μ/σ of its descriptors, M students → validation
 * statistics of e and v → default threshold at a false-positive rate on validation pixels.
 */
public final class ModelTrainer {

	/** The trained model and the loss of every optimisation step, per "p=65 student 1" label. */
	public record Outcome(AnomalyModel model, Map<String, float[]> losses) {}

	private ModelTrainer() {}

	public static Outcome train(List<FloatImage> normal, List<FloatImage> validation, TrainingSettings settings,
			TeacherWeights.Source teachers, Map<String, String> provenance, Progress progress) {
		if (normal.isEmpty()) throw new IllegalArgumentException("No normal training images");
		if (validation.isEmpty()) throw new IllegalArgumentException("No validation images: give a separate set of anomaly-free images");
		int channels = normal.get(0).channels();
		int minSize = Arrays.stream(settings.patchSizes()).max().orElseThrow();
		for (FloatImage image : normal) AnomalyModel.checkCompatible(image, channels, minSize);
		for (FloatImage image : validation) AnomalyModel.checkCompatible(image, channels, minSize);

		long start = System.nanoTime();
		Device device = Djl.device(settings.useGpu());
		NDManager manager = NDManager.newBaseManager(device, Djl.engine().getEngineName());
		List<ScaleModel> scales = new ArrayList<>();
		Map<String, float[]> losses = new LinkedHashMap<>();
		Map<String, String> info = new LinkedHashMap<>(provenance);
		boolean ok = false;
		try {
			InputNormalisation normalisation = InputNormalisation.fit(normal);
			List<FloatImage> trainSet = normal.stream().map(normalisation::apply).toList();
			List<FloatImage> valSet = validation.stream().map(normalisation::apply).toList();
			int[] patchSizes = settings.patchSizes();
			double trainShare = 0.85; // of the progress bar; validation takes the rest
			for (int s = 0; s < patchSizes.length; s++) {
				int p = patchSizes[s];
				Progress scaleProgress = progress.range(trainShare * s / patchSizes.length, trainShare * (s + 1) / patchSizes.length);
				ScaleModel scale = trainScale(p, channels, trainSet, settings, teachers, manager, scaleProgress, losses);
				scales.add(scale);
				info.put("teacher.p" + p, scale.teacherSource());
			}

			// Validation statistics per scale, then the multi-scale score of every validation pixel.
			List<List<ScaleModel.Maps>> valMaps = new ArrayList<>();
			for (int s = 0; s < scales.size(); s++) {
				ScaleModel scale = scales.get(s);
				List<ScaleModel.Maps> maps = new ArrayList<>();
				for (int i = 0; i < valSet.size(); i++) {
					double from = trainShare + (1 - trainShare) * (s * valSet.size() + i) / (double) (scales.size() * valSet.size());
					progress.update("Validation: p=" + scale.architecture().patchSize() + ", image " + (i + 1) + "/" + valSet.size(), from);
					maps.add(scale.errorAndVariance(valSet.get(i), settings.tileSize(), progress));
				}
				scale.setStats(statistics(maps));
				valMaps.add(maps);
			}
			long valPixels = valSet.stream().mapToLong(i -> (long) i.width() * i.height()).sum();
			if (valPixels > Integer.MAX_VALUE) throw new IllegalArgumentException("Too many validation pixels; use fewer validation images");
			float[] valScores = new float[(int) valPixels];
			int offset = 0;
			for (int i = 0; i < valSet.size(); i++) {
				float[] total = new float[valSet.get(i).width() * valSet.get(i).height()];
				for (int s = 0; s < scales.size(); s++) AnomalyModel.addNormalisedScore(valMaps.get(s).get(i), scales.get(s).stats(), total);
				for (float v : total) valScores[offset++] = v / scales.size();
			}
			double threshold = quantile(valScores, 1 - settings.thresholdFpr());
			ThresholdTable table = ThresholdTable.fromScores(valScores);

			double seconds = (System.nanoTime() - start) / 1e9;
			info.put("trainedAt", Instant.now().toString());
			info.put("trainingSeconds", String.format("%.1f", seconds));
			info.put("normalImages", Integer.toString(normal.size()));
			info.put("validationImages", Integer.toString(validation.size()));
			info.put("seed", Long.toString(settings.seed()));
			info.put("epochs", Integer.toString(settings.epochs()));
			info.put("students", Integer.toString(settings.students()));
			info.put("engine", Djl.describe());
			info.put("device", device.toString());
			progress.update("Training finished in " + String.format("%.0f", seconds) + " s", 1);
			AnomalyModel model = new AnomalyModel(manager, normalisation, scales, threshold, settings.thresholdFpr(), table, info);
			ok = true;
			return new Outcome(model, losses);
		} finally {
			if (!ok) {
				for (ScaleModel s : scales) s.close();
				manager.close();
			}
		}
	}

	private static ScaleModel trainScale(int p, int channels, List<FloatImage> trainSet, TrainingSettings settings,
			TeacherWeights.Source teachers, NDManager manager, Progress progress, Map<String, float[]> losses) {
		Device device = manager.getDevice();
		TeacherWeights given = teachers.teacherFor(p, channels);
		DescriptorNet teacher;
		String source;
		if (given != null) {
			Architecture a = given.architecture();
			if (a.patchSize() != p || a.inputChannels() != channels) {
				throw new IllegalArgumentException("Teacher " + given.source() + " is for p=" + a.patchSize() + " with " + a.inputChannels()
						+ " channel(s), but p=" + p + " with " + channels + " channel(s) is needed");
			}
			teacher = DescriptorNet.fromWeights(a, given.weights(), manager, device);
			source = given.source();
		} else {
			Architecture a = new Architecture(p, channels, settings.width(), settings.descriptorDim());
			teacher = DescriptorNet.random(a, manager, device, settings.seed() * 7919 + p);
			source = "random (untrained teacher: anomaly maps will be poor)";
			progress.log("WARNING: no pretrained teacher for p=" + p + " with " + channels + " channel(s): using a RANDOMLY INITIALISED teacher. "
					+ "Results will be much worse than with a pretrained teacher; give one with --teacher (teacher_files in Fiji).");
		}
		Architecture arch = teacher.architecture();
		int d = arch.descriptorDim();
		double[] sum = new double[d], sumSq = new double[d];
		long count = 0;
		int stride = arch.outputStride();
		SplittableRandom offsets = new SplittableRandom(settings.seed() * 31 + p);
		for (int i = 0; i < trainSet.size(); i++) {
			progress.update("p=" + p + ": teacher descriptors of image " + (i + 1) + "/" + trainSet.size(), 0.05 * i / trainSet.size());
			count += ScaleModel.accumulateDescriptorStats(teacher, trainSet.get(i), offsets.nextInt(stride), offsets.nextInt(stride), settings.tileSize(), sum, sumSq, progress);
		}
		float[] mu = new float[d], sigma = new float[d];
		for (int k = 0; k < d; k++) {
			double m = sum[k] / count;
			mu[k] = (float) m;
			sigma[k] = (float) Math.sqrt(Math.max(sumSq[k] / count - m * m, 1e-12));
		}
		ScaleModel withoutStudents = new ScaleModel(teacher, List.of(), mu, sigma, null, source);
		List<DescriptorNet> students;
		try {
			long[] seeds = new long[settings.students()];
			for (int i = 0; i < seeds.length; i++) seeds[i] = settings.seed() * 1_000_003L + p * 101L + i;
			StudentTrainer.Result r = StudentTrainer.train(withoutStudents, trainSet, settings, seeds, progress.range(0.05, 1));
			students = r.students();
			for (int i = 0; i < students.size(); i++) losses.put("p=" + p + " student " + (i + 1), r.losses().get(i));
		} catch (RuntimeException e) {
			teacher.close();
			throw e;
		}
		return new ScaleModel(teacher, students, mu, sigma, null, source);
	}

	/** Mean and standard deviation of e and v over all pixels of the validation maps. */
	static ScaleModel.ScoreStats statistics(List<ScaleModel.Maps> maps) {
		double se = 0, se2 = 0, sv = 0, sv2 = 0;
		long n = 0;
		for (ScaleModel.Maps m : maps) {
			for (int i = 0; i < m.error().length; i++) {
				double e = m.error()[i], v = m.variance()[i];
				se += e; se2 += e * e; sv += v; sv2 += v * v;
			}
			n += m.error().length;
		}
		double em = se / n, vm = sv / n;
		double es = Math.sqrt(Math.max(se2 / n - em * em, 0));
		double vs = Math.sqrt(Math.max(sv2 / n - vm * vm, 0));
		if (es == 0) es = 1; // constant error: leave unscaled rather than divide by zero
		return new ScaleModel.ScoreStats(em, es, vm, vs);
	}

	/** The q-quantile (0..1) of the values (sorted copy; the input is not modified). */
	static double quantile(float[] values, double q) {
		float[] sorted = values.clone();
		Arrays.sort(sorted);
		int index = (int) Math.min(sorted.length - 1, Math.max(0, Math.floor(q * sorted.length)));
		return sorted[index];
	}
}
