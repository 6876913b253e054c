package io.github.stad.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import io.github.stad.engine.net.Djl;

/**
 * Is one grouped convolution (teacher + students side by side, groups = 4) faster than the four
 * networks' convolutions one after another? Times both on the layer shapes of the dense p = 65 and p = 33
 * passes over a 256² tile (after their phase splits), best of REPS. Not a test; a speed probe for
 * docs/benchmarks.md. Run: java -cp … io.github.stad.bench.GroupedConvProbe [REPS]
 */
public final class GroupedConvProbe {

	public static void main(String[] args) {
		int reps = args.length > 0 ? Integer.parseInt(args[0]) : 3;
		// {batch (phases), in, out, kernel, output side}
		int[][] shapes = {
				{ 4, 128, 128, 5, 154 }, // p = 65 conv 2
				{ 16, 128, 128, 5, 72 }, // p = 65 conv 3
				{ 64, 128, 256, 4, 32 }, // p = 65 conv 4
				{ 64, 256, 128, 1, 32 }, // p = 65 conv 5
				{ 4, 128, 256, 5, 142 }, // p = 33 conv 2
				{ 16, 256, 256, 2, 70 }, // p = 33 conv 3
				{ 16, 256, 128, 4, 67 }, // p = 33 conv 4
		};
		int nets = 4;
		try (NDManager m = NDManager.newBaseManager(Djl.device(false), Djl.engine().getEngineName())) {
			System.out.println("| batch × in → out, k×k, output side | 4 separate convolutions, s | one grouped (groups = 4), s | grouped / separate |");
			System.out.println("| --- | --- | --- | --- |");
			for (int[] s : shapes) {
				int b = s[0], in = s[1], out = s[2], k = s[3], side = s[4] + k - 1;
				NDArray[] xs = new NDArray[nets], ws = new NDArray[nets], bs = new NDArray[nets];
				for (int i = 0; i < nets; i++) {
					xs[i] = m.randomNormal(new Shape(b, in, side, side));
					ws[i] = m.randomNormal(new Shape(out, in, k, k)).mul(0.01);
					bs[i] = m.zeros(new Shape(out));
				}
				// Inputs side by side along the channels; weights and biases stacked along the output channels.
				NDArray xg = NDArrays.concat(new NDList(xs), 1), wg = NDArrays.concat(new NDList(ws), 0), bg = NDArrays.concat(new NDList(bs), 0);
				double separate = Double.MAX_VALUE, grouped = Double.MAX_VALUE;
				for (int r = 0; r <= reps; r++) { // the first round warms up
					long t0 = System.nanoTime();
					for (int i = 0; i < nets; i++) {
						try (NDManager sub = m.newSubManager()) {
							NDArray y = Conv2d.conv2d(xs[i], ws[i], bs[i]).singletonOrThrow();
							y.tempAttach(sub);
						}
					}
					long t1 = System.nanoTime();
					try (NDManager sub = m.newSubManager()) {
						NDArray y = Conv2d.conv2d(xg, wg, bg, new Shape(1, 1), new Shape(0, 0), new Shape(1, 1), nets).singletonOrThrow();
						y.tempAttach(sub);
					}
					long t2 = System.nanoTime();
					if (r > 0) {
						separate = Math.min(separate, (t1 - t0) / 1e9);
						grouped = Math.min(grouped, (t2 - t1) / 1e9);
					}
				}
				System.out.printf("| %d × %d → %d, %d×%d, %d² | %.3f | %.3f | %.2f |%n", b, in, out, k, k, s[4], separate, grouped, grouped / separate);
				for (int i = 0; i < nets; i++) { xs[i].close(); ws[i].close(); bs[i].close(); }
				xg.close(); wg.close(); bg.close();
			}
		}
	}
}
