package io.github.stad.engine.net;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The layer layout of a teacher/student network for one patch size p (METHOD.md): convolutions
 * with leaky ReLU and 2×2/2 max pooling, mapping a p×p patch to one d-dimensional descriptor.
 * {@code width} replaces the 128 channels of the paper's layers (256-channel layers get
 * 2·width) so that tests can run narrow versions of exactly the same layouts.
 */
public final class Architecture {

	public static final int[] SUPPORTED_PATCH_SIZES = { 17, 33, 65 };
	public static final int DEFAULT_WIDTH = 128;
	public static final int DEFAULT_DESCRIPTOR_DIM = 128;
	/** Largest width or descriptor size accepted: 8× the paper's, far beyond what trains in reasonable memory. */
	public static final int MAX_SIZE = 1024;
	public static final float LEAKY_SLOPE = 5e-3f;

	/** One layer: a convolution (kernel k, stride 1, no padding) or a 2×2 max pooling with stride 2. */
	public record Layer(boolean pooling, int kernel, int outChannels) {
		static Layer conv(int kernel, int outChannels) { return new Layer(false, kernel, outChannels); }
		static Layer pool() { return new Layer(true, 2, -1); }
	}

	private final int patchSize;
	private final int inputChannels;
	private final int width;
	private final int descriptorDim;
	private final List<Layer> layers;
	private final int receptiveField;

	public Architecture(int patchSize, int inputChannels, int width, int descriptorDim) {
		if (inputChannels != 1 && inputChannels != 3) throw new IllegalArgumentException("Input channels must be 1 (grayscale) or 3 (RGB), got " + inputChannels);
		if (width < 1 || descriptorDim < 1 || width > MAX_SIZE || descriptorDim > MAX_SIZE) {
			throw new IllegalArgumentException("Network width and descriptor size must lie between 1 and " + MAX_SIZE + " (defaults " + DEFAULT_WIDTH + " and "
					+ DEFAULT_DESCRIPTOR_DIM + "), got " + width + " and " + descriptorDim);
		}
		this.patchSize = patchSize;
		this.inputChannels = inputChannels;
		this.width = width;
		this.descriptorDim = descriptorDim;
		this.layers = Collections.unmodifiableList(layout(patchSize, width, descriptorDim));
		int rf = 1, jump = 1, size = patchSize;
		for (Layer l : layers) {
			rf += (l.kernel() - 1) * jump;
			if (l.pooling()) {
				jump *= 2;
				size /= 2; // pooling floors odd sizes
			} else {
				size -= l.kernel() - 1;
			}
		}
		if (size != 1) throw new IllegalStateException("Layout for p=" + patchSize + " does not reduce a patch to 1x1 (got " + size + ")");
		this.receptiveField = rf;
	}

	/** The paper's descriptor networks (full width). */
	public static Architecture standard(int patchSize, int inputChannels) {
		return new Architecture(patchSize, inputChannels, DEFAULT_WIDTH, DEFAULT_DESCRIPTOR_DIM);
	}

	private static List<Layer> layout(int p, int w, int d) {
		List<Layer> l = new ArrayList<>();
		switch (p) {
			case 65 -> {
				l.add(Layer.conv(5, w)); l.add(Layer.pool());
				l.add(Layer.conv(5, w)); l.add(Layer.pool());
				l.add(Layer.conv(5, w)); l.add(Layer.pool());
				l.add(Layer.conv(4, 2 * w));
				l.add(Layer.conv(1, d));
			}
			case 33 -> {
				l.add(Layer.conv(5, w)); l.add(Layer.pool());
				l.add(Layer.conv(5, 2 * w)); l.add(Layer.pool());
				l.add(Layer.conv(2, 2 * w));
				l.add(Layer.conv(4, d));
			}
			case 17 -> {
				l.add(Layer.conv(6, w));
				l.add(Layer.conv(5, 2 * w));
				l.add(Layer.conv(5, 2 * w));
				l.add(Layer.conv(4, d));
			}
			default -> throw new IllegalArgumentException("Unsupported patch size " + p + "; choose one of 17, 33, 65");
		}
		return l;
	}

	public int patchSize() { return patchSize; }
	public int inputChannels() { return inputChannels; }
	public int width() { return width; }
	public int descriptorDim() { return descriptorDim; }
	public List<Layer> layers() { return layers; }

	/**
	 * Side of the square the patch network really reads: pooling floors odd sizes, so this can be
	 * smaller than p (60 for p = 65). The patch network reads the top-left receptiveField² pixels.
	 */
	public int receptiveField() { return receptiveField; }

	/** Product of the pooling strides: the strided form's outputs are this many pixels apart. */
	public int outputStride() {
		int s = 1;
		for (Layer l : layers) if (l.pooling()) s *= 2;
		return s;
	}

	/** Rows/columns of padding before the image in the dense form: the patch is centred on its pixel. */
	public int marginBefore() { return (patchSize - 1) / 2; }

	/** Rows/columns of padding after the image: only what the receptive field reaches. */
	public int marginAfter() { return receptiveField - 1 - marginBefore(); }

	/** Multiply-adds per output pixel of the dense network (for benchmarks). */
	public long multiplyAddsPerPixel() {
		long total = 0;
		int in = inputChannels;
		for (Layer l : layers) {
			if (l.pooling()) continue;
			total += (long) l.kernel() * l.kernel() * in * l.outChannels();
			in = l.outChannels();
		}
		return total;
	}

	/**
	 * Multiply-adds of the dense network over one side×side output (for benchmarks), counting the
	 * margins that the receptive field makes every form compute (the input is side + receptiveField − 1
	 * wide; with pooling at stride 1 each later layer is dilated by the strides before it). Divided by
	 * side² · {@link #multiplyAddsPerPixel()} it is the least work per useful output pixel that any
	 * dense form of this network can do on such a tile.
	 */
	public long multiplyAddsForTile(int side) {
		long total = 0, n = side + receptiveField - 1;
		int in = inputChannels, dilation = 1;
		for (Layer l : layers) {
			n -= (long) (l.kernel() - 1) * dilation;
			if (l.pooling()) {
				dilation *= 2;
			} else {
				total += (long) l.kernel() * l.kernel() * in * l.outChannels() * n * n;
				in = l.outChannels();
			}
		}
		if (n != side) throw new IllegalStateException("dense output " + n + " != " + side);
		return total;
	}

	@Override
	public boolean equals(Object o) {
		return o instanceof Architecture a && a.patchSize == patchSize && a.inputChannels == inputChannels && a.width == width && a.descriptorDim == descriptorDim;
	}

	@Override
	public int hashCode() { return ((patchSize * 31 + inputChannels) * 31 + width) * 31 + descriptorDim; }

	@Override
	public String toString() { return "p=" + patchSize + ", channels=" + inputChannels + ", width=" + width + ", d=" + descriptorDim; }
}
