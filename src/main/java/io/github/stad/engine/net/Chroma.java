package io.github.stad.engine.net;

import java.util.SplittableRandom;

/**
 * RGB split into luminance and chroma for the colour teacher: the luminance direction (1, 1, 1)/√3 and two
 * orthonormal chroma directions A = (1, −1, 0)/√2 and B = (1, 1, −2)/√6 that sum to zero over R, G, B.
 * A first-layer weight [out, 3, k, k] is its luminance part plus A⊗U + B⊗V; the chroma coefficients U and V
 * ([out, k, k]) see only colour: on input whose three channels are equal (after the per-channel input
 * normalisation) they contribute nothing, so a teacher that differs from the gray one in U and V alone gives
 * the gray teacher's descriptors there, up to float rounding.
 */
public final class Chroma {

	private static final float[] A = { (float) (1 / Math.sqrt(2)), (float) (-1 / Math.sqrt(2)), 0 };
	private static final float[] B = { (float) (1 / Math.sqrt(6)), (float) (1 / Math.sqrt(6)), (float) (-2 / Math.sqrt(6)) };

	private Chroma() {}

	/** The chroma directions A and B as [1, 3, 1, 1]-shaped values (copies), for building the weight on a device. */
	public static float[] directionA() { return A.clone(); }

	public static float[] directionB() { return B.clone(); }

	/** The chroma coefficients {U, V} of an RGB first-layer weight [out, 3, kk] (kk = k·k values per channel). */
	public static float[][] coefficients(float[] weight, int out, int kk) {
		checkShape(weight, out, kk);
		float[] u = new float[out * kk], v = new float[out * kk];
		for (int o = 0; o < out; o++) {
			for (int i = 0; i < kk; i++) {
				float su = 0, sv = 0;
				for (int c = 0; c < 3; c++) {
					float w = weight[(o * 3 + c) * kk + i];
					su += A[c] * w;
					sv += B[c] * w;
				}
				u[o * kk + i] = su;
				v[o * kk + i] = sv;
			}
		}
		return new float[][] { u, v };
	}

	/** The weight without its chroma part: W − A⊗U − B⊗V for U, V = {@link #coefficients}. */
	public static float[] luminancePart(float[] weight, int out, int kk) {
		float[][] uv = coefficients(weight, out, kk);
		float[] base = weight.clone();
		for (int o = 0; o < out; o++) {
			for (int c = 0; c < 3; c++) {
				for (int i = 0; i < kk; i++) base[(o * 3 + c) * kk + i] -= A[c] * uv[0][o * kk + i] + B[c] * uv[1][o * kk + i];
			}
		}
		return base;
	}

	/** base + A⊗U + B⊗V, the weight the colour trainer's forward pass uses (the same sums in the same order). */
	public static float[] join(float[] base, float[] u, float[] v, int out, int kk) {
		checkShape(base, out, kk);
		float[] w = new float[base.length];
		for (int o = 0; o < out; o++) {
			for (int c = 0; c < 3; c++) {
				for (int i = 0; i < kk; i++) {
					int k = (o * 3 + c) * kk + i;
					w[k] = base[k] + u[o * kk + i] * A[c] + v[o * kk + i] * B[c];
				}
			}
		}
		return w;
	}

	/**
	 * A random colour change of one raw RGB patch ([3, planeSize] from {@code offset}), in place, that keeps
	 * every pixel's (R + G + B) / 3: its chroma turned by an angle, scaled (0 removes the colour) and shifted
	 * by a cast of {@code minCast}–{@code maxCast} (intensity units) in a random direction, so that even a gray
	 * patch changes colour.
	 */
	public static void randomShift(float[] patches, int offset, int planeSize, SplittableRandom random, double minCast, double maxCast) {
		double angle = random.nextDouble(-Math.PI, Math.PI), scale = random.nextDouble(0, 1.5);
		double castAngle = random.nextDouble(-Math.PI, Math.PI), cast = random.nextDouble(minCast, maxCast);
		float cos = (float) (Math.cos(angle) * scale), sin = (float) (Math.sin(angle) * scale);
		float castU = (float) (Math.cos(castAngle) * cast), castV = (float) (Math.sin(castAngle) * cast);
		for (int i = 0; i < planeSize; i++) {
			int r = offset + i, g = r + planeSize, b = g + planeSize;
			float mean = (patches[r] + patches[g] + patches[b]) / 3;
			float u = A[0] * patches[r] + A[1] * patches[g] + A[2] * patches[b];
			float v = B[0] * patches[r] + B[1] * patches[g] + B[2] * patches[b];
			float u2 = cos * u - sin * v + castU, v2 = sin * u + cos * v + castV;
			patches[r] = mean + A[0] * u2 + B[0] * v2;
			patches[g] = mean + A[1] * u2 + B[1] * v2;
			patches[b] = mean + A[2] * u2 + B[2] * v2;
		}
	}

	private static void checkShape(float[] weight, int out, int kk) {
		if (weight.length != out * 3 * kk) throw new IllegalArgumentException("Expected an RGB first-layer weight of " + out + "×3×" + kk + " values, got " + weight.length);
	}
}
