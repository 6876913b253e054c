package io.github.stad.engine.net;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A teacher or student network: one set of weights with two forward forms.
 * <ul>
 * <li>{@link #patch} — the patch network T̂: p×p patches → one descriptor each.</li>
 * <li>{@link #dense} — the dense network T: a padded image → a descriptor for every pixel in
 * one pass. Every pooling gets stride 1 and every later convolution and pooling window is
 * dilated by the product of the strides before it ("filter rarefaction", equivalent to the
 * Bailer et al. transform), so output (r,c) equals T̂ of the patch centred on (r,c).</li>
 * </ul>
 * The weights live in this object's own NDManager; intermediate arrays of a forward pass live in
 * the input's manager, so a caller that runs each batch in a sub-manager bounds memory.
 */
public final class DescriptorNet implements AutoCloseable {

	private final Architecture arch;
	private final NDManager manager;
	/** Per convolution: weight [out, in, k, k] and bias [out]. */
	private final List<NDArray> weights = new ArrayList<>();
	private final List<NDArray> biases = new ArrayList<>();

	private DescriptorNet(Architecture arch, NDManager parent, Device device) {
		this.arch = arch;
		this.manager = parent.newSubManager(device);
	}

	/** A randomly initialised network (PyTorch's default uniform ±1/√fan_in), deterministic for a seed. */
	public static DescriptorNet random(Architecture arch, NDManager parent, Device device, long seed) {
		DescriptorNet net = new DescriptorNet(arch, parent, device);
		SplittableRandom random = new SplittableRandom(seed);
		int in = arch.inputChannels();
		for (Architecture.Layer l : arch.layers()) {
			if (l.pooling()) continue;
			int fanIn = in * l.kernel() * l.kernel();
			double bound = 1.0 / Math.sqrt(fanIn);
			float[] w = new float[l.outChannels() * fanIn];
			for (int i = 0; i < w.length; i++) w[i] = (float) random.nextDouble(-bound, bound);
			float[] b = new float[l.outChannels()];
			for (int i = 0; i < b.length; i++) b[i] = (float) random.nextDouble(-bound, bound);
			net.weights.add(net.manager.create(w, new Shape(l.outChannels(), in, l.kernel(), l.kernel())));
			net.biases.add(net.manager.create(b, new Shape(l.outChannels())));
			in = l.outChannels();
		}
		return net;
	}

	/** A network with the given weights, as exported by {@link #exportWeights()}. */
	public static DescriptorNet fromWeights(Architecture arch, List<float[]> values, NDManager parent, Device device) {
		List<Shape> shapes = parameterShapes(arch);
		if (values.size() != shapes.size()) throw new IllegalArgumentException("Expected " + shapes.size() + " weight tensors for " + arch + ", got " + values.size());
		DescriptorNet net = new DescriptorNet(arch, parent, device);
		for (int i = 0; i < shapes.size(); i++) {
			Shape s = shapes.get(i);
			if (values.get(i).length != s.size()) {
				net.close();
				throw new IllegalArgumentException("Weight tensor " + i + " has " + values.get(i).length + " values, expected " + s.size() + " for " + arch);
			}
			NDArray a = net.manager.create(values.get(i), s);
			if (i % 2 == 0) net.weights.add(a); else net.biases.add(a);
		}
		return net;
	}

	/** Shapes of the parameters in export order: weight, bias, weight, bias, … */
	public static List<Shape> parameterShapes(Architecture arch) {
		List<Shape> shapes = new ArrayList<>();
		int in = arch.inputChannels();
		for (Architecture.Layer l : arch.layers()) {
			if (l.pooling()) continue;
			shapes.add(new Shape(l.outChannels(), in, l.kernel(), l.kernel()));
			shapes.add(new Shape(l.outChannels()));
			in = l.outChannels();
		}
		return shapes;
	}

	/** The number of values of each parameter in export order, for checking files before reading them. */
	public static long[] parameterLengths(Architecture arch) {
		return parameterShapes(arch).stream().mapToLong(Shape::size).toArray();
	}

	/** The parameters in export order (weight, bias, …), for optimisers. */
	public List<NDArray> parameters() {
		List<NDArray> p = new ArrayList<>();
		for (int i = 0; i < weights.size(); i++) {
			p.add(weights.get(i));
			p.add(biases.get(i));
		}
		return p;
	}

	public List<float[]> exportWeights() {
		List<float[]> out = new ArrayList<>();
		for (NDArray p : parameters()) out.add(p.toFloatArray());
		return out;
	}

	/** Turns gradient recording for the parameters on or off. */
	public void setTrainable(boolean trainable) {
		for (NDArray p : parameters()) p.setRequiresGradient(trainable);
	}

	public Architecture architecture() { return arch; }

	/** The manager holding the weights (on the network's device). */
	public NDManager manager() { return manager; }

	/** Patch form: [N, C, p, p] → [N, d]. */
	public NDArray patch(NDArray patches) {
		NDArray x = strided(patches);
		return x.reshape(x.getShape().get(0), arch.descriptorDim());
	}

	/**
	 * Strided form: the patch network slid over a larger input with its ordinary 2×2/2 pooling,
	 * [N, C, H, W] → [N, d, H', W']. Output (i, j) is T̂ of the receptive-field window at input
	 * offset (s·i, s·j), s = {@link Architecture#outputStride()}: the dense map on a grid of
	 * stride s, for a fraction of the dense form's work. Student training uses it on crops.
	 */
	public NDArray strided(NDArray input) {
		return strided(input, null);
	}

	/**
	 * Patch form with the first convolution's weight replaced by {@code firstWeight} (same shape), an
	 * array computed from trainable parameters, so that a trainer can shape that layer (the colour
	 * trainer trains only its chroma part) while the network's own weights stay as they are.
	 */
	public NDArray patch(NDArray patches, NDArray firstWeight) {
		NDArray x = strided(patches, firstWeight);
		return x.reshape(x.getShape().get(0), arch.descriptorDim());
	}

	private NDArray strided(NDArray input, NDArray firstWeight) {
		NDArray x = input;
		int conv = 0, convCount = weights.size();
		for (Architecture.Layer l : arch.layers()) {
			if (l.pooling()) {
				x = Pool.maxPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
			} else {
				NDArray w = conv == 0 && firstWeight != null ? firstWeight : weights.get(conv);
				x = convolve(x, w, biases.get(conv));
				conv++;
				if (conv < convCount) x = Activation.leakyRelu(x, Architecture.LEAKY_SLOPE);
			}
		}
		return x;
	}

	/**
	 * Trainable convolutions with fewer output channels than this run with zero filters added and their output cut
	 * back: on some CPUs (seen on an AMD EPYC with AVX-512, 2026-12) libtorch 2.7.1's CPU convolution returns wrong
	 * input gradients, sometimes NaN, when the gradient has fewer than 16 channels (relative error 0.2–0.7 against a
	 * plain reference; right from 16 channels on). Only narrow networks have such layers; the result is the same.
	 */
	static final int NARROW_CONVOLUTION = 16;

	/** conv2d(x, w, b), padded to {@link #NARROW_CONVOLUTION} output channels when w is trainable and narrower. */
	static NDArray convolve(NDArray x, NDArray w, NDArray b) {
		long out = w.getShape().get(0), added = NARROW_CONVOLUTION - out;
		if (added <= 0 || !w.hasGradient()) return Conv2d.conv2d(x, w, b).singletonOrThrow();
		Shape filter = w.getShape();
		// Zeros first, so that the padded arrays belong to x's (per-batch) manager, not the network's.
		NDManager batch = x.getManager();
		NDArray wideWeight = batch.zeros(new Shape(added, filter.get(1), filter.get(2), filter.get(3))).concat(w, 0);
		NDArray wideBias = batch.zeros(new Shape(added)).concat(b, 0);
		NDArray wide = Conv2d.conv2d(x, wideWeight, wideBias).singletonOrThrow();
		NDArray cut = wide.get(":, " + added + ":");
		wide.close();
		return cut;
	}

	/** Input side the strided form needs for {@code gridSize} outputs per side. */
	public static int stridedInputSize(Architecture arch, int gridSize) {
		return (gridSize - 1) * arch.outputStride() + arch.receptiveField();
	}

	/**
	 * Dense form: [N, C, denseInputSize(H), denseInputSize(W)] (the image window starting
	 * {@link Architecture#marginBefore()} before the first output pixel, reflection-padded) → [N, d, H, W].
	 * <p>
	 * Implemented as the Bailer et al. transform: every 2×2/2 pooling becomes a stride-1 pooling whose
	 * output is split into its four 2×2 phases, stacked along the batch axis; later layers then run as
	 * ordinary (undilated) convolutions on each phase, and the phases are interleaved back at the end.
	 * This computes exactly what dilating every later layer would, but ordinary convolutions run about
	 * twice as fast as dilated ones on the CPU. The input is extended (by reflected data the caller
	 * provides, see {@link #denseInputSize}) so that every phase split sees an even size.
	 */
	public NDArray dense(NDArray padded, int outH, int outW) {
		long n = padded.getShape().get(0);
		int needH = denseInputSize(arch, outH), needW = denseInputSize(arch, outW);
		NDArray x = padded;
		if (needH != padded.getShape().get(2) || needW != padded.getShape().get(3)) {
			throw new IllegalArgumentException("Dense input of " + padded.getShape() + " must be extended to " + needH + "x" + needW + " (see denseInputSize)");
		}
		int conv = 0, convCount = weights.size(), pools = 0;
		for (Architecture.Layer l : arch.layers()) {
			NDArray next;
			if (l.pooling()) {
				try (NDArray pooled = maxPool2x2Stride1(x)) {
					next = splitPhases(pooled);
				}
				pools++;
			} else {
				next = convolve(x, weights.get(conv), biases.get(conv));
				conv++;
				if (conv < convCount) {
					NDArray activated = Activation.leakyRelu(next, Architecture.LEAKY_SLOPE);
					next.close();
					next = activated;
				}
			}
			// Free each activation once used: otherwise all of them live until the caller's manager closes,
			// which for a 512² tile is gigabytes. Autograd keeps its own references when training.
			if (x != padded) x.close();
			x = next;
		}
		NDArray merged = mergePhases(x, pools, n);
		if (merged != x) x.close();
		x = merged;
		if (x.getShape().get(2) != outH || x.getShape().get(3) != outW) {
			NDArray cropped = x.get(":, :, 0:" + outH + ", 0:" + outW);
			x.close();
			x = cropped;
		}
		return x;
	}

	/**
	 * The input side the dense form needs for {@code outSize} output pixels: at least
	 * outSize + rf − 1, rounded up so that every phase split sees an even size. The extra
	 * rows/columns come after the image and only produce outputs that are cut off.
	 */
	public static int denseInputSize(Architecture arch, int outSize) {
		int minimum = outSize + arch.receptiveField() - 1;
		for (int s = minimum;; s++) {
			int size = s;
			boolean even = true;
			for (Architecture.Layer l : arch.layers()) {
				if (l.pooling()) {
					size -= 1;
					if (size % 2 != 0) { even = false; break; }
					size /= 2;
				} else {
					size -= l.kernel() - 1;
				}
			}
			if (even) return s;
		}
	}

	/**
	 * 2×2 max pooling with stride 1, [B, C, H, W] → [B, C, H − 1, W − 1], as two elementwise maxima of shifted
	 * views (columns, then rows). The same values as PyTorch's max_pool2d, bit for bit, but 5–6 times faster on
	 * the CPU, where max_pool2d at stride 1 took 27–31 % of a pooled network's dense pass (docs/benchmarks.md).
	 */
	static NDArray maxPool2x2Stride1(NDArray x) {
		long h = x.getShape().get(2), w = x.getShape().get(3);
		try (NDArray left = x.get(":, :, :, 0:" + (w - 1)); NDArray right = x.get(":, :, :, 1:" + w); NDArray columns = left.maximum(right);
				NDArray top = columns.get(":, :, 0:" + (h - 1) + ", :"); NDArray bottom = columns.get(":, :, 1:" + h + ", :")) {
			return top.maximum(bottom);
		}
	}

	/** [B, C, 2h, 2w] → [4B, C, h, w]; batch index = (2i + j)·B + b for the phase (i, j). */
	private static NDArray splitPhases(NDArray x) {
		Shape s = x.getShape();
		long b = s.get(0), c = s.get(1), h = s.get(2) / 2, w = s.get(3) / 2;
		return x.reshape(b, c, h, 2, w, 2).transpose(3, 5, 0, 1, 2, 4).reshape(4 * b, c, h, w);
	}

	/**
	 * Inverse of {@code pools} phase splits: [4^k·N, d, h, w] → [N, d, h·2^k, w·2^k]. A row of the full
	 * map is r = i1 + 2·i2 + … + 2^k·m, where i1 is the phase of the first split (innermost).
	 */
	private static NDArray mergePhases(NDArray x, int pools, long n) {
		if (pools == 0) return x;
		Shape s = x.getShape();
		long d = s.get(1), h = s.get(2), w = s.get(3);
		// Batch axis unfolds as [ik, jk, …, i1, j1, N].
		long[] dims = new long[2 * pools + 4];
		for (int i = 0; i < 2 * pools; i++) dims[i] = 2;
		dims[2 * pools] = n;
		dims[2 * pools + 1] = d;
		dims[2 * pools + 2] = h;
		dims[2 * pools + 3] = w;
		NDArray y = x.reshape(new Shape(dims));
		// Target order: N, d, m_row, ik, …, i1, m_col, jk, …, j1.
		int[] axes = new int[dims.length];
		int a = 0;
		axes[a++] = 2 * pools;
		axes[a++] = 2 * pools + 1;
		axes[a++] = 2 * pools + 2;
		for (int level = 0; level < pools; level++) axes[a++] = 2 * level; // ik first (most significant)
		axes[a++] = 2 * pools + 3;
		for (int level = 0; level < pools; level++) axes[a++] = 2 * level + 1;
		long scale = 1L << pools;
		return y.transpose(axes).reshape(n, d, h * scale, w * scale);
	}

	@Override
	public void close() { manager.close(); }
}
