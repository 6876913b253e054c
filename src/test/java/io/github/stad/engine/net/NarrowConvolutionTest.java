package io.github.stad.engine.net;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

/**
 * The gradients of {@link DescriptorNet#convolve} against a plain convolution written out in Java: on some CPUs
 * libtorch's own gradients are wrong for fewer than 16 output channels (see {@link DescriptorNet#NARROW_CONVOLUTION}).
 */
class NarrowConvolutionTest {

	@ParameterizedTest
	@CsvSource({ "1, 4, 3", "4, 4, 3", "4, 8, 3", "8, 8, 4", "16, 4, 3", "4, 32, 3" })
	void inputAndWeightGradientsMatchAPlainConvolution(int in, int out, int k) {
		int n = 2, h = 20, w = 20, oh = h - k + 1, ow = w - k + 1;
		Random random = new Random(in * 100 + out);
		float[] x = gaussian(random, n * in * h * w), weight = gaussian(random, out * in * k * k), bias = gaussian(random, out);
		try (NDManager m = NDManager.newBaseManager(Device.cpu(), Djl.engine().getEngineName())) {
			NDArray X = m.create(x, new Shape(n, in, h, w)), W = m.create(weight, new Shape(out, in, k, k)), B = m.create(bias, new Shape(out));
			for (NDArray a : new NDArray[] { X, W, B }) a.setRequiresGradient(true);
			float[] y;
			try (GradientCollector collector = Djl.engine().newGradientCollector()) {
				NDArray Y = DescriptorNet.convolve(X, W, B);
				y = Y.toFloatArray();
				collector.backward(Y.mul(Y).sum()); // dL/dY = 2Y
			}
			double[] ref = new double[n * out * oh * ow], gx = new double[x.length], gw = new double[weight.length];
			for (int b = 0; b < n; b++) for (int o = 0; o < out; o++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
				double s = bias[o];
				for (int c = 0; c < in; c++) for (int u = 0; u < k; u++) for (int v = 0; v < k; v++)
					s += x[((b * in + c) * h + i + u) * w + j + v] * weight[((o * in + c) * k + u) * k + v];
				ref[((b * out + o) * oh + i) * ow + j] = s;
				for (int c = 0; c < in; c++) for (int u = 0; u < k; u++) for (int v = 0; v < k; v++) {
					int xi = ((b * in + c) * h + i + u) * w + j + v, wi = ((o * in + c) * k + u) * k + v;
					gx[xi] += 2 * s * weight[wi];
					gw[wi] += 2 * s * x[xi];
				}
			}
			assertClose(ref, y, "output");
			assertClose(gx, X.getGradient().toFloatArray(), "input gradient");
			assertClose(gw, W.getGradient().toFloatArray(), "weight gradient");
		}
	}

	private static float[] gaussian(Random random, int count) {
		float[] a = new float[count];
		for (int i = 0; i < count; i++) a[i] = (float) random.nextGaussian();
		return a;
	}

	private static void assertClose(double[] expected, float[] actual, String what) {
		assertEquals(expected.length, actual.length, what + " size");
		double scale = 0;
		for (double e : expected) scale = Math.max(scale, Math.abs(e));
		for (int i = 0; i < expected.length; i++)
			assertEquals(expected[i], actual[i], 1e-4 * scale, what + " element " + i);
	}
}
