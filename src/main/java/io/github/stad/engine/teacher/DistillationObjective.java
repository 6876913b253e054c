package io.github.stad.engine.teacher;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.image.InputNormalisation;
import io.github.stad.engine.image.PaddedCrops;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.DescriptorNet;
import io.github.stad.engine.net.TeacherWeights;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Dense distillation ({@code --mode distil}): the teacher learns to predict, at every pixel, the feature a
 * pretrained network P computes there (METHOD.md's Lk, in the dense form EfficientAD distils its PDN with).
 * Each step runs the strided teacher over B photograph crops; every output grid point is an example whose
 * target is P's feature at that pixel, read bilinearly from the precomputed map ({@link DistillationTargets},
 * exact geometry) and standardised per channel. Loss λk·‖D(T) − P̂‖² (D a linear decoder trained beside
 * the teacher, kept in checkpoints) + λc·Lc on the descriptors. The learning rate warms up and decays on a
 * cosine as in the dense trainer. Crops are not augmented: P's target is only known for the photograph as it is.
 */
public final class DistillationObjective implements TeacherObjective {

	private final List<FloatImage> images;
	private final List<DistillationTargets.FeatureMap> maps;
	private final DistillationTargets targets;
	private final TeacherSettings s;
	private final TeacherStart start;
	private final Architecture arch;
	/** Indices of the photographs that hold at least one crop. */
	private final int[] usable;
	private InputNormalisation normalisation;
	private DescriptorNet teacher;
	private NDArray decoderWeight, decoderBias;

	/**
	 * @param maps    P's map of each photograph, in the order of {@code images}
	 * @param initial a teacher to start from instead of random weights, or null; ignored when resuming
	 */
	public DistillationObjective(List<FloatImage> images, DistillationTargets targets, List<DistillationTargets.FeatureMap> maps, TeacherSettings s, TeacherWeights initial) {
		if (!(s.losses().lambdaK() > 0)) throw new IllegalArgumentException("Distillation trains Lk: give it a positive weight (--lambda-k, default 1)");
		if (s.losses().lambdaM() > 0) throw new IllegalArgumentException("The distil mode trains Lk and Lc only: set --lambda-m 0 (the paper distils with λm = 0)");
		if (maps.size() != images.size()) throw new IllegalArgumentException(images.size() + " photographs but " + maps.size() + " target maps");
		this.images = images;
		this.targets = targets;
		this.maps = maps;
		this.s = s;
		this.arch = new Architecture(s.patchSize(), images.get(0).channels(), s.network().width(), s.network().descriptorDim());
		this.start = new TeacherStart(arch, initial, s.seed());
		this.usable = usablePhotographs();
	}

	/** The photographs large enough for one crop with targets, in order; refuses a set without any. */
	private int[] usablePhotographs() {
		int[] usable = java.util.stream.IntStream.range(0, images.size()).filter(k -> origins(images.get(k), maps.get(k)) != null).toArray();
		if (usable.length == 0) {
			int n = DescriptorNet.stridedInputSize(arch, s.dense().grid());
			throw new IllegalArgumentException("No photograph is large enough for " + n + "-pixel crops whose grid points all have targets; use a smaller --grid");
		}
		return usable;
	}

	@Override
	public String note() {
		int skipped = images.size() - usable.length;
		return skipped == 0 ? null : skipped + " of " + images.size() + " photographs are too small for " + DescriptorNet.stridedInputSize(arch, s.dense().grid())
				+ "-pixel crops with targets and are left out";
	}

	@Override public String mode() { return "distil"; }
	@Override public TeacherSettings settings() { return s; }
	@Override public Architecture architecture() { return arch; }
	@Override public InputNormalisation fitNormalisation() { return InputNormalisation.fit(images); }

	@Override
	public void describe(TeacherCheckpoint.State state) {
		state.recordBatches(s.dense());
		state.targets = targets.describe();
	}

	@Override
	public String mismatch(TeacherCheckpoint.State state, List<float[]> extras) {
		if (state.batchesDiffer(s.dense()) != null) return state.batchesDiffer(s.dense());
		if (!targets.describe().equals(state.targets)) return "targets " + state.targets;
		return extras == null || extras.size() != 2 ? "no decoder" : null;
	}

	@Override
	public List<NDArray> prepare(InputNormalisation normalisation, Resumed resumed, NDManager manager, Device device) {
		this.normalisation = normalisation;
		teacher = start.network(resumed, manager, device);
		int k = targets.channels(), d = arch.descriptorDim();
		if (resumed != null) {
			decoderWeight = manager.create(resumed.extras().get(0), new Shape(k, d));
			decoderBias = manager.create(resumed.extras().get(1), new Shape(k));
		} else {
			decoderWeight = manager.create(uniform(k * d, 1 / Math.sqrt(d), s.seed() + 17), new Shape(k, d));
			decoderBias = manager.zeros(new Shape(k));
		}
		List<NDArray> params = new ArrayList<>(teacher.parameters());
		params.add(decoderWeight);
		params.add(decoderBias);
		for (NDArray p : params) p.setRequiresGradient(true);
		return params;
	}

	private static float[] uniform(int count, double bound, long seed) {
		SplittableRandom r = new SplittableRandom(seed);
		float[] w = new float[count];
		for (int i = 0; i < count; i++) w[i] = (float) r.nextDouble(-bound, bound);
		return w;
	}

