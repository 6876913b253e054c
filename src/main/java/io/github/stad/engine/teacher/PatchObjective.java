package io.github.stad.engine.teacher;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.image.InputNormalisation;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.DescriptorNet;
import io.github.stad.engine.net.TeacherWeights;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Patch-form pretraining ({@code --mode patch}): batchSize triplets of single p×p patches per step with
 * λk·Lk + λm·Lm + λc·Lc (METHOD.md); Lk regresses, through a linear decoder D trained beside the teacher
 * (kept in checkpoints only), the features a pretrained network P computes on the same patch.
 */
public final class PatchObjective implements TeacherObjective {

	private final List<FloatImage> images;
	private final TeacherSettings s;
	private final TeacherStart start;
	private final Distiller distiller;
	private final Architecture arch;
	private PatchSampler sampler;
	private DescriptorNet teacher;
	private NDArray decoderWeight, decoderBias;

	/**
	 * @param initial   a teacher to start from instead of random weights (fine-tuning), or null; ignored when resuming
	 * @param distiller the pretrained network P of Lk, or null (then λk must be 0)
	 */
	public PatchObjective(List<FloatImage> images, TeacherSettings s, TeacherWeights initial, Distiller distiller) {
		if (s.losses().lambdaK() > 0 && distiller == null) throw new IllegalArgumentException("λk > 0 needs a pretrained network to distil from (--distill)");
		this.images = images;
		this.s = s;
		this.distiller = distiller;
		this.arch = new Architecture(s.patchSize(), images.get(0).channels(), s.network().width(), s.network().descriptorDim());
		this.start = new TeacherStart(arch, initial, s.seed());
	}

	private boolean distilling() { return distiller != null && s.losses().lambdaK() > 0; }

	@Override public String mode() { return "patch"; }
	@Override public TeacherSettings settings() { return s; }
	@Override public Architecture architecture() { return arch; }
	@Override public InputNormalisation fitNormalisation() { return InputNormalisation.fit(images); }

	@Override
	public List<NDArray> prepare(InputNormalisation normalisation, Resumed resumed, NDManager manager, Device device) {
		sampler = new PatchSampler(images, normalisation, s.patchSize(), s.augmentation());
		teacher = start.network(resumed, manager, device);
		List<NDArray> params = new ArrayList<>(teacher.parameters());
		if (distilling()) {
			NDArray[] decoder = decoder(resumed == null ? null : resumed.extras(), manager);
			decoderWeight = decoder[0];
			decoderBias = decoder[1];
			params.add(decoderWeight);
			params.add(decoderBias);
		}
		for (NDArray p : params) p.setRequiresGradient(true);
		return params;
	}

	/** D: the checkpoint's, or uniform ±1/√d weights and zero bias. */
	private NDArray[] decoder(List<float[]> resumed, NDManager manager) {
		int k = distiller.outputDim(), d = arch.descriptorDim();
		if (resumed != null) return new NDArray[] { manager.create(resumed.get(0), new Shape(k, d)), manager.create(resumed.get(1), new Shape(k)) };
		SplittableRandom r = new SplittableRandom(s.seed() + 17);
		float[] w = new float[k * d];
		double bound = 1 / Math.sqrt(d);
		for (int i = 0; i < w.length; i++) w[i] = (float) r.nextDouble(-bound, bound);
		return new NDArray[] { manager.create(w, new Shape(k, d)), manager.zeros(new Shape(k)) };
	}

	@Override
	public StepLoss loss(int step, NDManager sub) {
		int p = s.patchSize(), channels = arch.inputChannels();
		PatchSampler.Batch batch = sampler.sample(s.batchSize(), s.seed(), step);
		float[] loss = new float[4];
		Shape shape = new Shape(batch.size(), channels, p, p);
		// One forward pass for anchors, positives and negatives together.
		NDArray all = teacher.patch(NDArrays.concat(new NDList(sub.create(batch.anchors(), shape), sub.create(batch.positives(), shape), sub.create(batch.negatives(), shape))));
		NDArray a = all.get("0:" + batch.size()), pos = all.get(batch.size() + ":" + 2 * batch.size()), neg = all.get(2 * batch.size() + ":");
		NDArray total = sub.zeros(new Shape());
		if (distilling()) {
			NDArray target = distiller.features(sub, batch.rawAnchors(), batch.size(), channels, p).stopGradient();
			NDArray lk = TeacherLosses.distillation(a.matMul(decoderWeight.transpose()).add(decoderBias), target);
			loss[1] = lk.getFloat();
			total = total.add(lk.mul(s.losses().lambdaK()));
		}
		total = TeacherLosses.addTripletAndCompactness(total, a, pos, neg, s.losses(), loss);
		return new StepLoss(total, loss, String.format("Lk %.4f, Lm %.4f, Lc %.4f", loss[1], loss[2], loss[3]));
	}

	@Override
	public List<float[]> teacherWeights() { return teacher.exportWeights(); }

	@Override
	public List<float[]> extras() { return decoderWeight == null ? null : List.of(decoderWeight.toFloatArray(), decoderBias.toFloatArray()); }

	@Override
	public String mismatch(TeacherCheckpoint.State state, List<float[]> extras) {
		return distilling() && extras != null && extras.size() != 2 ? "no distillation decoder" : null;
	}
}
