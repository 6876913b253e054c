package io.github.stad.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.DescriptorNet;

/**
 * The students' regression target at one patch size: the teacher's descriptors normalised per
 * channel with the μ/σ of the training images, (T − μ) ⊘ σ. Student training and scoring read the
 * same target through this one record.
 */
public record TeacherTarget(DescriptorNet teacher, float[] mu, float[] sigma) {

	public TeacherTarget {
		int d = teacher.architecture().descriptorDim();
		if (mu.length != d || sigma.length != d) throw new IllegalArgumentException("μ/σ need " + d + " values");
	}

	public Architecture architecture() { return teacher.architecture(); }

	/** The normalised teacher output of a dense input (see {@link DescriptorNet#dense}). */
	public NDArray dense(NDArray x, int outH, int outW) {
		return normalise(teacher.dense(x, outH, outW));
	}

	/** The normalised teacher output of a strided input (see {@link DescriptorNet#strided}). */
	public NDArray strided(NDArray x) {
		return normalise(teacher.strided(x));
	}

	/** (t − μ) ⊘ σ for descriptors [N, d, H, W], in t's manager. */
	NDArray normalise(NDArray t) {
		NDManager manager = t.getManager();
		int d = architecture().descriptorDim();
		NDArray muArray = manager.create(mu, new Shape(1, d, 1, 1));
		NDArray sigmaArray = manager.create(sigma, new Shape(1, d, 1, 1));
		return t.sub(muArray).div(sigmaArray);
	}
}
