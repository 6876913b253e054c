package io.github.stad.engine.teacher;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.stad.engine.Progress;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.image.InputNormalisation;
import io.github.stad.engine.net.Adam;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.DescriptorNet;
import io.github.stad.engine.net.Djl;
import io.github.stad.engine.net.LearningRateSchedule;
import io.github.stad.engine.net.StepBudget;
import io.github.stad.engine.net.StepPlan;
import io.github.stad.engine.net.TeacherWeights;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Pretrains a teacher in the strided form: each step runs the strided network once over B anchor crops
 * and their augmented copies ({@link CropPairSampler}), so every grid point of every crop is an anchor
 * with an exact positive, and each anchor's negative is mined among all the batch's descriptors.
 * Loss λm·Lm + λc·Lc of METHOD.md (triplet with anchor swap over all mined triplets; squared
 * compactness over the anchors' descriptors). The learning rate warms up linearly and then decays on a
 * cosine. Checkpoints, resumption and the file format are those of {@link TeacherTrainer}.
 */
public final class DenseTeacherTrainer {

	/** Added to the squared distance of candidates that must not be negatives. */
	private static final float EXCLUDED = 1e30f;
	/** Anchors per block of the distance matrix, to bound its memory. */
	private static final int MINING_BLOCK = 1024;

	private DenseTeacherTrainer() {}

	/**
	 * @param initial a teacher to start from instead of random weights (fresh optimiser and step count), or null; ignored when resuming
	 */
	public static TeacherTrainer.Result train(List<FloatImage> images, TeacherSettings s, TeacherWeights initial, Path checkpoint, Path resumeFrom,
			Map<String, String> provenance, Progress progress) throws IOException {
		return train(images, s, new StepBudget.Steps(s.iterations()), initial, checkpoint, resumeFrom, provenance, progress);
	}

	/**
	 * The same for a {@link StepBudget}: {@code s.iterations()} steps, or as many as fit before a deadline (the
	 * teacher adaptation inside a model's time budget; the learning-rate schedule then plans for the steps that fit).
	 */
	public static TeacherTrainer.Result train(List<FloatImage> images, TeacherSettings s, StepBudget budget, TeacherWeights initial, Path checkpoint, Path resumeFrom,
			Map<String, String> provenance, Progress progress) throws IOException {
		return train(images, s, budget, initial, checkpoint, resumeFrom, provenance, progress, null);
	}

	/**
	 * An extra loss term on the anchors' descriptors, with parameters of its own trained beside the teacher's
	 * (own Adam, same learning rate): the hook for measuring other self-supervised objectives
	 * ({@code io.github.stad.bench}). Its parameters are not checkpointed, so a run with one cannot resume.
	 */
	public interface AuxiliaryTerm {
		/** Its trainable parameters, created once in {@code manager}. */
		List<NDArray> parameters(NDManager manager);

		/** The term for one step; {@code anchors} are the anchor crops' descriptors, rows (crop·G + i)·G + j. */
		NDArray loss(NDArray anchors, CropPairSampler.Batch batch, long seed, int step);

		float weight();
	}

	/** The same with an {@link AuxiliaryTerm} (or null). */
	public static TeacherTrainer.Result train(List<FloatImage> images, TeacherSettings s, StepBudget budget, TeacherWeights initial, Path checkpoint, Path resumeFrom,
			Map<String, String> provenance, Progress progress, AuxiliaryTerm auxiliary) throws IOException {
		if (auxiliary != null && resumeFrom != null) throw new IllegalArgumentException("A run with an auxiliary term cannot resume: its parameters are not checkpointed");
		if (s.losses().lambdaK() > 0) throw new IllegalArgumentException("Distillation (λk > 0) needs --mode patch: the dense trainer has no per-patch input for P");
		if (s.losses().lambdaM() == 0 && s.losses().lambdaC() == 0) throw new IllegalArgumentException("Dense training needs λm > 0 or λc > 0");
		int channels = images.get(0).channels();
		TeacherSettings.Dense dense = s.dense();
		Architecture arch = new Architecture(s.patchSize(), channels, s.network().width(), s.network().descriptorDim());
		TeacherCheckpoint.State state;
		List<float[]> resumedWeights = null, resumedOptimiser = null;
		if (resumeFrom != null) {
			TeacherCheckpoint resumed = TeacherCheckpoint.read(resumeFrom);
			state = resumed.state();
			if (!"dense".equals(state.mode) || state.patchSize != s.patchSize() || state.width != s.network().width() || state.descriptorDim != s.network().descriptorDim()
					|| state.inputChannels != channels || state.seed != s.seed() || state.grid != dense.grid() || state.crops != dense.crops()) {
				throw new IllegalArgumentException(resumeFrom + " was made with other settings (" + (state.mode == null ? "patch" : state.mode) + " mode, p=" + state.patchSize
						+ ", width " + state.width + ", seed " + state.seed + ", grid " + state.grid + ", " + state.crops + " crops, " + state.inputChannels
						+ " channel(s)); resume with the same settings");
			}
			resumedWeights = resumed.teacherWeights();
			resumedOptimiser = resumed.optimiser();
			progress.log("Resuming dense teacher training at step " + state.iteration + " of " + s.iterations());
		} else {
			state = TeacherCheckpoint.State.fresh("dense", s, channels, images);
			state.grid = dense.grid();
			state.crops = dense.crops();
		}
		InputNormalisation normalisation = state.normalisation();
		CropPairSampler sampler = new CropPairSampler(images, normalisation, arch, dense.grid(), dense.augmentation());
		if (resumedWeights == null && initial != null && !initial.architecture().equals(arch)) {
			throw new IllegalArgumentException("The starting teacher " + initial.source() + " is for " + initial.architecture() + ", but " + arch + " is being trained");
		}

		Device device = Djl.device(s.useGpu());
		Engine engine = Djl.engine();
		try (NDManager manager = NDManager.newBaseManager(device, engine.getEngineName())) {
			DescriptorNet teacher = resumedWeights != null ? DescriptorNet.fromWeights(arch, resumedWeights, manager, device)
					: initial != null ? DescriptorNet.fromWeights(arch, initial.weights(), manager, device)
					: DescriptorNet.random(arch, manager, device, s.seed());
			List<NDArray> params = teacher.parameters();
			teacher.setTrainable(true);
			Adam adam = new Adam(params, s.optimiser(), manager);
			if (resumedOptimiser != null) adam.importState(resumedOptimiser, state.iteration);
			Adam auxiliaryAdam = auxiliary == null ? null : new Adam(auxiliary.parameters(manager), s.optimiser(), manager);

			int n = sampler.inputSize(), p = s.patchSize();
			TeacherSettings.LossWeights w = s.losses();
			StepPlan plan = new StepPlan(budget);
			float defectWeight = dense.augmentation().syntheticDefects();
			for (int step = state.iteration; plan.another(step); step++) {
				progress.checkCancelled();
				int planned = plan.planned(step);
				float rate = learningRate(s.optimiser().learningRate(), step, dense.warmup(), planned);
				adam.setLearningRate(rate);
				if (auxiliaryAdam != null) auxiliaryAdam.setLearningRate(rate);
				float auxiliaryLoss = 0;
				CropPairSampler.Batch batch = sampler.sample(dense.crops(), s.seed(), step);
				// total, Lk's slot (unused here: the dense trainer refuses λk) holds the synthetic-defect term, Lm, Lc
				float[] loss = new float[4];
				int triplets, defectTriplets = 0;
				try (NDManager sub = manager.newSubManager()) {
					Shape shape = new Shape(batch.crops(), channels, n, n);
					CropPairSampler.Defects defects = defectWeight > 0 ? sampler.defects(batch, s.seed(), step) : null;
					try (GradientCollector collector = engine.newGradientCollector()) {
						// One pass over anchors and positives (and the defective anchors); rows (crop·G + i)·G + j, anchors first.
						NDList inputs = new NDList(sub.create(batch.anchors(), shape), sub.create(batch.positives(), shape));
						if (defects != null) inputs.add(sub.create(defects.crops(), shape));
						NDArray out = teacher.strided(NDArrays.concat(inputs));
						NDArray all = out.transpose(0, 2, 3, 1).reshape(-1, arch.descriptorDim());
						int points = batch.pointsPerSide();
						NDArray descriptors = defects == null ? all : all.get("0:" + 2 * points);
						Triplets t = mine(descriptors.stopGradient(), batch, p, dense.mining(), dense.subset(), new SplittableRandom(s.seed() * 31 + step));
						triplets = t.anchors().length;
						NDArray total = sub.zeros(new Shape());
						if (w.lambdaM() > 0 && triplets > 0) {
							NDArray lm = TeacherLosses.triplet(rows(descriptors, t.anchors()), rows(descriptors, t.positives()), rows(descriptors, t.negatives()), w.margin());
							loss[2] = lm.getFloat();
							total = total.add(lm.mul(w.lambdaM()));
						}
						if (defects != null) {
							Triplets d = defectTriplets(batch, defects);
							defectTriplets = d.anchors().length;
							if (defectTriplets > 0) {
								NDArray ld = TeacherLosses.triplet(rows(all, d.anchors()), rows(all, d.positives()), rows(all, d.negatives()), w.margin());
								loss[1] = ld.getFloat();
								total = total.add(ld.mul(defectWeight));
							}
						}
						if (w.lambdaC() > 0) {
							NDArray lc = TeacherLosses.compactness(descriptors.get("0:" + points));
							loss[3] = lc.getFloat();
							total = total.add(lc.mul(w.lambdaC()));
						}
						if (auxiliary != null) {
							NDArray la = auxiliary.loss(descriptors.get("0:" + points), batch, s.seed(), step);
							auxiliaryLoss = la.getFloat();
							total = total.add(la.mul(auxiliary.weight()));
						}
						collector.backward(total);
						loss[0] = total.getFloat();
					}
					adam.step();
					if (auxiliaryAdam != null) auxiliaryAdam.step();
				}
				if (!Float.isFinite(loss[0])) throw new IllegalStateException("Teacher training diverged at step " + step + "; lower the learning rate");
				plan.stepDone();
				state.losses.add(loss);
				state.iteration = step + 1;
				progress.loss("p=" + p + " teacher", step + 1, loss[0]);
				progress.update(String.format("p=%d dense teacher: step %d/%s%d, %d triplets, loss %.4f (Lm %.4f, Lc %.4f%s), lr %.2e", p, step + 1, plan.exact() ? "" : "~",
						plan.planned(step + 1), triplets, loss[0], loss[2], loss[3], (defectWeight > 0 ? String.format(", defects %.4f over %d", loss[1], defectTriplets) : "") + (auxiliary != null ? String.format(", auxiliary %.4f", auxiliaryLoss) : ""), rate), plan.exact() ? (step + 1.0) / planned : plan.fraction(step + 1));
				boolean last = plan.exact() && step + 1 == planned;
				if (checkpoint != null && (last || (s.checkpointEvery() > 0 && (step + 1) % s.checkpointEvery() == 0))) {
					TeacherCheckpoint.write(checkpoint, arch, teacher.exportWeights(), adam.exportState(), null, state, provenance);
				}
			}
			teacher.setTrainable(false);
			return new TeacherTrainer.Result(arch, teacher.exportWeights(), state.losses, normalisation);
		}
	}

	/** Linear warm-up over {@code warmup} steps (at most a fifth of the run), then a cosine from the peak to zero after the last step. */
	public static float learningRate(float peak, int step, int warmup, int total) {
		return (float) (peak * LearningRateSchedule.factor(step, Math.min(warmup, total / 5), total));
	}

	/**
	 * Triplets whose negative is the anchor's own grid point in its defective copy (rows 2·points + k), for
	 * the anchors that see their defect and have a positive.
	 */
	static Triplets defectTriplets(CropPairSampler.Batch batch, CropPairSampler.Defects defects) {
		int points = batch.pointsPerSide(), count = 0;
		for (int k = 0; k < points; k++) if (defects.altered()[k] && batch.positiveOf()[k] >= 0) count++;
		long[] a = new long[count], p = new long[count], n = new long[count];
		for (int k = 0, i = 0; k < points; k++) {
			if (!defects.altered()[k] || batch.positiveOf()[k] < 0) continue;
			a[i] = k;
			p[i] = batch.positiveOf()[k];
			n[i++] = 2L * points + k;
		}
		return new Triplets(a, p, n);
	}

	/** Rows of the descriptor matrix for mined triplets: anchors, their positives and negatives. */
	public record Triplets(long[] anchors, long[] positives, long[] negatives) {}

	/**
	 * Picks a negative for every anchor grid point that has a positive. Candidates are all grid points of
	 * the batch (anchor and positive crops) except those of the same photograph whose window centre lies
	 * within p/2 pixels of the anchor's: those show (partly) the same structure. Anchors without any
	 * candidate are dropped. Runs on detached descriptors: the choice itself is not differentiated.
	 */
	public static Triplets mine(NDArray descriptors, CropPairSampler.Batch batch, int patchSize, TeacherSettings.Mining mining, float subset, SplittableRandom random) {
		int points = batch.pointsPerSide(), candidates = 2 * points;
		int[] anchorIndex = new int[points];
		int count = 0;
		for (int k = 0; k < points; k++) if (batch.positiveOf()[k] >= 0) anchorIndex[count++] = k;
		anchorIndex = Arrays.copyOf(anchorIndex, count);
		long[] anchors = new long[count], positives = new long[count], negatives = new long[count];
		boolean[] found = new boolean[count];
		NDManager m = descriptors.getManager();
		float radius2 = patchSize * patchSize / 4f;
		try (NDManager scratch = m.newSubManager()) {
			NDArray all = descriptors;
			NDArray squares = all.square().sum(new int[] { 1 }).reshape(1, candidates);
			NDArray imageC = scratch.create(batch.image()).reshape(1, candidates), xC = scratch.create(batch.x()).reshape(1, candidates),
					yC = scratch.create(batch.y()).reshape(1, candidates);
			for (int from = 0; from < count; from += MINING_BLOCK) {
				int size = Math.min(MINING_BLOCK, count - from);
				int[] rowsA = Arrays.copyOfRange(anchorIndex, from, from + size), rowsP = new int[size];
				int[] imageA = new int[size];
				float[] xA = new float[size], yA = new float[size];
				for (int k = 0; k < size; k++) {
					rowsP[k] = batch.positiveOf()[rowsA[k]];
					imageA[k] = batch.image()[rowsA[k]];
					xA[k] = batch.x()[rowsA[k]];
					yA[k] = batch.y()[rowsA[k]];
				}
				try (NDManager block = scratch.newSubManager()) {
					NDArray a = rows(all, rowsA, block);
					NDArray distance = a.square().sum(new int[] { 1 }, true).add(squares).sub(a.matMul(all.transpose()).mul(2));
					NDArray dx = block.create(xA).reshape(size, 1).sub(xC), dy = block.create(yA).reshape(size, 1).sub(yC);
					NDArray near = block.create(imageA).reshape(size, 1).eq(imageC).logicalAnd(dx.square().add(dy.square()).lt(radius2));
					distance = distance.add(near.toType(DataType.FLOAT32, false).mul(EXCLUDED));
					if (mining == TeacherSettings.Mining.SUBSET) {
						float[] dropped = new float[candidates];
						for (int c = 0; c < candidates; c++) if (random.nextDouble() >= subset) dropped[c] = EXCLUDED;
						distance = distance.add(block.create(dropped).reshape(1, candidates));
					}
					NDArray hardest = distance.argMin(1), choice = hardest;
					if (mining == TeacherSettings.Mining.SEMI_HARD) {
						NDArray positive = a.sub(rows(all, rowsP, block)).square().sum(new int[] { 1 }, true);
						NDArray semi = distance.add(distance.lte(positive).toType(DataType.FLOAT32, false).mul(EXCLUDED));
						// Where no candidate is farther than the positive, fall back to the hardest.
						choice = NDArrays.where(semi.min(new int[] { 1 }).lt(EXCLUDED / 2), semi.argMin(1), hardest);
					}
					long[] picked = choice.toType(DataType.INT64, false).toLongArray();
					float[] best = distance.min(new int[] { 1 }).toFloatArray();
					for (int k = 0; k < size; k++) {
						anchors[from + k] = rowsA[k];
						positives[from + k] = rowsP[k];
						negatives[from + k] = picked[k];
						found[from + k] = best[k] < EXCLUDED / 2;
					}
				}
			}
		}
		int kept = 0;
		for (int k = 0; k < count; k++) {
			if (!found[k]) continue;
			anchors[kept] = anchors[k];
			positives[kept] = positives[k];
			negatives[kept] = negatives[k];
			kept++;
		}
		return new Triplets(Arrays.copyOf(anchors, kept), Arrays.copyOf(positives, kept), Arrays.copyOf(negatives, kept));
	}

	private static NDArray rows(NDArray matrix, long[] rows) {
		return matrix.get(matrix.getManager().create(rows));
	}

	private static NDArray rows(NDArray matrix, int[] rows, NDManager manager) {
		return matrix.get(manager.create(Arrays.stream(rows).asLongStream().toArray()));
	}
}
