package io.github.stad.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import io.github.stad.engine.net.Djl;

/**
 * Would Winograd convolutions, written with the engine's own operators, beat PyTorch's direct
 * convolutions on the dense passes' layer shapes? F(m×m, r×r) computes an m×m output tile from an
 * (m + r − 1)² input tile with (m + r − 1)² multiplications per channel pair instead of m²r² (F(4, 5):
 * 64 against 400), as Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A. The transforms come from Toom–Cook on the points
 * 0, ±1, ±2, ±½ and ∞: for linear convolution s = V⁻¹(E_g g ⊙ E_h h), with E the evaluation matrices,
 * so correlation (the transpose) is y = E_hᵀ[(E_g g) ⊙ (V⁻ᵀ d)]: Aᵀ = E_hᵀ, G = E_g, Bᵀ = V⁻ᵀ.
 * Stages here: input transform as a stride-m convolution with the (m + r − 1)² basis kernels, a
 * layout change, one batched matrix product per tile position, the output transform as a matrix
 * product, and the layout back. Prints per shape the direct and Winograd times (best of REPS), the
 * stage times and the largest error relative to the direct result. Not a test: a speed probe for
 * docs/benchmarks.md. Run: java -cp … io.github.stad.bench.WinogradProbe [REPS]
 */
public final class WinogradProbe {

	public static void main(String[] args) {
		int reps = args.length > 0 ? Integer.parseInt(args[0]) : 3;
		// {batch (phases), in, out, kernel, output side, m}: the dense passes' shapes over a 256² tile
		int[][] shapes = { { 4, 128, 256, 5, 142, 4 }, { 4, 128, 256, 5, 142, 2 }, { 4, 128, 128, 5, 154, 4 }, { 16, 128, 128, 5, 72, 4 },
				{ 64, 128, 256, 4, 32, 4 }, { 16, 256, 128, 4, 67, 4 }, { 1, 128, 256, 5, 252, 4 } };
		try (NDManager m = NDManager.newBaseManager(Djl.device(false), Djl.engine().getEngineName())) {
			NDArray a = m.randomNormal(new Shape(2048, 2048)), b = m.randomNormal(new Shape(2048, 2048));
			double tm = best(() -> { try (NDManager s = m.newSubManager()) { a.matMul(b).tempAttach(s); } }, reps);
			System.out.printf("matrix product 2048²: %.0f ms, %.0f GFLOP/s%n%n", tm, 2 * Math.pow(2048, 3) / tm / 1e6);
			System.out.println("| batch × in → out, k×k, output side | F(m, r) | direct, ms (GFLOP/s) | Winograd, ms | direct / Winograd | stages: input transform, layout, batched product, output transform, layout (ms) | largest relative error |");
			System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
			for (int[] sh : shapes) {
				try (NDManager perShape = m.newSubManager()) { row(perShape, sh, reps); } // frees each shape's tensors
			}
		}
	}

