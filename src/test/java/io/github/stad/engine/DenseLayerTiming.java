package io.github.stad.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;

import java.util.List;

/** Throwaway profile: time of every operation of one dense pass (p, size from args). */
public class DenseLayerTiming {
	public static void main(String[] args) throws Exception {
		int p = Integer.parseInt(args[0]), size = Integer.parseInt(args[1]);
		Architecture arch = Architecture.standard(p, 1);
		try (NDManager m = NDManager.newBaseManager(Device.cpu(), Djl.engine().getEngineName());
				DescriptorNet net = DescriptorNet.random(arch, m, Device.cpu(), 1)) {
			int in = DescriptorNet.denseInputSize(arch, size);
			NDArray input = m.randomNormal(new Shape(1, 1, in, in));
			for (int rep = 0; rep < 3; rep++) {
				long total = System.nanoTime();
				StringBuilder sb = new StringBuilder();
				List<NDArray> params = net.parameters();
				NDArray x = input;
				int conv = 0;
				for (Architecture.Layer l : arch.layers()) {
					long t = System.nanoTime();
					String what;
					if (l.pooling()) {
						NDArray pooled = Pool.maxPool2d(x, new Shape(2, 2), new Shape(1, 1), new Shape(0, 0), false);
						long t1 = System.nanoTime();
						Shape s = pooled.getShape();
						long b = s.get(0), c = s.get(1), h = s.get(2) / 2, w = s.get(3) / 2;
						x = pooled.reshape(b, c, h, 2, w, 2).transpose(3, 5, 0, 1, 2, 4).reshape(4 * b, c, h, w);
						sb.append(String.format("pool %.3f split %.3f | ", (t1 - t) / 1e9, (System.nanoTime() - t1) / 1e9));
						continue;
					}
					x = Conv2d.conv2d(x, params.get(2 * conv), params.get(2 * conv + 1)).singletonOrThrow();
					long t1 = System.nanoTime();
					conv++;
					if (conv < params.size() / 2) x = Activation.leakyRelu(x, Architecture.LEAKY_SLOPE);
					what = "conv" + l.kernel() + "x" + l.outChannels() + x.getShape();
					sb.append(String.format("%s %.3f act %.3f | ", what, (t1 - t) / 1e9, (System.nanoTime() - t1) / 1e9));
				}
				System.out.printf("rep %d total(no merge) %.3f s: %s%n", rep, (System.nanoTime() - total) / 1e9, sb);
				long t = System.nanoTime();
				NDArray d = net.dense(input, size, size);
				System.out.printf("   net.dense %.3f s%n", (System.nanoTime() - t) / 1e9);
			}
		}
	}
}
