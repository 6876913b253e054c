package io.github.stad.engine.teacher;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.DescriptorNet;
import io.github.stad.engine.net.TeacherWeights;

/**
 * Where an objective's teacher starts: a checkpoint's weights when resuming, else the given teacher
 * (fine-tuning), else random weights from the seed. A given teacher must have the trained architecture.
 */
record TeacherStart(Architecture arch, TeacherWeights initial, long seed) {

	TeacherStart {
		if (initial != null && !initial.architecture().equals(arch)) {
			throw new IllegalArgumentException("The starting teacher " + initial.source() + " is for " + initial.architecture() + ", but " + arch + " is being trained");
		}
	}

	DescriptorNet network(TeacherObjective.Resumed resumed, NDManager manager, Device device) {
		if (resumed != null) return DescriptorNet.fromWeights(arch, resumed.teacherWeights(), manager, device);
		return initial != null ? DescriptorNet.fromWeights(arch, initial.weights(), manager, device) : DescriptorNet.random(arch, manager, device, seed);
	}
}
