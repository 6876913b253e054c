package io.github.stad.engine.teacher;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.stad.engine.Progress;
import io.github.stad.engine.files.TeacherFile;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.image.InputNormalisation;
import io.github.stad.engine.net.Adam;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.Chroma;
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
 * Teaches a gray teacher to see colour ({@code --mode colour}): on RGB photographs, only the chroma part of
 * the first layer ({@link Chroma}: U and V) is trained, everything else stays the gray teacher's. So the RGB
 * teacher gives exactly the gray teacher's descriptors on images whose three channels are equal, and all that
 * the pretraining of the gray teacher bought is kept, while colour changes that leave the luminance as it is
 * — invisible to the gray teacher — move the descriptor. Loss: the triplet loss of METHOD.md with the
 * positive of patch pretraining (shift, brightness, noise) and as negative the anchor itself after a random
 * colour change of unchanged luminance ({@link Chroma#randomShift}), plus the compactness term.
 * Checkpoints resume exactly (U, V and the frozen luminance part are stored beside the optimiser state).
 */
public final class ColourTeacherTrainer {

	/** Colour casts of the negatives, in units of the photographs' mean intensity standard deviation. */
	static final double MIN_CAST = 0.1, MAX_CAST = 0.5;

	private ColourTeacherTrainer() {}

	public static TeacherTrainer.Result train(List<FloatImage> images, TeacherSettings s, TeacherWeights initial, Path checkpoint, Path resumeFrom,
			Map<String, String> provenance, Progress progress) throws IOException {
		if (s.losses().lambdaK() > 0) throw new IllegalArgumentException("Colour training has no distillation loss: set λk to 0 (--lambda-k 0)");
		int channels = images.get(0).channels();
		if (channels != 3) throw new IllegalArgumentException("Colour training needs RGB photographs; these are " + channels + "-channel images");
		Architecture arch = new Architecture(s.patchSize(), 3, s.network().width(), s.network().descriptorDim());
		TeacherCheckpoint.State state;
		List<float[]> teacherWeights, optimiserState = null, chromaState = null;
		if (resumeFrom != null) {
			TeacherCheckpoint resumed = TeacherCheckpoint.read(resumeFrom);
			state = resumed.state();
			if (!"colour".equals(state.mode) || state.patchSize != s.patchSize() || state.width != s.network().width() || state.descriptorDim != s.network().descriptorDim()
					|| state.inputChannels != 3 || state.seed != s.seed() || resumed.decoder() == null || resumed.decoder().size() != 3) {
				throw new IllegalArgumentException(resumeFrom + " is not a checkpoint of colour training with these settings (" + (state.mode == null ? "patch" : state.mode) + " mode, p=" + state.patchSize
						+ ", width " + state.width + ", seed " + state.seed + "); resume with the same settings");
			}
			teacherWeights = resumed.teacherWeights();
			optimiserState = resumed.optimiser();
			chromaState = resumed.decoder();
			progress.log("Resuming colour training at iteration " + state.iteration + " of " + s.iterations());
		} else {
			if (initial == null) throw new IllegalArgumentException("Colour training extends a gray teacher: give the teacher to start from (--init default or a teacher file)");
			TeacherWeights start = initial.architecture().inputChannels() == 1 ? TeacherFile.toRgb(initial) : initial;
			if (!start.architecture().equals(arch)) throw new IllegalArgumentException("The starting teacher " + initial.source() + " is for " + start.architecture() + " (as RGB), but " + arch + " is being trained");
			teacherWeights = start.weights();
			state = TeacherCheckpoint.State.fresh("colour", s, 3, images);
		}
		InputNormalisation normalisation = state.normalisation();
		PatchSampler sampler = new PatchSampler(images, normalisation, s.patchSize(), s.augmentation());
		double meanStd = 0;
		for (float sd : normalisation.std()) meanStd += sd / 3;

		Architecture.Layer first = arch.layers().get(0);
		int out = first.outChannels(), k = first.kernel(), kk = k * k;
		float[] base, u, v;
		if (chromaState != null) {
			if (chromaState.get(0).length != out * kk || chromaState.get(1).length != out * kk || chromaState.get(2).length != out * 3 * kk) {
				throw new IllegalArgumentException(resumeFrom + " holds colour weights of the wrong size for " + arch + "; it is damaged or from another network");
			}
			u = chromaState.get(0);
			v = chromaState.get(1);
			base = chromaState.get(2);
		} else {
			float[][] uv = Chroma.coefficients(teacherWeights.get(0), out, kk);
			u = uv[0];
			v = uv[1];
			base = Chroma.luminancePart(teacherWeights.get(0), out, kk);
		}

		Device device = Djl.device(s.useGpu());
		Engine engine = Djl.engine();
		try (NDManager manager = NDManager.newBaseManager(device, engine.getEngineName());
				DescriptorNet teacher = DescriptorNet.fromWeights(arch, teacherWeights, manager, device)) {
			teacher.setTrainable(false);
			NDArray uParam = manager.create(u, new Shape(out, 1, k, k)), vParam = manager.create(v, new Shape(out, 1, k, k));
			NDArray baseWeight = manager.create(base, new Shape(out, 3, k, k));
			NDArray a = manager.create(Chroma.directionA(), new Shape(1, 3, 1, 1)), b = manager.create(Chroma.directionB(), new Shape(1, 3, 1, 1));
			List<NDArray> params = List.of(uParam, vParam);
			for (NDArray p : params) p.setRequiresGradient(true);
			Adam adam = new Adam(params, s.optimiser(), manager);
			if (optimiserState != null) adam.importState(optimiserState, state.iteration);

			int p = s.patchSize(), per = 3 * p * p;
			TeacherSettings.LossWeights w = s.losses();
			for (int it = state.iteration; it < s.iterations(); it++) {
				progress.checkCancelled();
				PatchSampler.Batch batch = sampler.sample(s.batchSize(), s.seed(), it);
				float[] recoloured = batch.rawAnchors().clone();
				SplittableRandom random = new SplittableRandom((s.seed() * 0x9E3779B97F4A7C15L + it) ^ 0x5DEECE66DL);
				for (int n = 0; n < batch.size(); n++) {
					Chroma.randomShift(recoloured, n * per, p * p, random, MIN_CAST * meanStd, MAX_CAST * meanStd);
					normalisation.applyInPlace(recoloured, n * per, p * p);
				}
				float[] loss = new float[4];
				try (NDManager sub = manager.newSubManager()) {
					Shape shape = new Shape(batch.size(), 3, p, p);
					try (GradientCollector collector = engine.newGradientCollector()) {
						// Results belong to their first operand's manager: keep this step's in the sub-manager.
						NDArray weight = inside(sub, inside(sub, baseWeight.add(inside(sub, uParam.mul(a)))).add(inside(sub, vParam.mul(b))));
						NDArray all = teacher.patch(NDArrays.concat(new NDList(sub.create(batch.anchors(), shape), sub.create(batch.positives(), shape), sub.create(recoloured, shape))), weight);
						NDArray anchor = all.get("0:" + batch.size()), pos = all.get(batch.size() + ":" + 2 * batch.size()), neg = all.get(2 * batch.size() + ":");
						NDArray total = TeacherLosses.addTripletAndCompactness(sub.zeros(new Shape()), anchor, pos, neg, w, loss);
						collector.backward(total);
						loss[0] = total.getFloat();
					}
					adam.step();
				}
				if (!Float.isFinite(loss[0])) throw new IllegalStateException("Colour training diverged at iteration " + it + "; lower the learning rate");
				state.losses.add(loss);
				state.iteration = it + 1;
				progress.update(String.format("p=%d colour teacher: iteration %d/%d, loss %.4f (Lm %.4f, Lc %.4f)", p, it + 1, s.iterations(), loss[0], loss[2], loss[3]),
						(it + 1.0) / s.iterations());
				boolean last = it + 1 == s.iterations();
				if (checkpoint != null && (last || (s.checkpointEvery() > 0 && (it + 1) % s.checkpointEvery() == 0))) {
					TeacherCheckpoint.write(checkpoint, arch, weights(teacherWeights, base, uParam, vParam, out, kk), adam.exportState(),
							List.of(uParam.toFloatArray(), vParam.toFloatArray(), base), state, provenance);
				}
			}
			for (NDArray param : params) param.setRequiresGradient(false);
			return new TeacherTrainer.Result(arch, weights(teacherWeights, base, uParam, vParam, out, kk), state.losses, normalisation);
		}
	}

	private static NDArray inside(NDManager sub, NDArray x) {
		x.attach(sub);
		return x;
	}

	/** The teacher's weights with the trained first layer. */
	private static List<float[]> weights(List<float[]> teacherWeights, float[] base, NDArray u, NDArray v, int out, int kk) {
		List<float[]> weights = new ArrayList<>(teacherWeights);
		weights.set(0, Chroma.join(base, u.toFloatArray(), v.toFloatArray(), out, kk));
		return weights;
	}
}
