package io.github.stad.jobs;

import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.teacher.TeacherSettings;
import io.github.stad.io.ImageEntry;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Everything one teacher pretraining needs, named: the photographs, settings, where the teacher is written,
 * and the optional sources (a teacher to start from, a network or precomputed targets to distil, a
 * checkpoint to resume). Both front ends fill a {@link #builder} with the values as the user gave them;
 * {@link Builder#build} checks them in this one place, named as the caller spells them ({@code --width} or
 * {@code network_width}), and makes the settings; {@link TrainTeacherJob} runs it.
 */
public record TeacherRequest(List<ImageEntry> images, String imagesName, TeacherSettings settings, Path out, String initial, String distill, int distillInputSize,
		Path targets, Path resume, OutputGuard guard) {

	/** P's input side for patch-mode distillation when none is given (MobileNet/ResNet ImageNet size). */
	public static final int DEFAULT_DISTILL_INPUT_SIZE = 224;
	/** Largest batch of patch triplets accepted. */
	public static final int MAX_BATCH = 4096;

	public TeacherRequest {
		Objects.requireNonNull(images, "images");
		Objects.requireNonNull(settings, "settings");
		Objects.requireNonNull(out, "out");
		Objects.requireNonNull(guard, "guard");
	}

	/** A request for a teacher of this patch size written to {@code out}; every other setting starts at {@link TeacherSettings#defaults}. */
	public static Builder builder(int patchSize, Path out) { return new Builder(patchSize, out); }

	/** The values as the user gave them; nothing is checked before {@link #check} or {@link #build}. */
	public static final class Builder {
		private final int patchSize;
		private final Path out;
		private List<ImageEntry> images = List.of();
		private String imagesName = "";
		private int width, descriptorDim, iterations, batch, checkpointEvery;
		private double learningRate;
		private float lambdaK, lambdaM, lambdaC;
		private long seed;
		private boolean useGpu;
		private TeacherSettings.Mode mode;
		private TeacherSettings.Dense dense;
		private String initial, distill;
		private int distillInputSize = DEFAULT_DISTILL_INPUT_SIZE;
		private Path targets, resume;
		private OutputGuard guard = OutputGuard.noOverwrite();

		private Builder(int patchSize, Path out) {
			this.patchSize = patchSize;
			this.out = out;
			TeacherSettings d = TeacherSettings.defaults(patchSize);
			width = d.network().width();
			descriptorDim = d.network().descriptorDim();
			iterations = d.iterations();
			batch = d.batchSize();
			learningRate = d.optimiser().learningRate();
			lambdaK = d.losses().lambdaK();
			lambdaM = d.losses().lambdaM();
			lambdaC = d.losses().lambdaC();
			seed = d.seed();
			checkpointEvery = d.checkpointEvery();
			useGpu = d.useGpu();
			mode = d.mode();
			dense = d.dense();
		}

		/** The photographs, and how the provenance names them. */
		public Builder images(List<ImageEntry> photographs, String name) { images = photographs; imagesName = name; return this; }
		public Builder networkSize(int w, int d) { width = w; descriptorDim = d; return this; }
		public Builder iterations(int n) { iterations = n; return this; }
		public Builder batch(int b) { batch = b; return this; }
		public Builder learningRate(double lr) { learningRate = lr; return this; }
		/** The weights of distillation, the triplet loss and compactness. */
		public Builder lambdas(double k, double m, double c) { lambdaK = (float) k; lambdaM = (float) m; lambdaC = (float) c; return this; }
		public Builder seed(long s) { seed = s; return this; }
		public Builder checkpointEvery(int n) { checkpointEvery = n; return this; }
		public Builder useGpu(boolean gpu) { useGpu = gpu; return this; }
		public Builder mode(TeacherSettings.Mode m) { mode = m; return this; }
		/** The dense trainer's settings (start from those of {@link TeacherSettings#defaults}). */
		public Builder dense(TeacherSettings.Dense d) { dense = d; return this; }
		/** A teacher file to fine-tune, "default" for the shipped teacher of this p, or null for random weights. */
		public Builder initial(String teacher) { initial = teacher; return this; }
		/** TorchScript file / model folder / URL of the network to distil from on patches, or null. */
		public Builder distill(String network, int inputSize) { distill = network; distillInputSize = inputSize; return this; }
		/** The folder of precomputed features of the distil mode, or null. */
		public Builder targets(Path folder) { targets = folder; return this; }
		/** A checkpoint to continue from, or null. */
		public Builder resume(Path checkpoint) { resume = checkpoint; return this; }
		public Builder guard(OutputGuard g) { guard = g; return this; }

		/** Checks each number given so far against its limit, named as {@code check} spells it: front ends call it before resolving the photographs. */
		public Builder check(ArgumentChecks check) {
			check.patchSizes("patch-size", new int[] { patchSize });
			check.count("width", width, 1, Architecture.MAX_SIZE);
			check.count("descriptor-dim", descriptorDim, 1, Architecture.MAX_SIZE);
			check.count("iterations", iterations, 1, Integer.MAX_VALUE);
			check.count("batch", batch, 2, MAX_BATCH);
			check.positive("learning-rate", learningRate);
			return this;
		}

		/** The request, after {@link #check}, with its settings made. */
		public TeacherRequest build(ArgumentChecks check) {
			check(check);
			TeacherSettings settings = TeacherSettings.builder(patchSize).networkSize(width, descriptorDim).iterations(iterations).batch(batch)
					.learningRate((float) learningRate).lambdas(lambdaK, lambdaM, lambdaC).seed(seed).checkpointEvery(checkpointEvery).useGpu(useGpu).mode(mode)
					.dense(dense).build();
			return new TeacherRequest(images, imagesName, settings, out, initial, distill, distillInputSize, targets, resume, guard);
		}
	}
}
