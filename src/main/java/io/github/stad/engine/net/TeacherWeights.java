package io.github.stad.engine.net;

import java.util.List;

/**
 * A pretrained teacher as plain data: its architecture, its weights in {@link DescriptorNet}
 * export order, and where it came from (for provenance).
 */
public record TeacherWeights(Architecture architecture, List<float[]> weights, String source) {

	/** Supplies the teacher for a patch size and channel count, or null when there is none. */
	@FunctionalInterface
	public interface Source {
		TeacherWeights teacherFor(int patchSize, int inputChannels);

		Source NONE = (p, c) -> null;
	}
}
