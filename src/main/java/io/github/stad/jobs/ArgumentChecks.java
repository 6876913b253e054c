package io.github.stad.jobs;

import io.github.stad.engine.Memory;
import io.github.stad.engine.files.ModelBundle;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.training.TeacherAdaptation;
import io.github.stad.engine.training.StudentSchedule;
import io.github.stad.engine.training.TrainingMemory;
import io.github.stad.engine.training.TrainingSettings;

import java.util.Arrays;
import java.util.Map;

/**
 * The checks of every setting a front end passes on, made before any image is read or anything
 * large allocated, with messages that name the setting as that front end spells it
 * ({@code --patch-sizes} on the command line, {@code patch_sizes} in Fiji). Keys are the
 * command-line names without the dashes. Throws {@link IllegalArgumentException}.
 */
public final class ArgumentChecks {

	/** Largest batch of training crops accepted (32× the largest default); memory is checked as well. */
	public static final int MAX_BATCH = 512;
	/** Largest tile side: a dense pass over 4096² already needs tens of GB at the default width. */
	public static final int MAX_TILE = 4096;
	public static final int MIN_TILE = 16;

	/** The command line: {@code --key value}. */
	public static final ArgumentChecks CLI = new ArgumentChecks(null);

	/** Fiji's parameter names for the keys whose name differs. */
	public static final ArgumentChecks FIJI = new ArgumentChecks(Map.ofEntries(
			Map.entry("patch-sizes", "patch_sizes"), Map.entry("width", "network_width"), Map.entry("descriptor-dim", "descriptor_size"), Map.entry("fpr", "threshold_fpr"),
			Map.entry("tile", "tile_size"), Map.entry("min-area", "min_region_size"), Map.entry("max-fpr", "max_fpr"), Map.entry("threshold", "threshold_value"),
			Map.entry("learning-rate", "learning_rate"), Map.entry("target-fpr", "target_fpr"), Map.entry("time-budget", "time_budget"), Map.entry("scale", "processing_scale"),
			Map.entry("adapt-teacher", "teacher_adaptation"), Map.entry("training", "training_folder"), Map.entry("validation", "validation_folder")));

	private final Map<String, String> fijiNames;

	/** A setting outside its limits: a usage error (the command line's exit code 2), named as the user wrote it. */
	public static final class BadValueException extends IllegalArgumentException {
		BadValueException(String message) { super(message); }
	}

	private ArgumentChecks(Map<String, String> fijiNames) {
		this.fijiNames = fijiNames;
	}

	/** The setting and its value as the user wrote it: "--students 0" or "students=0". */
	public String named(String key, Object value) {
		if (fijiNames == null) return "--" + key + " " + value;
		return fijiNames.getOrDefault(key, key.replace('-', '_')) + "=" + value;
	}

	/** The setting's name alone. */
	public String name(String key) {
		return fijiNames == null ? "--" + key : fijiNames.getOrDefault(key, key.replace('-', '_'));
	}

	public int[] patchSizes(String key, int[] sizes) {
		String given = named(key, String.join(",", Arrays.stream(sizes).mapToObj(Integer::toString).toList()));
		if (sizes.length == 0) throw new BadValueException(given + ": give at least one patch size (17, 33, 65)");
		for (int i = 0; i < sizes.length; i++) {
			int p = sizes[i];
			if (Arrays.stream(Architecture.SUPPORTED_PATCH_SIZES).noneMatch(s -> s == p)) throw new BadValueException(given + ": unsupported patch size " + p + "; choose from 17, 33, 65");
			for (int j = 0; j < i; j++) {
				if (sizes[j] == p) throw new BadValueException(given + ": patch size " + p + " is given twice; give each of 17, 33, 65 at most once");
			}
		}
		return sizes;
	}

	/** A patch size given as text (a choice a macro may mistype): 17, 33 or 65. */
	public int patchSize(String key, String text) {
		String given = text == null ? "" : text.strip();
		try {
			return patchSizes(key, new int[] { Integer.parseInt(given) })[0];
		} catch (NumberFormatException e) {
			throw new BadValueException(named(key, given) + ": choose 17, 33 or 65");
		}
	}

	/** A whole number in [min, max]. */
	public int count(String key, int value, int min, int max) {
		if (value < min || value > max) throw new BadValueException(named(key, value) + (max == Integer.MAX_VALUE ? ": must be at least " + min : ": must lie between " + min + " and " + max));
		return value;
	}

	/** Any finite number (NaN and infinity are refused: they would silently give meaningless results). */
	public double finite(String key, double value) {
		if (!Double.isFinite(value)) throw new BadValueException(named(key, value) + ": give a finite number");
		return value;
	}

	public double positive(String key, double value) {
		if (!(value > 0) || !Double.isFinite(value)) throw new BadValueException(named(key, value) + ": give a positive finite number (e.g. 1e-3)");
		return value;
	}

	/** A rate strictly between 0 and 1 ({@code includeOne}: up to and including 1). */
	public double rate(String key, double value, boolean includeOne) {
		if (!(value > 0 && (includeOne ? value <= 1 : value < 1))) {
			throw new BadValueException(named(key, value) + ": must lie between 0 and 1" + (includeOne ? " (1 included)" : "") + ", e.g. 0.01 for 1 %");
		}
		return value;
	}

	/** A processing scale: the factor images are resized by before training and scoring, in (0, 1]. */
	public double scale(String key, double value) {
		if (!(value > 0 && value <= 1)) throw new BadValueException(named(key, value) + ": must lie in (0, 1], e.g. 0.5 to work on images at half size");
		return value;
	}

	/** The share of a time budget that adapts the teachers to the normal images. */
	public double adaptationShare(String key, double value) {
		if (!(value >= 0 && value <= TeacherAdaptation.MAX_SHARE)) {
			throw new BadValueException(named(key, value) + ": must lie in [0, " + TeacherAdaptation.MAX_SHARE + "], the share of the time budget that adapts the teachers to the normal images (0 = not at all)");
		}
		return value;
	}

	public int tile(String key, int value) {
		return count(key, value, MIN_TILE, MAX_TILE);
	}

	private static Object perPatchSize(int value) { return value == StudentSchedule.PER_PATCH_SIZE ? "default" : value; }

	/** Refuses settings whose training would need more memory than this machine has, with both numbers. */
	public void trainingMemory(TrainingSettings s) {
		double needed = TrainingMemory.peakBytes(s, 3);
		long physical = Memory.physical();
		if (needed > physical) {
			throw new IllegalArgumentException("These settings (" + named("students", s.students()) + ", " + named("batch", perPatchSize(s.schedule().batchSize())) + ", "
					+ named("crop", perPatchSize(s.schedule().cropSize())) + ", " + named("width", s.network().width()) + ", " + named("tile", s.compute().tileSize())
					+ ") need about " + Memory.format(needed) + " of memory to train, but this machine has " + Memory.format(physical)
					+ "; lower the batch, crop, width or tile size");
		}
	}
}
