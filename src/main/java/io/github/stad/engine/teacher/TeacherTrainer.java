package io.github.stad.engine.teacher;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.stad.engine.Progress;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.image.InputNormalisation;
import io.github.stad.engine.net.Adam;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.DescriptorNet;
import io.github.stad.engine.net.Djl;
import io.github.stad.engine.net.TeacherWeights;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Pretrains a teacher on patches of natural images with λk·Lk + λm·Lm + λc·Lc (METHOD.md).
 * Writes checkpoints atomically every {@code checkpointEvery} iterations; a checkpoint is a teacher
 * file (usable as a teacher at once) plus the optimiser state, so a run resumed from it continues
 * exactly as if it had never stopped.
 */
public final class TeacherTrainer {

	/** Per iteration: total, Lk, Lm, Lc. */
	public record Result(Architecture architecture, List<float[]> weights, List<float[]> losses, InputNormalisation normalisation) {}

	private TeacherTrainer() {}

	/**
	 * @param initial a teacher to start from instead of random weights (fine-tuning: a fresh optimiser
	 *                and iteration count, the teacher's weights), or null; ignored when resuming
	 */
	public static Result train(List<FloatImage> images, TeacherSettings s, TeacherWeights initial, Distiller distiller, Path checkpoint, Path resumeFrom,
			Map<String, String> provenance, Progress progress) throws IOException {
		if (s.losses().lambdaK() > 0 && distiller == null) throw new IllegalArgumentException("λk > 0 needs a pretrained network to distil from (--distill)");
		int channels = images.get(0).channels();
		Architecture arch = new Architecture(s.patchSize(), channels, s.network().width(), s.network().descriptorDim());
		TeacherCheckpoint.State state;
		List<float[]> resumedWeights = null, resumedOptimiser = null, resumedDecoder = null;
		if (resumeFrom != null) {
			TeacherCheckpoint resumed = TeacherCheckpoint.read(resumeFrom);
			state = resumed.state();
			if ((state.mode != null && !state.mode.equals("patch")) || state.patchSize != s.patchSize() || state.width != s.network().width() || state.descriptorDim != s.network().descriptorDim()
					|| state.inputChannels != channels || state.seed != s.seed()) {
				throw new IllegalArgumentException(resumeFrom + " was made with other settings (" + (state.mode == null ? "patch" : state.mode) + " mode, p=" + state.patchSize + ", width " + state.width + ", seed " + state.seed
						+ ", " + state.inputChannels + " channel(s)); resume with the same settings");
			}
			resumedWeights = resumed.teacherWeights();
			resumedOptimiser = resumed.optimiser();
			resumedDecoder = resumed.decoder();
			progress.log("Resuming teacher training at iteration " + state.iteration + " of " + s.iterations());
		} else {
			state = TeacherCheckpoint.State.fresh("patch", s, channels, images);
		}
		InputNormalisation normalisation = state.normalisation();
		PatchSampler sampler = new PatchSampler(images, normalisation, s.patchSize(), s.augmentation());

		Device device = Djl.device(s.useGpu());
		Engine engine = Djl.engine();
		try (NDManager manager = NDManager.newBaseManager(device, engine.getEngineName())) {
			if (resumedWeights == null && initial != null && !initial.architecture().equals(arch)) {
				throw new IllegalArgumentException("The starting teacher " + initial.source() + " is for " + initial.architecture() + ", but " + arch + " is being trained");
			}
			DescriptorNet teacher = resumedWeights != null ? DescriptorNet.fromWeights(arch, resumedWeights, manager, device)
					: initial != null ? DescriptorNet.fromWeights(arch, initial.weights(), manager, device)
					: DescriptorNet.random(arch, manager, device, s.seed());
			List<NDArray> params = new ArrayList<>(teacher.parameters());
			// The decoder D of distillation trains with the teacher and is kept in checkpoints only.
			NDArray decoderWeight = null, decoderBias = null;
			if (distiller != null && s.losses().lambdaK() > 0) {
				int k = distiller.outputDim();
				if (resumedDecoder != null) {
					decoderWeight = manager.create(resumedDecoder.get(0), new Shape(k, arch.descriptorDim()));
					decoderBias = manager.create(resumedDecoder.get(1), new Shape(k));
				} else {
					SplittableRandom r = new SplittableRandom(s.seed() + 17);
					float[] w = new float[k * arch.descriptorDim()];
					double bound = 1 / Math.sqrt(arch.descriptorDim());
					for (int i = 0; i < w.length; i++) w[i] = (float) r.nextDouble(-bound, bound);
					decoderWeight = manager.create(w, new Shape(k, arch.descriptorDim()));
					decoderBias = manager.zeros(new Shape(k));
				}
				params.add(decoderWeight);
				params.add(decoderBias);
			}
			for (NDArray p : params) p.setRequiresGradient(true);
			Adam adam = new Adam(params, s.optimiser(), manager);
			if (resumedOptimiser != null) adam.importState(resumedOptimiser, state.iteration);

			int p = s.patchSize();
			TeacherSettings.LossWeights w = s.losses();
			for (int it = state.iteration; it < s.iterations(); it++) {
				progress.checkCancelled();
				PatchSampler.Batch batch = sampler.sample(s.batchSize(), s.seed(), it);
				float[] loss = new float[4];
				try (NDManager sub = manager.newSubManager()) {
					Shape shape = new Shape(batch.size(), channels, p, p);
					NDArray target = distiller != null && w.lambdaK() > 0 ? distiller.features(sub, batch.rawAnchors(), batch.size(), channels, p) : null;
					try (GradientCollector collector = engine.newGradientCollector()) {
						// One forward pass for anchors, positives and negatives together.
						NDArray all = teacher.patch(ai.djl.ndarray.NDArrays.concat(new NDList(sub.create(batch.anchors(), shape), sub.create(batch.positives(), shape), sub.create(batch.negatives(), shape))));
						NDArray a = all.get("0:" + batch.size()), pos = all.get(batch.size() + ":" + 2 * batch.size()), neg = all.get(2 * batch.size() + ":");
						NDArray total = sub.zeros(new Shape());
						if (w.lambdaK() > 0) {
							NDArray lk = TeacherLosses.distillation(a.matMul(decoderWeight.transpose()).add(decoderBias), target);
							loss[1] = lk.getFloat();
							total = total.add(lk.mul(w.lambdaK()));
						}
						total = TeacherLosses.addTripletAndCompactness(total, a, pos, neg, w, loss);
						collector.backward(total);
						loss[0] = total.getFloat();
					}
					adam.step();
				}
				if (!Float.isFinite(loss[0])) throw new IllegalStateException("Teacher training diverged at iteration " + it + "; lower the learning rate");
				state.losses.add(loss);
				state.iteration = it + 1;
				progress.update(String.format("p=%d teacher: iteration %d/%d, loss %.4f (Lk %.4f, Lm %.4f, Lc %.4f)", p, it + 1, s.iterations(), loss[0], loss[1], loss[2], loss[3]),
						(it + 1.0) / s.iterations());
				boolean last = it + 1 == s.iterations();
				if (checkpoint != null && (last || (s.checkpointEvery() > 0 && (it + 1) % s.checkpointEvery() == 0))) {
					List<float[]> weights = new ArrayList<>();
					for (NDArray param : params) weights.add(param.toFloatArray());
					int teacherTensors = DescriptorNet.parameterShapes(arch).size();
					TeacherCheckpoint.write(checkpoint, arch, weights.subList(0, teacherTensors), adam.exportState(),
							weights.size() > teacherTensors ? weights.subList(teacherTensors, weights.size()) : null, state, provenance);
				}
			}
			for (NDArray param : params) param.setRequiresGradient(false);
			return new Result(arch, teacher.exportWeights(), state.losses, normalisation);
		}
	}
}
