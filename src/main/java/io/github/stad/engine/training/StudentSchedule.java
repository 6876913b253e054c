package io.github.stad.engine.training;

import io.github.stad.engine.net.OptimiserSettings;

/**
 * What student training reads: how many students, how long (epochs of one crop per training
 * image), the crops and batches, and the optimiser.
 */
public record StudentSchedule(int students, int epochs, int cropSize, int batchSize, OptimiserSettings optimiser) {

	public StudentSchedule {
		if (students < 1) throw new IllegalArgumentException("Need at least one student, got " + students);
		if (epochs < 1) throw new IllegalArgumentException("Epochs must be at least 1, got " + epochs);
		if (cropSize < 1 || batchSize < 1) throw new IllegalArgumentException("Crop and batch size must be positive");
	}
}
