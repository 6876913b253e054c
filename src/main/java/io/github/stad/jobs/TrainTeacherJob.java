package io.github.stad.jobs;

import io.github.stad.engine.Progress;
import io.github.stad.engine.files.TeacherFile;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.net.Djl;
import io.github.stad.engine.net.TeacherWeights;
import io.github.stad.engine.teacher.ColourTeacherTrainer;
import io.github.stad.engine.teacher.DenseTeacherTrainer;
import io.github.stad.engine.teacher.Distiller;
import io.github.stad.engine.teacher.TeacherSettings;
import io.github.stad.engine.teacher.TeacherTrainer;
import io.github.stad.engine.teacher.TorchScriptDistiller;
import io.github.stad.io.ImageEntry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Pretrain a teacher on a folder of photographs: the job behind `stad train-teacher` and Train Teacher…. */
public final class TrainTeacherJob {

	private TrainTeacherJob() {}

	/**
	 * @param distill   TorchScript file / model folder / URL of the network to distil from, or null
	 * @param resume    checkpoint to continue from, or null
	 */
	public static TeacherTrainer.Result run(List<ImageEntry> images, String imagesName, TeacherSettings settings, String distill, int distillInputSize,
			Path out, Path resume, Progress progress) throws IOException {
		return run(images, imagesName, settings, null, distill, distillInputSize, out, resume, progress);
	}

	/** @param initial a teacher file to fine-tune ("default" for the shipped teacher of this p), or null for random weights */
	public static TeacherTrainer.Result run(List<ImageEntry> images, String imagesName, TeacherSettings settings, String initial, String distill, int distillInputSize,
			Path out, Path resume, Progress progress) throws IOException {
		return run(images, imagesName, settings, initial, distill, distillInputSize, out, resume, OutputGuard.noOverwrite(), progress);
	}

	/** Resuming from the output file itself is how a checkpoint continues, so that file may be replaced without overwrite. */
	public static void checkOutput(List<ImageEntry> images, String initial, String distill, Path out, Path resume, OutputGuard guard) throws IOException {
		guard.readsImages(images);
		if (initial != null && !initial.equals("default")) guard.reads(Path.of(initial), "the teacher to start from (--init)");
		if (distill != null && !distill.contains("://")) {
			try {
				guard.reads(Path.of(distill), "the network to distil from");
			} catch (java.nio.file.InvalidPathException ignored) {
				// not a file: the distiller says what it is
			}
		}
		boolean resumesInPlace = resume != null && Files.exists(resume) && Files.exists(out) && Files.isSameFile(resume, out);
		if (resumesInPlace) guard.checkFolder(out.toAbsolutePath().getParent());
		else guard.reads(resume, "the checkpoint to resume from").checkFileAndFolder(out);
	}

	/** As above, and the disk must have room for the checkpoints: the teacher, the optimiser's two moments and a decoder, about four times its weights. */
	public static void checkOutput(List<ImageEntry> images, String initial, String distill, Path out, Path resume, TeacherSettings settings, OutputGuard guard)
			throws IOException {
		checkOutput(images, initial, distill, out, resume, guard);
		long params = 0;
		for (long n : io.github.stad.engine.net.DescriptorNet.parameterLengths(new io.github.stad.engine.net.Architecture(settings.patchSize(), 3,
				settings.network().width(), settings.network().descriptorDim()))) params += n;
		guard.checkSpace(out, 4 * params * Float.BYTES + (1L << 20), "the teacher's checkpoints");
	}

	public static TeacherTrainer.Result run(List<ImageEntry> images, String imagesName, TeacherSettings settings, String initial, String distill, int distillInputSize,
			Path out, Path resume, OutputGuard guard, Progress progress) throws IOException {
		checkOutput(images, initial, distill, out, resume, settings, guard);
		List<FloatImage> photos = ImageLoading.readAll(images, "teacher training", progress);
		Map<String, String> provenance = new LinkedHashMap<>();
		provenance.put("data", imagesName + " (" + photos.size() + " images)");
		provenance.put("engine", Djl.describe());
		provenance.put("settings", settings.toString());
		TeacherWeights start = null;
		boolean colour = settings.mode() == TeacherSettings.Mode.COLOUR;
		// Colour training extends a gray teacher: "default" (also without --init) is the shipped gray one of this p,
		// not the shipped RGB teacher, so that the colour layer starts at zero.
		String from = initial == null && colour ? "default" : initial;
		if (from != null) {
			int channels = colour ? 1 : photos.get(0).channels();
			start = from.equals("default") ? TeacherFile.defaultTeacher(settings.patchSize(), channels) : TeacherFile.load(Path.of(from));
			if (start == null) throw new IllegalArgumentException("No shipped teacher for p=" + settings.patchSize() + " with " + channels + " channel(s)");
			provenance.put("initialisedFrom", start.source());
		}
		if (distill != null && settings.mode() != TeacherSettings.Mode.PATCH) throw new IllegalArgumentException("Distillation needs --mode patch (mode=patch in Fiji)");
		Distiller distiller = distill == null ? null : new TorchScriptDistiller(distill, distillInputSize, 255f, Djl.device(settings.useGpu()));
		try {
			if (distill != null) provenance.put("distilledFrom", distill);
			provenance.put("mode", settings.mode().name().toLowerCase(java.util.Locale.ROOT));
			TeacherTrainer.Result r = switch (settings.mode()) {
				case DENSE -> DenseTeacherTrainer.train(photos, settings, start, out, resume, provenance, progress);
				case COLOUR -> ColourTeacherTrainer.train(photos, settings, start, out, resume, provenance, progress);
				case PATCH -> TeacherTrainer.train(photos, settings, start, distiller, out, resume, provenance, progress);
			};
			progress.log("Teacher written to " + out);
			return r;
		} finally {
			if (distiller != null) distiller.close();
		}
	}
}
