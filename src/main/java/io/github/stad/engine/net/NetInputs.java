package io.github.stad.engine.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.image.PaddedCrops;

import java.util.List;

/**
 * The reflection-padded input windows that the dense and strided network forms need, built from
 * images. Both forms share one window builder, so their border handling cannot drift apart.
 */
public final class NetInputs {

	private NetInputs() {}

	/** The dense input for the output tile (x0, y0, tw, th) of one image. */
	public static NDArray dense(NDManager manager, Architecture arch, FloatImage image, int x0, int y0, int tw, int th) {
		return dense(manager, arch, List.of(image), new int[] { 0 }, new int[] { x0 }, new int[] { y0 }, tw, th);
	}

	/** A batch of dense inputs, one per (image, x0, y0), all for output tiles of tw×th. */
	public static NDArray dense(NDManager manager, Architecture arch, List<FloatImage> images, int[] imageIndex, int[] x0, int[] y0, int tw, int th) {
		return windows(manager, arch, images, imageIndex, x0, y0, DescriptorNet.denseInputSize(arch, tw), DescriptorNet.denseInputSize(arch, th));
	}

	/**
	 * The windows whose strided outputs are the grid points (x0 + s·j, y0 + s·i),
	 * 0 ≤ j &lt; gridW, 0 ≤ i &lt; gridH, s = {@link Architecture#outputStride()}.
	 */
	public static NDArray strided(NDManager manager, Architecture arch, List<FloatImage> images, int[] imageIndex, int[] x0, int[] y0, int gridW, int gridH) {
		return windows(manager, arch, images, imageIndex, x0, y0, DescriptorNet.stridedInputSize(arch, gridW), DescriptorNet.stridedInputSize(arch, gridH));
	}

	/** [N, C, inH, inW] windows starting marginBefore before (x0, y0) of each image, reflected past its borders. */
	private static NDArray windows(NDManager manager, Architecture arch, List<FloatImage> images, int[] imageIndex, int[] x0, int[] y0, int inW, int inH) {
		int c = arch.inputChannels();
		int size = c * inW * inH;
		float[] buffer = new float[imageIndex.length * size];
		for (int i = 0; i < imageIndex.length; i++) {
			PaddedCrops.window(images.get(imageIndex[i]), x0[i] - arch.marginBefore(), y0[i] - arch.marginBefore(), inW, inH, buffer, i * size);
		}
		return manager.create(buffer, new Shape(imageIndex.length, c, inH, inW));
	}
}
