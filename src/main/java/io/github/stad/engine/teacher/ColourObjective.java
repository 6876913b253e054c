package io.github.stad.engine.teacher;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.stad.engine.files.TeacherFile;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.image.InputNormalisation;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.Chroma;
import io.github.stad.engine.net.DescriptorNet;
import io.github.stad.engine.net.TeacherWeights;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Teaches a gray teacher to see colour ({@code --mode colour}): on RGB photographs, only the chroma part of
 * the first layer ({@link Chroma}: U and V) is trained, everything else stays the gray teacher's. So the RGB
 * teacher gives exactly the gray teacher's descriptors on images whose three channels are equal, and all that
 * the pretraining of the gray teacher bought is kept, while colour changes that leave the luminance as it is
 * — invisible to the gray teacher — move the descriptor. Loss: the triplet loss of METHOD.md with the
 * positive of patch pretraining (shift, brightness, noise) and as negative the anchor itself after a random
 * colour change of unchanged luminance ({@link Chroma#randomShift}), plus the compactness term.
 * Checkpoints keep U, V and the frozen luminance part beside the optimiser state.
 */
public final class ColourObjective implements TeacherObjective {

	/** Colour casts of the negatives, in units of the photographs' mean intensity standard deviation. */
	static final double MIN_CAST = 0.1, MAX_CAST = 0.5;

	private final List<FloatImage> images;
	private final TeacherSettings s;
	private final TeacherWeights start;
	private final Architecture arch;
	private PatchSampler sampler;
	private InputNormalisation normalisation;
	private double meanStd;
	private DescriptorNet teacher;
	private List<float[]> teacherWeights;
	private float[] base;
	private NDArray uParam, vParam, baseWeight, directionA, directionB;

	/** @param initial the gray (or RGB) teacher to extend; may be null only when resuming */
	public ColourObjective(List<FloatImage> images, TeacherSettings s, TeacherWeights initial) {
		if (s.losses().lambdaK() > 0) throw new IllegalArgumentException("Colour training has no distillation loss: set λk to 0 (--lambda-k 0)");
		int channels = images.get(0).channels();
		if (channels != 3) throw new IllegalArgumentException("Colour training needs RGB photographs; these are " + channels + "-channel images");
		this.images = images;
		this.s = s;
		this.arch = new Architecture(s.patchSize(), 3, s.network().width(), s.network().descriptorDim());
		this.start = initial == null ? null : initial.architecture().inputChannels() == 1 ? TeacherFile.toRgb(initial) : initial;
		if (start != null && !start.architecture().equals(arch)) {
			throw new IllegalArgumentException("The starting teacher " + initial.source() + " is for " + start.architecture() + " (as RGB), but " + arch + " is being trained");
		}
	}

	@Override public String mode() { return "colour"; }
	@Override public TeacherSettings settings() { return s; }
	@Override public Architecture architecture() { return arch; }

	@Override
	public InputNormalisation fitNormalisation() {
		if (start == null) throw new IllegalArgumentException("Colour training extends a gray teacher: give the teacher to start from (--init default or a teacher file)");
		return InputNormalisation.fit(images);
	}

	@Override
	public String mismatch(TeacherCheckpoint.State state, List<float[]> extras) {
		Architecture.Layer first = arch.layers().get(0);
		int kk = first.kernel() * first.kernel(), out = first.outChannels();
		if (extras == null || extras.size() != 3) return "no colour weights";
		boolean sizes = extras.get(0).length == out * kk && extras.get(1).length == out * kk && extras.get(2).length == out * 3 * kk;
		return sizes ? null : "colour weights of the wrong size: damaged or from another network";
	}

	@Override
	public List<NDArray> prepare(InputNormalisation normalisation, Resumed resumed, NDManager manager, Device device) {
		this.normalisation = normalisation;
		sampler = new PatchSampler(images, normalisation, s.patchSize(), s.augmentation());
		meanStd = 0;
		for (float sd : normalisation.std()) meanStd += sd / 3;
		Architecture.Layer first = arch.layers().get(0);
		int out = first.outChannels(), k = first.kernel(), kk = k * k;
		float[] u, v;
		if (resumed != null) {
			teacherWeights = resumed.teacherWeights();
			u = resumed.extras().get(0);
			v = resumed.extras().get(1);
			base = resumed.extras().get(2);
		} else {
			teacherWeights = start.weights();
			float[][] uv = Chroma.coefficients(teacherWeights.get(0), out, kk);
			u = uv[0];
			v = uv[1];
			base = Chroma.luminancePart(teacherWeights.get(0), out, kk);
		}
		teacher = DescriptorNet.fromWeights(arch, teacherWeights, manager, device);
		teacher.setTrainable(false);
		uParam = manager.create(u, new Shape(out, 1, k, k));
		vParam = manager.create(v, new Shape(out, 1, k, k));
		baseWeight = manager.create(base, new Shape(out, 3, k, k));
		directionA = manager.create(Chroma.directionA(), new Shape(1, 3, 1, 1));
		directionB = manager.create(Chroma.directionB(), new Shape(1, 3, 1, 1));
		List<NDArray> params = List.of(uParam, vParam);
		for (NDArray p : params) p.setRequiresGradient(true);
		return params;
	}

	@Override
	public StepLoss loss(int step, NDManager sub) {
		int p = s.patchSize(), per = 3 * p * p;
		PatchSampler.Batch batch = sampler.sample(s.batchSize(), s.seed(), step);
		float[] recoloured = batch.rawAnchors().clone();
		SplittableRandom random = new SplittableRandom((s.seed() * 0x9E3779B97F4A7C15L + step) ^ 0x5DEECE66DL);
		for (int n = 0; n < batch.size(); n++) {
			Chroma.randomShift(recoloured, n * per, p * p, random, MIN_CAST * meanStd, MAX_CAST * meanStd);
			normalisation.applyInPlace(recoloured, n * per, p * p);
		}
		float[] loss = new float[4];
		Shape shape = new Shape(batch.size(), 3, p, p);
		// Results belong to their first operand's manager: keep this step's in the sub-manager.
		NDArray weight = inside(sub, inside(sub, baseWeight.add(inside(sub, uParam.mul(directionA)))).add(inside(sub, vParam.mul(directionB))));
		NDArray all = teacher.patch(NDArrays.concat(new NDList(sub.create(batch.anchors(), shape), sub.create(batch.positives(), shape), sub.create(recoloured, shape))), weight);
		NDArray anchor = all.get("0:" + batch.size()), pos = all.get(batch.size() + ":" + 2 * batch.size()), neg = all.get(2 * batch.size() + ":");
		NDArray total = TeacherLosses.addTripletAndCompactness(sub.zeros(new Shape()), anchor, pos, neg, s.losses(), loss);
		return new StepLoss(total, loss, String.format("Lm %.4f, Lc %.4f", loss[2], loss[3]));
	}

	private static NDArray inside(NDManager sub, NDArray x) {
		x.attach(sub);
		return x;
	}

	/** The teacher's weights with the trained first layer. */
	@Override
	public List<float[]> teacherWeights() {
		Architecture.Layer first = arch.layers().get(0);
		List<float[]> weights = new ArrayList<>(teacherWeights);
		weights.set(0, Chroma.join(base, uParam.toFloatArray(), vParam.toFloatArray(), first.outChannels(), first.kernel() * first.kernel()));
		return weights;
	}

	@Override
	public List<float[]> extras() { return List.of(uParam.toFloatArray(), vParam.toFloatArray(), base); }
}
