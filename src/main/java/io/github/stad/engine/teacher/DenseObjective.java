package io.github.stad.engine.teacher;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.image.InputNormalisation;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.DescriptorNet;
import io.github.stad.engine.net.LearningRateSchedule;
import io.github.stad.engine.net.TeacherWeights;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Dense triplet pretraining in the strided form ({@code --mode dense}): each step runs the strided network
 * once over B anchor crops and their augmented copies ({@link CropPairSampler}), so every grid point of every
 * crop is an anchor with an exact positive, and each anchor's negative is mined among all the batch's
 * descriptors. Loss λm·Lm + λc·Lc of METHOD.md (triplet with anchor swap over all mined triplets; squared
 * compactness over the anchors' descriptors), plus optionally a synthetic-defect triplet term. The
 * learning rate warms up linearly and then decays on a cosine. Not final: bench programs measure other
 * self-supervised terms through {@link #extraTerm}.
 */
public class DenseObjective implements TeacherObjective {

	/** Added to the squared distance of candidates that must not be negatives. */
	private static final float EXCLUDED = 1e30f;
	/** Anchors per block of the distance matrix, to bound its memory. */
	private static final int MINING_BLOCK = 1024;

	private final List<FloatImage> images;
	private final TeacherSettings s;
	private final TeacherStart start;
	private final Architecture arch;
	private CropPairSampler sampler;
	private DescriptorNet teacher;

	/**
	 * @param images  the photographs, not normalised
	 * @param initial a teacher to start from instead of random weights, or null; ignored when resuming
	 */
	public DenseObjective(List<FloatImage> images, TeacherSettings s, TeacherWeights initial) {
		if (s.losses().lambdaK() > 0) throw new IllegalArgumentException("Distillation (λk > 0) is the distil mode (--mode distil with --targets); the dense mode has no target for P");
		if (s.losses().lambdaM() == 0 && s.losses().lambdaC() == 0) throw new IllegalArgumentException("Dense training needs λm > 0 or λc > 0");
		this.images = images;
		this.s = s;
		this.arch = new Architecture(s.patchSize(), images.get(0).channels(), s.network().width(), s.network().descriptorDim());
		this.start = new TeacherStart(arch, initial, s.seed());
	}

	@Override public String mode() { return "dense"; }
	@Override public TeacherSettings settings() { return s; }
	@Override public Architecture architecture() { return arch; }
	@Override public InputNormalisation fitNormalisation() { return InputNormalisation.fit(images); }

	@Override
	public void describe(TeacherCheckpoint.State state) { state.recordBatches(s.dense()); }

	@Override
	public String mismatch(TeacherCheckpoint.State state, List<float[]> extras) {
		return state.batchesDiffer(s.dense());
	}

	@Override
	public List<NDArray> prepare(InputNormalisation normalisation, Resumed resumed, NDManager manager, Device device) {
		sampler = new CropPairSampler(images, normalisation, arch, s.dense().grid(), s.dense().augmentation());
		teacher = start.network(resumed, manager, device);
		teacher.setTrainable(true);
		return teacher.parameters();
	}

	@Override
	public float learningRate(float peak, int step, int planned) { return learningRate(peak, step, s.dense().warmup(), planned); }

	@Override
	public List<float[]> teacherWeights() { return teacher.exportWeights(); }

	@Override
	public StepLoss loss(int step, NDManager sub) {
		TeacherSettings.Dense dense = s.dense();
		TeacherSettings.LossWeights w = s.losses();
		int n = sampler.inputSize(), channels = arch.inputChannels();
		float defectWeight = dense.augmentation().syntheticDefects();
		CropPairSampler.Batch batch = sampler.sample(dense.crops(), s.seed(), step);
		// total, Lk's slot (no distillation here) holds the synthetic-defect term, Lm, Lc
		float[] loss = new float[4];
		Shape shape = new Shape(batch.crops(), channels, n, n);
		CropPairSampler.Defects defects = defectWeight > 0 ? sampler.defects(batch, s.seed(), step) : null;
		// One pass over anchors and positives (and the defective anchors); rows (crop·G + i)·G + j, anchors first.
		NDList inputs = new NDList(sub.create(batch.anchors(), shape), sub.create(batch.positives(), shape));
		if (defects != null) inputs.add(sub.create(defects.crops(), shape));
		NDArray out = teacher.strided(NDArrays.concat(inputs));
		NDArray all = out.transpose(0, 2, 3, 1).reshape(-1, arch.descriptorDim());
		int points = batch.pointsPerSide();
		NDArray descriptors = defects == null ? all : all.get("0:" + 2 * points);
		Triplets t = mine(descriptors.stopGradient(), batch, s.patchSize(), dense, new SplittableRandom(s.seed() * 31 + step));
		NDArray total = sub.zeros(new Shape());
		if (w.lambdaM() > 0 && t.anchors().length > 0) {
			NDArray lm = TeacherLosses.triplet(rows(descriptors, t.anchors()), rows(descriptors, t.positives()), rows(descriptors, t.negatives()), w.margin());
			loss[2] = lm.getFloat();
			total = total.add(lm.mul(w.lambdaM()));
		}
		String defectText = "";
		if (defects != null) {
			Triplets d = defectTriplets(batch, defects);
			if (d.anchors().length > 0) {
				NDArray ld = TeacherLosses.triplet(rows(all, d.anchors()), rows(all, d.positives()), rows(all, d.negatives()), w.margin());
				loss[1] = ld.getFloat();
				total = total.add(ld.mul(defectWeight));
			}
			defectText = String.format(", defects %.4f over %d", loss[1], d.anchors().length);
		}
		if (w.lambdaC() > 0) {
			NDArray lc = TeacherLosses.compactness(descriptors.get("0:" + points));
			loss[3] = lc.getFloat();
			total = total.add(lc.mul(w.lambdaC()));
		}
		ExtraTerm extra = extraTerm(descriptors.get("0:" + points), batch, step);
		if (extra != null) total = total.add(extra.term().mul(extra.weight()));
		String detail = String.format("%d triplets, Lm %.4f, Lc %.4f%s%s", t.anchors().length, loss[2], loss[3], defectText, extra == null ? "" : String.format(", %s %.4f", extra.name(), extra.term().getFloat()));
		return new StepLoss(total, loss, detail);
	}

	/** A further weighted term of a step, named for the progress line. */
	public record ExtraTerm(String name, NDArray term, float weight) {}

	/**
	 * A further loss term on the anchor crops' descriptors (rows (crop·G + i)·G + j), or null (here: none).
	 * Bench programs override it, with {@link #prepare} adding the term's own parameters.
	 */
	protected ExtraTerm extraTerm(NDArray anchors, CropPairSampler.Batch batch, int step) { return null; }

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
	 * {@code dense} gives the mining rule and its subset.
	 */
	public static Triplets mine(NDArray descriptors, CropPairSampler.Batch batch, int patchSize, TeacherSettings.Dense dense, SplittableRandom random) {
		int points = batch.pointsPerSide(), count = 0;
		int[] anchorIndex = new int[points];
		for (int k = 0; k < points; k++) if (batch.positiveOf()[k] >= 0) anchorIndex[count++] = k;
		anchorIndex = Arrays.copyOf(anchorIndex, count);
		Picked picked = new Picked(count);
		try (NDManager scratch = descriptors.getManager().newSubManager()) {
			Candidates candidates = new Candidates(descriptors, batch, scratch);
			for (int from = 0; from < count; from += MINING_BLOCK) {
				int[] rowsA = Arrays.copyOfRange(anchorIndex, from, Math.min(count, from + MINING_BLOCK));
				mineBlock(candidates, rowsA, from, patchSize * patchSize / 4f, dense, random, picked);
			}
		}
		return picked.kept();
	}

	/** Every grid point of a batch as a candidate negative: descriptors, their squared norms, photographs and places. */
	private record Candidates(NDArray all, NDArray squares, NDArray image, NDArray x, NDArray y, CropPairSampler.Batch batch) {
		Candidates(NDArray all, CropPairSampler.Batch batch, NDManager scratch) {
			this(all, all.square().sum(new int[] { 1 }).reshape(1, 2L * batch.pointsPerSide()), scratch.create(batch.image()).reshape(1, 2L * batch.pointsPerSide()),
					scratch.create(batch.x()).reshape(1, 2L * batch.pointsPerSide()), scratch.create(batch.y()).reshape(1, 2L * batch.pointsPerSide()), batch);
		}
	}

	/** The triplets found so far, by anchor; those without a candidate are dropped at the end. */
	private record Picked(long[] anchors, long[] positives, long[] negatives, boolean[] found) {
		Picked(int count) { this(new long[count], new long[count], new long[count], new boolean[count]); }

		Triplets kept() {
			int kept = 0;
			for (int k = 0; k < anchors.length; k++) {
				if (!found[k]) continue;
				anchors[kept] = anchors[k];
				positives[kept] = positives[k];
				negatives[kept] = negatives[k];
				kept++;
			}
			return new Triplets(Arrays.copyOf(anchors, kept), Arrays.copyOf(positives, kept), Arrays.copyOf(negatives, kept));
		}
	}

	/** Negatives for the anchors {@code rowsA} (rows from..from + size of the result), in one block of the distance matrix. */
	private static void mineBlock(Candidates c, int[] rowsA, int from, float radius2, TeacherSettings.Dense dense, SplittableRandom random, Picked out) {
		int size = rowsA.length, candidates = 2 * c.batch().pointsPerSide();
		int[] rowsP = new int[size], imageA = new int[size];
		float[] xA = new float[size], yA = new float[size];
		for (int k = 0; k < size; k++) {
			rowsP[k] = c.batch().positiveOf()[rowsA[k]];
			imageA[k] = c.batch().image()[rowsA[k]];
			xA[k] = c.batch().x()[rowsA[k]];
			yA[k] = c.batch().y()[rowsA[k]];
		}
		try (NDManager block = c.all().getManager().newSubManager()) {
			NDArray a = rows(c.all(), rowsA, block);
			NDArray distance = a.square().sum(new int[] { 1 }, true).add(c.squares()).sub(a.matMul(c.all().transpose()).mul(2));
			NDArray dx = block.create(xA).reshape(size, 1).sub(c.x()), dy = block.create(yA).reshape(size, 1).sub(c.y());
			NDArray near = block.create(imageA).reshape(size, 1).eq(c.image()).logicalAnd(dx.square().add(dy.square()).lt(radius2));
			distance = distance.add(near.toType(DataType.FLOAT32, false).mul(EXCLUDED));
			if (dense.mining() == TeacherSettings.Mining.SUBSET) {
				float[] dropped = new float[candidates];
				for (int k = 0; k < candidates; k++) if (random.nextDouble() >= dense.subset()) dropped[k] = EXCLUDED;
				distance = distance.add(block.create(dropped).reshape(1, candidates));
			}
			NDArray hardest = distance.argMin(1), choice = hardest;
			if (dense.mining() == TeacherSettings.Mining.SEMI_HARD) {
				NDArray positive = a.sub(rows(c.all(), rowsP, block)).square().sum(new int[] { 1 }, true);
				NDArray semi = distance.add(distance.lte(positive).toType(DataType.FLOAT32, false).mul(EXCLUDED));
				// Where no candidate is farther than the positive, fall back to the hardest.
				choice = NDArrays.where(semi.min(new int[] { 1 }).lt(EXCLUDED / 2), semi.argMin(1), hardest);
			}
			long[] picked = choice.toType(DataType.INT64, false).toLongArray();
			float[] best = distance.min(new int[] { 1 }).toFloatArray();
			for (int k = 0; k < size; k++) {
				out.anchors()[from + k] = rowsA[k];
				out.positives()[from + k] = rowsP[k];
				out.negatives()[from + k] = picked[k];
				out.found()[from + k] = best[k] < EXCLUDED / 2;
			}
		}
	}

	private static NDArray rows(NDArray matrix, long[] rows) {
		return matrix.get(matrix.getManager().create(rows));
	}

	private static NDArray rows(NDArray matrix, int[] rows, NDManager manager) {
		return matrix.get(manager.create(Arrays.stream(rows).asLongStream().toArray()));
	}
}
