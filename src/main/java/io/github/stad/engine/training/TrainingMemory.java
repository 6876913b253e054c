package io.github.stad.engine.training;

import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.DescriptorNet;

/**
 * About how much memory one training needs at its peak, from the settings alone, so that settings
 * that cannot fit are refused before anything is allocated. Rough (within a factor of two) but
 * monotone in every setting: the networks with gradients and Adam's moments, the activations of
 * one batch of crops forward and backward, and one validation tile in the dense form.
 */
public final class TrainingMemory {

	private TrainingMemory() {}

	/** Bytes for the largest patch size of these settings with this many input channels. */
	public static double peakBytes(TrainingSettings s, int channels) {
		double peak = 0;
		for (int p : s.patchSizes()) {
			Architecture a = new Architecture(p, channels, s.network().width(), s.network().descriptorDim());
			double params = 0;
			for (long l : DescriptorNet.parameterLengths(a)) params += l;
			double networks = (s.students() + 1.0) * params * 4 * 4; // weights, gradients, two Adam moments
			int cropSize = s.schedule().cropFor(p);
			int grid = StudentTrainer.gridSize(a, cropSize, cropSize);
			double crop = (double) s.schedule().batchFor(p) * activations(a, (grid - 1) * a.outputStride() + a.receptiveField()) * 4 * 3;
			int tile = s.compute().tileSize();
			double dense = activations(a, tile + a.receptiveField()) * 4 * 2;
			peak = Math.max(peak, networks + Math.max(crop, dense));
		}
		return peak;
	}

	/** Floats of every layer's output for one input of side {@code side} (valid convolutions, 2×2 pooling). */
	private static double activations(Architecture a, int side) {
		double total = (double) side * side * a.inputChannels();
		double size = side;
		int channels = a.inputChannels();
		for (Architecture.Layer l : a.layers()) {
			if (l.pooling()) size = Math.floor(size / 2);
			else {
				size = Math.max(1, size - l.kernel() + 1);
				channels = l.outChannels();
			}
			total += size * size * channels;
		}
		return total;
	}
}
