package io.github.stad.engine.training;

import io.github.stad.engine.net.OptimiserSettings;

/** What every student training step reads: how many students, the crops and batches, and the optimiser. */
public record StudentSchedule(int students, int cropSize, int batchSize, OptimiserSettings optimiser) {

	/** Students, crop side and batch beyond these would not fit any machine this plugin runs on. */
	public static final int MAX_STUDENTS = 64, MAX_CROP = 4096, MAX_BATCH = 1024;

	public StudentSchedule {
		if (students < 1 || students > MAX_STUDENTS) throw new IllegalArgumentException("The number of students must lie between 1 and " + MAX_STUDENTS + " (default 3), got " + students);
		if (cropSize < 1 || cropSize > MAX_CROP) throw new IllegalArgumentException("The crop size must lie between 1 and " + MAX_CROP + " pixels (default 64), got " + cropSize);
		if (batchSize < 1 || batchSize > MAX_BATCH) throw new IllegalArgumentException("The batch size must lie between 1 and " + MAX_BATCH + " crops (default 2), got " + batchSize);
	}
}
