package io.github.stad.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import io.github.stad.engine.Progress;
import io.github.stad.engine.files.TeacherFile;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.budget.StepBudget;
import io.github.stad.engine.net.TeacherWeights;
import io.github.stad.engine.teacher.CropPairSampler;
import io.github.stad.engine.teacher.DenseObjective;
import io.github.stad.engine.teacher.TeacherTraining;
import io.github.stad.engine.teacher.TeacherSettings;
import io.github.stad.io.ImageEntry;
import io.github.stad.io.ImageReader;
import io.github.stad.io.ImageSets;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Experiment (issue 10): teacher adaptation with a pretext task beside the dense trainer's triplet and
 * compactness losses, through a bench-side {@link DenseObjective} with one more term ({@link WithHead}). Kinds:
 * <ul>
 * <li>{@code position}: for anchor grid points (i, j) and (i + k·dy, j + k·dx) of the same crop, a small
 * head (2d → hidden → 8, leaky ReLU) must tell from the two descriptors which of the 8 directions (dy, dx)
 * separates them (Doersch et al. 2015; Patch SVDD, Yi &amp; Yoon 2020, trains its from-scratch anomaly
 * encoder this way).</li>
 * <li>{@code intensity}: a linear head must read the mean and standard deviation of the (normalised) input
 * inside each anchor's window from its descriptor, so that the descriptor keeps what the photometric
 * positives teach it to ignore (brightness defects: "uneven" tiles, the demo's bright spot).</li>
 * </ul>
 * The head is thrown away; the teacher is written as the dense trainer writes it. Settings as the
 * adaptation rows of docs/benchmarks.md (from the shipped teacher, learning rate 2e-4, warm-up 10, flips and
 * turns, 8 crops, semi-hard negatives).
 *
 * <pre>
 * java -Dai.djl.offline=true -cp … io.github.stad.bench.PretextAdaptation IMAGES P ITERATIONS KIND WEIGHT OUT.zip [OFFSET_CELLS] [GRID] [SYNTHETIC_DEFECTS]
 * </pre>
 * WEIGHT 0 gives the plain adaptation (no head). OFFSET_CELLS (position) defaults to ⌈0.75·p / stride⌉.
 */
public final class PretextAdaptation {

	/** The 8 neighbour directions (dy, dx). */
	private static final int[][] DIRECTIONS = { { -1, -1 }, { -1, 0 }, { -1, 1 }, { 0, -1 }, { 0, 1 }, { 1, -1 }, { 1, 0 }, { 1, 1 } };

	private PretextAdaptation() {}

	public static void main(String[] args) throws Exception {
		if (args.length < 6) {
			System.err.println("usage: PretextAdaptation IMAGES P ITERATIONS position|intensity WEIGHT OUT.zip [OFFSET_CELLS] [GRID] [SYNTHETIC_DEFECTS]");
			System.exit(2);
		}
		System.setProperty("ai.djl.offline", "true");
		int p = Integer.parseInt(args[1]), iterations = Integer.parseInt(args[2]);
		String kind = args[3];
		float weight = Float.parseFloat(args[4]);
		Path out = Path.of(args[5]);
		List<FloatImage> images = new ArrayList<>();
		for (ImageEntry e : ImageSets.resolve(args[0])) images.add(ImageReader.read(e.image()));
		TeacherSettings d = TeacherSettings.defaults(p);
		int grid = args.length > 7 ? Integer.parseInt(args[7]) : d.dense().grid();
		float defects = args.length > 8 ? Float.parseFloat(args[8]) : 0;
		// The default augmentation with flips and turns (train-teacher --flips --turns), as in the adaptation rows.
		TeacherSettings.DenseAugmentation a = d.dense().augmentation();
		TeacherSettings s = d.toBuilder().iterations(iterations).learningRate(2e-4f).useGpu(false).mode(TeacherSettings.Mode.DENSE)
				.dense(d.dense().toBuilder().grid(grid).warmup(10).augmentation(a.toBuilder().flips(true).turns(true).syntheticDefects(defects).build()).build())
				.build();
		TeacherWeights start = TeacherFile.defaultTeacher(p, images.get(0).channels());
		int stride = start.architecture().outputStride();
		int offset = args.length > 6 ? Integer.parseInt(args[6]) : (int) Math.ceil(0.75 * p / stride);
		Map<String, String> provenance = new LinkedHashMap<>();
		provenance.put("experiment", "PretextAdaptation " + kind + " weight " + weight + ", offset " + offset + " cells (" + offset * stride + " px), grid " + grid + ", defects " + defects);
		provenance.put("data", args[0] + " (" + images.size() + " images)");
		provenance.put("initialisedFrom", start.source());
		int dim = start.architecture().descriptorDim();
		Head head = weight == 0 ? null : switch (kind) {
			case "position" -> {
				if (offset >= grid) throw new IllegalArgumentException("offset " + offset + " cells needs a grid larger than " + grid);
				yield new PositionHead(dim, 128, offset, weight);
			}
			case "intensity" -> new IntensityHead(dim, start.architecture().receptiveField(), stride, images.get(0).channels(), weight);
			default -> throw new IllegalArgumentException("Unknown kind " + kind + ": position or intensity");
		};
		long t0 = System.nanoTime();
		TeacherTraining.run(head == null ? new DenseObjective(images, s, start) : new WithHead(images, s, start, head), new StepBudget.Steps(iterations),
				new TeacherTraining.Files(out, null, provenance), every(25));
		System.out.printf("Done in %.0f s: %s%n", (System.nanoTime() - t0) / 1e9, out);
	}

	/** Prints every n-th step's line (the trainer's line names the step and the losses). */
	private static Progress every(int n) {
		return new Progress() {
			private int count;

			@Override
			public void update(String message, double fraction) {
				if (count++ % n == 0) System.out.println(message);
			}

			@Override
			public void log(String message) { System.out.println(message); }
		};
	}

	/** An extra loss with parameters of its own, trained beside the teacher (same Adam settings). */
	public interface Head {
		/** Its trainable parameters, created once in {@code manager}. */
		List<NDArray> parameters(NDManager manager);

		/** The term for one step; {@code anchors} are the anchor crops' descriptors, rows (crop·G + i)·G + j. */
		NDArray loss(NDArray anchors, CropPairSampler.Batch batch, long seed, int step);

		float weight();
	}

	/** The dense objective plus a {@link Head}; its parameters are not checkpointed, so such a run cannot resume. */
	public static final class WithHead extends DenseObjective {
		private final Head head;

		public WithHead(List<io.github.stad.engine.image.FloatImage> images, io.github.stad.engine.teacher.TeacherSettings s, io.github.stad.engine.net.TeacherWeights initial, Head head) {
			super(images, s, initial);
			this.head = head;
		}

		@Override
		public List<NDArray> prepare(io.github.stad.engine.image.InputNormalisation normalisation, Resumed resumed, NDManager manager, ai.djl.Device device) {
			List<NDArray> params = new java.util.ArrayList<>(super.prepare(normalisation, resumed, manager, device));
			params.addAll(head.parameters(manager));
			return params;
		}

		@Override
		public String mismatch(io.github.stad.engine.teacher.TeacherCheckpoint.State state, List<float[]> extras) {
			return "a run with an auxiliary head cannot resume: its parameters are not checkpointed";
		}

		@Override
		protected ExtraTerm extraTerm(NDArray anchors, CropPairSampler.Batch batch, int step) {
			return new ExtraTerm("auxiliary", head.loss(anchors, batch, settings().seed(), step), head.weight());
		}
	}

	/** The position classifier. */
	static class PositionHead implements Head {
		private final int dim, hidden, offset;
		private final float weight;
		private NDArray w1, b1, w2, b2;

		PositionHead(int dim, int hidden, int offset, float weight) {
			this.dim = dim;
			this.hidden = hidden;
			this.offset = offset;
			this.weight = weight;
		}

		@Override
		public List<NDArray> parameters(NDManager manager) {
			SplittableRandom r = new SplittableRandom(7);
			w1 = manager.create(gaussian(r, 2 * dim * hidden, Math.sqrt(2.0 / (2 * dim)))).reshape(2 * dim, hidden);
			b1 = manager.zeros(new ai.djl.ndarray.types.Shape(hidden));
			w2 = manager.create(gaussian(r, hidden * DIRECTIONS.length, Math.sqrt(1.0 / hidden))).reshape(hidden, DIRECTIONS.length);
			b2 = manager.zeros(new ai.djl.ndarray.types.Shape(DIRECTIONS.length));
			List<NDArray> params = List.of(w1, b1, w2, b2);
			for (NDArray a : params) a.setRequiresGradient(true);
			return params;
		}

		@Override
		public NDArray loss(NDArray anchors, CropPairSampler.Batch batch, long seed, int step) {
			int g = batch.grid();
			SplittableRandom r = new SplittableRandom(seed * 1_000_003L + step);
			List<long[]> pairs = new ArrayList<>();
			int[] valid = new int[DIRECTIONS.length];
			for (int b = 0; b < batch.crops(); b++) {
				for (int i = 0; i < g; i++) {
					for (int j = 0; j < g; j++) {
						int count = 0;
						for (int c = 0; c < DIRECTIONS.length; c++) {
							int ni = i + offset * DIRECTIONS[c][0], nj = j + offset * DIRECTIONS[c][1];
							if (ni >= 0 && ni < g && nj >= 0 && nj < g) valid[count++] = c;
						}
						if (count == 0) continue;
						int c = valid[r.nextInt(count)];
						pairs.add(new long[] { (b * g + i) * g + j, (b * g + i + offset * DIRECTIONS[c][0]) * g + j + offset * DIRECTIONS[c][1], c });
					}
				}
			}
			int n = pairs.size();
			long[] a = new long[n], nb = new long[n];
			float[] target = new float[n * DIRECTIONS.length];
			for (int k = 0; k < n; k++) {
				a[k] = pairs.get(k)[0];
				nb[k] = pairs.get(k)[1];
				target[k * DIRECTIONS.length + (int) pairs.get(k)[2]] = 1;
			}
			NDManager m = anchors.getManager();
			NDArray x = anchors.get(m.create(a)).concat(anchors.get(m.create(nb)), 1);
			NDArray logits = Activation.leakyRelu(x.matMul(w1).add(b1), 0.01f).matMul(w2).add(b2);
			return logits.logSoftmax(1).mul(m.create(target).reshape(n, DIRECTIONS.length)).sum(new int[] { 1 }).neg().mean();
		}

		@Override
		public float weight() { return weight; }

		/** The first layer's weights as they are now (for tests). */
		float[] firstLayer() { return w1.toFloatArray(); }

	}

	/**
	 * Reads the window's mean and standard deviation (per channel, normalised input) from each anchor's
	 * descriptor with one linear layer; loss = mean squared error. The window of grid point (i, j) is the
	 * p×p input square from (stride·i, stride·j) of the crop.
	 */
	static class IntensityHead implements Head {
		private final int dim, window, stride, channels;
		private final float weight;
		private NDArray w, b;

		IntensityHead(int dim, int window, int stride, int channels, float weight) {
			this.dim = dim;
			this.window = window;
			this.stride = stride;
			this.channels = channels;
			this.weight = weight;
		}

		@Override
		public List<NDArray> parameters(NDManager manager) {
			w = manager.create(gaussian(new SplittableRandom(11), dim * 2 * channels, Math.sqrt(1.0 / dim))).reshape(dim, 2 * channels);
			b = manager.zeros(new ai.djl.ndarray.types.Shape(2 * channels));
			List<NDArray> params = List.of(w, b);
			for (NDArray a : params) a.setRequiresGradient(true);
			return params;
		}

		/** Per anchor grid point, rows as the descriptors: mean and standard deviation of each channel in its window. */
		static float[] windowStatistics(float[] crops, int count, int channels, int inputSize, int grid, int window, int stride) {
			float[] out = new float[count * grid * grid * 2 * channels];
			int plane = inputSize * inputSize;
			for (int b = 0; b < count; b++) for (int i = 0; i < grid; i++) for (int j = 0; j < grid; j++) {
				int row = (b * grid + i) * grid + j;
				for (int c = 0; c < channels; c++) {
					double sum = 0, sumSq = 0;
					int base = (b * channels + c) * plane;
					for (int y = stride * i; y < stride * i + window; y++) for (int x = stride * j; x < stride * j + window; x++) {
						double v = crops[base + y * inputSize + x];
						sum += v;
						sumSq += v * v;
					}
					double n = (double) window * window, mean = sum / n;
					out[row * 2 * channels + 2 * c] = (float) mean;
					out[row * 2 * channels + 2 * c + 1] = (float) Math.sqrt(Math.max(0, sumSq / n - mean * mean));
				}
			}
			return out;
		}

		@Override
		public NDArray loss(NDArray anchors, CropPairSampler.Batch batch, long seed, int step) {
			int g = batch.grid(), rows = batch.crops() * g * g;
			float[] target = windowStatistics(batch.anchors(), batch.crops(), channels, batch.inputSize(), g, window, stride);
			NDArray predicted = anchors.matMul(w).add(b);
			return predicted.sub(anchors.getManager().create(target).reshape(rows, 2 * channels)).square().sum(new int[] { 1 }).mean();
		}

		@Override
		public float weight() { return weight; }
	}

	private static float[] gaussian(SplittableRandom r, int n, double std) {
		float[] v = new float[n];
		for (int k = 0; k < n; k++) {
			double u1 = 1 - r.nextDouble(), u2 = r.nextDouble();
			v[k] = (float) (std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
		}
		return v;
	}
}
