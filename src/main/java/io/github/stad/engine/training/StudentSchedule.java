package io.github.stad.engine.training;

import io.github.stad.engine.net.OptimiserSettings;

/**
 * What every student training step reads: how many students, the crops and batches, and the optimiser.
 * A crop size or batch size of {@link #PER_PATCH_SIZE} means each patch size's own default
 * ({@link #cropFor}, {@link #batchFor}); any other value applies to every patch size.
 * <p>
 * The defaults are many small crops: with half the descriptors per step of the earlier default (2 crops
 * of 64²), 16 crops of 8² at p = 17 and 4 crops of 32² at p = 33 and 65 fit the students 2–7 times
 * better in the same time (docs/benchmarks.md, "Student fit per minute"): the descriptors of one crop
 * are strongly correlated, so few large crops give a noisy gradient, and a cheaper step buys more steps.
 */
public record StudentSchedule(int students, int cropSize, int batchSize, OptimiserSettings optimiser) {

	/** Students, crop side and batch beyond these would not fit any machine this plugin runs on. */
	public static final int MAX_STUDENTS = 64, MAX_CROP = 4096, MAX_BATCH = 1024;

	/** Crop or batch size meaning "each patch size's own default". */
	public static final int PER_PATCH_SIZE = 0;

	/** What the defaults are, in words, for messages and help. */
	public static final String DEFAULTS = "per patch size: 16 crops of 8² at p = 17, 4 crops of 32² at p = 33 and 65";

	public StudentSchedule {
		if (students < 1 || students > MAX_STUDENTS) throw new IllegalArgumentException("The number of students must lie between 1 and " + MAX_STUDENTS + " (default 3), got " + students);
		if (cropSize != PER_PATCH_SIZE && (cropSize < 1 || cropSize > MAX_CROP))
			throw new IllegalArgumentException("The crop size must lie between 1 and " + MAX_CROP + " pixels (default " + DEFAULTS + "), got " + cropSize);
		if (batchSize != PER_PATCH_SIZE && (batchSize < 1 || batchSize > MAX_BATCH))
			throw new IllegalArgumentException("The batch size must lie between 1 and " + MAX_BATCH + " crops (default " + DEFAULTS + "), got " + batchSize);
	}

	/** The crop side (pixels) that patch size p trains with. */
	public int cropFor(int p) { return cropSize != PER_PATCH_SIZE ? cropSize : p <= 17 ? 8 : 32; }

	/** The crops per step that patch size p trains with. */
	public int batchFor(int p) { return batchSize != PER_PATCH_SIZE ? batchSize : p <= 17 ? 16 : 4; }
}
