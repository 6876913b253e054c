package io.github.stad.engine.teacher;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** The pretrained network P of knowledge distillation: raw patches → its feature vectors (no gradient). */
public interface Distiller extends AutoCloseable {

	/** Length of P's feature vector. */
	int outputDim();

	/**
	 * @param rawPatches [N, C, p, p] raw intensities (8-bit photographs: 0–255)
	 * @return [N, outputDim] features, in {@code manager}
	 */
	NDArray features(NDManager manager, float[] rawPatches, int n, int channels, int patchSize);

	@Override
	void close();
}