	@Override
	public StepLoss loss(int step, NDManager sub) {
		Batch batch = sample(step);
		int n = DescriptorNet.stridedInputSize(arch, s.dense().grid());
		NDArray out = teacher.strided(sub.create(batch.crops(), new Shape(s.dense().crops(), arch.inputChannels(), n, n)));
		NDArray descriptors = out.transpose(0, 2, 3, 1).reshape(-1, arch.descriptorDim());
		NDArray decoded = descriptors.matMul(decoderWeight.transpose()).add(decoderBias);
		float[] loss = new float[4];
		NDArray lk = TeacherLosses.distillation(decoded, sub.create(batch.targets(), new Shape(batch.targets().length / targets.channels(), targets.channels())));
		loss[1] = lk.getFloat();
		NDArray total = lk.mul(s.losses().lambdaK());
		if (s.losses().lambdaC() > 0) {
			NDArray lc = TeacherLosses.compactness(descriptors);
			loss[3] = lc.getFloat();
			total = total.add(lc.mul(s.losses().lambdaC()));
		}
		return new StepLoss(total, loss, String.format("Lk %.4f, Lc %.4f", loss[1], loss[3]));
	}

	@Override
	public float learningRate(float peak, int step, int planned) { return DenseObjective.learningRate(peak, step, s.dense().warmup(), planned); }

	@Override
	public List<float[]> teacherWeights() { return teacher.exportWeights(); }

	@Override
	public List<float[]> extras() { return List.of(decoderWeight.toFloatArray(), decoderBias.toFloatArray()); }

	/**
	 * A step's crops [B, C, n, n] (normalised), their photographs and top-left pixels, and the targets, rows
	 * (crop·G + i)·G + j, standardised per channel.
	 */
	record Batch(float[] crops, int[] image, int[] x, int[] y, float[] targets) {}

	/** The crops of step {@code step}: a pure function of (seed, step). */
	Batch sample(int step) {
		int g = s.dense().grid(), b = s.dense().crops(), c = arch.inputChannels(), k = targets.channels();
		int n = DescriptorNet.stridedInputSize(arch, g), per = c * n * n;
		float[] crops = new float[b * per], out = new float[b * g * g * k];
		int[] image = new int[b], xs = new int[b], ys = new int[b];
		SplittableRandom stepRandom = new SplittableRandom(s.seed() * 0x9E3779B97F4A7C15L + step);
		for (int crop = 0; crop < b; crop++) {
			SplittableRandom r = stepRandom.split();
			int index = usable[r.nextInt(usable.length)];
			int[] range = origins(images.get(index), maps.get(index));
			int x = range[0] + r.nextInt(range[1] - range[0] + 1), y = range[2] + r.nextInt(range[3] - range[2] + 1);
			PaddedCrops.window(images.get(index), x, y, n, n, crops, crop * per);
			normalisation.applyInPlace(crops, crop * per, n * n);
			fillTargets(maps.get(index), x, y, out, crop * g * g * k);
			image[crop] = index;
			xs[crop] = x;
			ys[crop] = y;
		}
		return new Batch(crops, image, xs, ys, out);
	}

	/** The standardised targets of one crop's grid points, bilinear in P's map. */
	private void fillTargets(DistillationTargets.FeatureMap map, int x, int y, float[] out, int offset) {
		int g = s.dense().grid(), k = targets.channels(), stride = arch.outputStride();
		double centre = (arch.receptiveField() - 1) / 2.0;
		float[] mean = targets.mean(), std = targets.std();
		DistillationTargets.Geometry geo = targets.geometry();
		for (int i = 0; i < g; i++) {
			Axis ay = Axis.at((y + stride * i + centre - geo.offsetY()) / geo.strideY(), map.height());
			for (int j = 0; j < g; j++) {
				Axis ax = Axis.at((x + stride * j + centre - geo.offsetX()) / geo.strideX(), map.width());
				int row = offset + (i * g + j) * k;
				for (int ch = 0; ch < k; ch++) {
					float v = (float) ((1 - ay.w) * ((1 - ax.w) * map.get(ch, ay.lo, ax.lo) + ax.w * map.get(ch, ay.lo, ax.hi))
							+ ay.w * ((1 - ax.w) * map.get(ch, ay.hi, ax.lo) + ax.w * map.get(ch, ay.hi, ax.hi)));
					out[row + ch] = (v - mean[ch]) / std[ch];
				}
			}
		}
	}

	/** Bilinear weights along one axis: index lo and lo + 1 (clamped), weight w of the second. */
	private record Axis(int lo, int hi, double w) {
		static Axis at(double t, int size) {
			int lo = Math.max(0, Math.min(size - 1, (int) Math.floor(t)));
			return new Axis(lo, Math.min(size - 1, lo + 1), Math.max(0, Math.min(1, t - lo)));
		}
	}

	/**
	 * The crop origins {xMin, xMax, yMin, yMax} whose crop lies in the photograph and whose grid points all
	 * lie within P's grid (no extrapolated target); null for a photograph too small for one crop.
	 */
	private int[] origins(FloatImage image, DistillationTargets.FeatureMap map) {
		int g = s.dense().grid(), n = DescriptorNet.stridedInputSize(arch, g), span = arch.outputStride() * (g - 1);
		double centre = (arch.receptiveField() - 1) / 2.0;
		DistillationTargets.Geometry geo = targets.geometry();
		int xMin = Math.max(0, (int) Math.ceil(geo.offsetX() - centre)), yMin = Math.max(0, (int) Math.ceil(geo.offsetY() - centre));
		int xMax = Math.min(image.width() - n, (int) Math.floor(geo.offsetX() + geo.strideX() * (map.width() - 1) - centre - span));
		int yMax = Math.min(image.height() - n, (int) Math.floor(geo.offsetY() + geo.strideY() * (map.height() - 1) - centre - span));
		return xMax < xMin || yMax < yMin ? null : new int[] { xMin, xMax, yMin, yMax };
	}
}