	private static void row(NDManager m, int[] sh, int reps) {
		int batch = sh[0], in = sh[1], out = sh[2], r = sh[3], size = sh[4], tile = sh[5], n = tile + r - 1;
		double[] points = { 0, 1, -1, 2, -2, 0.5, -0.5 };
		double[] used = java.util.Arrays.copyOf(points, n - 1);
		double[][] eh = evaluation(used, tile), g = evaluation(used, r), vInverse = inverse(evaluation(used, n));
		double[][] at = new double[tile][n], bt = new double[n][n];
		for (int i = 0; i < tile; i++) for (int j = 0; j < n; j++) at[i][j] = eh[j][i];
		for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) bt[i][j] = vInverse[j][i];
		int tiles = (size + tile - 1) / tile, side = tiles * tile + r - 1, t2 = tiles * tiles, n2 = n * n;
		NDArray x = m.randomNormal(new Shape(batch, in, side, side)), w = m.randomNormal(new Shape(out, in, r, r)).mul(1.0 / Math.sqrt(in * r * r)),
				bias = m.zeros(new Shape(out));
		NDArray gm = matrix(m, g), btm = matrix(m, bt), atm = matrix(m, at);
		// Precomputed once per network: transformed weights [n², out, in], input basis kernels, output matrix.
		NDArray u = gm.matMul(w).matMul(gm.transpose()).transpose(2, 3, 0, 1).reshape(n2, out, in);
		NDArray kernels = btm.reshape(n, 1, n, 1).mul(btm.reshape(1, n, 1, n)).reshape(n2, 1, n, n);
		NDArray outMatrix = atm.reshape(tile, 1, n, 1).mul(atm.reshape(1, tile, 1, n)).reshape(tile * tile, n2);
		NDArray flat = x.reshape((long) batch * in, 1, side, side);
		NDArray v0 = Conv2d.conv2d(flat, kernels, null, new Shape(tile, tile)).singletonOrThrow();
		NDArray v = v0.reshape(batch, in, n2, t2).transpose(2, 1, 0, 3).reshape(n2, in, (long) batch * t2);
		NDArray product = u.matMul(v);
		NDArray y0 = outMatrix.matMul(product.reshape(n2, (long) out * batch * t2));
		NDArray y = y0.reshape(tile, tile, out, batch, tiles, tiles).transpose(3, 2, 4, 0, 5, 1).reshape(batch, out, tiles * tile, tiles * tile).add(bias.reshape(1, out, 1, 1));
		double[] stage = {
				best(() -> { try (NDManager s = m.newSubManager()) { Conv2d.conv2d(flat, kernels, null, new Shape(tile, tile)).singletonOrThrow().tempAttach(s); } }, reps),
				best(() -> { try (NDManager s = m.newSubManager()) { v0.reshape(batch, in, n2, t2).transpose(2, 1, 0, 3).reshape(n2, in, (long) batch * t2).tempAttach(s); } }, reps),
				best(() -> { try (NDManager s = m.newSubManager()) { u.matMul(v).tempAttach(s); } }, reps),
				best(() -> { try (NDManager s = m.newSubManager()) { outMatrix.matMul(product.reshape(n2, (long) out * batch * t2)).tempAttach(s); } }, reps),
				best(() -> { try (NDManager s = m.newSubManager()) {
					y0.reshape(tile, tile, out, batch, tiles, tiles).transpose(3, 2, 4, 0, 5, 1).reshape(batch, out, tiles * tile, tiles * tile).tempAttach(s); } }, reps) };
		double winograd = 0;
		for (double t : stage) winograd += t;
		double direct = best(() -> { try (NDManager s = m.newSubManager()) { Conv2d.conv2d(x, w, bias).singletonOrThrow().tempAttach(s); } }, reps);
		NDArray reference = Conv2d.conv2d(x, w, bias).singletonOrThrow();
		int valid = side - r + 1;
		float error = y.get(new NDIndex(":, :, :" + valid + ", :" + valid)).sub(reference).abs().max().getFloat() / reference.abs().max().getFloat();
		double gflop = 2.0 * batch * in * out * r * r * (double) valid * valid / 1e9;
		System.out.printf("| %d × %d → %d, %d×%d, %d² | F(%d, %d) | %.0f (%.0f) | %.0f | %.2f | %.0f, %.0f, %.0f, %.0f, %.0f | %.1e |%n", batch, in, out, r, r, valid, tile, r,
				direct, gflop / direct * 1e3, winograd, direct / winograd, stage[0], stage[1], stage[2], stage[3], stage[4], error);
	}

	/** Rows [1, a, a², …] for each finite point, then the point at infinity [0, …, 0, 1]; k columns. */
	private static double[][] evaluation(double[] points, int k) {
		double[][] e = new double[points.length + 1][k];
		for (int j = 0; j < points.length; j++) for (int i = 0; i < k; i++) e[j][i] = Math.pow(points[j], i);
		e[points.length][k - 1] = 1;
		return e;
	}

	/** Gauss–Jordan inverse with partial pivoting (small, well-conditioned matrices only). */
	private static double[][] inverse(double[][] a) {
		int n = a.length;
		double[][] t = new double[n][2 * n];
		for (int i = 0; i < n; i++) { System.arraycopy(a[i], 0, t[i], 0, n); t[i][n + i] = 1; }
		for (int c = 0; c < n; c++) {
			int pivot = c;
			for (int row = c; row < n; row++) if (Math.abs(t[row][c]) > Math.abs(t[pivot][c])) pivot = row;
			double[] swap = t[c]; t[c] = t[pivot]; t[pivot] = swap;
			double d = t[c][c];
			for (int j = 0; j < 2 * n; j++) t[c][j] /= d;
			for (int row = 0; row < n; row++) {
				if (row == c) continue;
				double f = t[row][c];
				for (int j = 0; j < 2 * n; j++) t[row][j] -= f * t[c][j];
			}
		}
		double[][] out = new double[n][n];
		for (int i = 0; i < n; i++) System.arraycopy(t[i], n, out[i], 0, n);
		return out;
	}

	private static NDArray matrix(NDManager m, double[][] a) {
		int rows = a.length, cols = a[0].length;
		float[] v = new float[rows * cols];
		for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) v[i * cols + j] = (float) a[i][j];
		return m.create(v, new Shape(rows, cols));
	}

	private static double best(Runnable run, int reps) {
		run.run();
		double best = Double.MAX_VALUE;
		for (int i = 0; i < reps; i++) {
			long start = System.nanoTime();
			run.run();
			best = Math.min(best, (System.nanoTime() - start) / 1e6);
		}
		return best;
	}
}
