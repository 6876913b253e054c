package io.github.stad.jobs;

import io.github.stad.engine.teacher.TeacherSettings;
import io.github.stad.io.ImageEntry;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Everything one teacher pretraining needs, named: the photographs, settings, where the teacher is written,
 * and the optional sources (a teacher to start from, a network or precomputed targets to distil, a
 * checkpoint to resume). Both front ends fill one with {@link #builder} and hand it to {@link TrainTeacherJob}.
 */
public record TeacherRequest(List<ImageEntry> images, String imagesName, TeacherSettings settings, Path out, String initial, String distill, int distillInputSize,
		Path targets, Path resume, OutputGuard guard) {

	/** P's input side for patch-mode distillation when none is given (MobileNet/ResNet ImageNet size). */
	public static final int DEFAULT_DISTILL_INPUT_SIZE = 224;

	public TeacherRequest {
		Objects.requireNonNull(images, "images");
		Objects.requireNonNull(settings, "settings");
		Objects.requireNonNull(out, "out");
		Objects.requireNonNull(guard, "guard");
	}

	public static Builder builder(List<ImageEntry> images, String imagesName, TeacherSettings settings, Path out) { return new Builder(images, imagesName, settings, out); }

	public static final class Builder {
		private final List<ImageEntry> images;
		private final String imagesName;
		private final TeacherSettings settings;
		private final Path out;
		private String initial, distill;
		private int distillInputSize = DEFAULT_DISTILL_INPUT_SIZE;
		private Path targets, resume;
		private OutputGuard guard = OutputGuard.noOverwrite();

		private Builder(List<ImageEntry> images, String imagesName, TeacherSettings settings, Path out) {
			this.images = images;
			this.imagesName = imagesName;
			this.settings = settings;
			this.out = out;
		}

		/** A teacher file to fine-tune, "default" for the shipped teacher of this p, or null for random weights. */
		public Builder initial(String teacher) { initial = teacher; return this; }
		/** TorchScript file / model folder / URL of the network to distil from on patches, or null. */
		public Builder distill(String network, int inputSize) { distill = network; distillInputSize = inputSize; return this; }
		/** The folder of precomputed features of the distil mode, or null. */
		public Builder targets(Path folder) { targets = folder; return this; }
		/** A checkpoint to continue from, or null. */
		public Builder resume(Path checkpoint) { resume = checkpoint; return this; }
		public Builder guard(OutputGuard g) { guard = g; return this; }

		public TeacherRequest build() { return new TeacherRequest(images, imagesName, settings, out, initial, distill, distillInputSize, targets, resume, guard); }
	}
}
