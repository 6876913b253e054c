package io.github.stad.jobs;

import io.github.stad.engine.Progress;
import io.github.stad.engine.files.OutputLock;
import io.github.stad.engine.files.TeacherFile;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.DescriptorNet;
import io.github.stad.engine.net.Djl;
import io.github.stad.engine.net.TeacherWeights;
import io.github.stad.engine.teacher.Distiller;
import io.github.stad.engine.teacher.TeacherObjectives;
import io.github.stad.engine.teacher.TeacherSettings;
import io.github.stad.engine.teacher.TeacherTraining;
import io.github.stad.engine.teacher.TorchScriptDistiller;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Pretrain a teacher on a folder of photographs: the job behind `stad train-teacher` and Train Teacher…. */
public final class TrainTeacherJob {

	private TrainTeacherJob() {}

	/** Checks inputs and the output before any work. Resuming from the output file itself is how a checkpoint continues, so that file may be replaced without overwrite. */
	public static void checkOutput(TeacherRequest r) throws IOException {
		OutputGuard guard = r.guard();
		guard.readsImages(r.images());
		if (r.initial() != null && !r.initial().equals("default")) guard.reads(Path.of(r.initial()), "the teacher to start from (--init)");
		if (r.distill() != null && !r.distill().contains("://")) {
			try {
				guard.reads(Path.of(r.distill()), "the network to distil from");
			} catch (java.nio.file.InvalidPathException ignored) {
				// not a file: the distiller says what it is
			}
		}
		if (r.targets() != null && !Files.isDirectory(r.targets())) throw new IllegalArgumentException("The targets folder " + r.targets() + " does not exist; make it with bench/distill/targets.py");
		boolean resumesInPlace = r.resume() != null && Files.exists(r.resume()) && Files.exists(r.out()) && Files.isSameFile(r.resume(), r.out());
		if (resumesInPlace) guard.checkFolder(r.out().toAbsolutePath().getParent());
		else guard.reads(r.resume(), "the checkpoint to resume from").checkFileAndFolder(r.out());
		checkSpace(r);
	}

	/** The disk must have room for the checkpoints: the teacher, the optimiser's two moments and a decoder, about four times its weights. */
	private static void checkSpace(TeacherRequest r) throws IOException {
		TeacherSettings s = r.settings();
		long params = 0;
		for (long n : DescriptorNet.parameterLengths(new Architecture(s.patchSize(), 3, s.network().width(), s.network().descriptorDim()))) params += n;
		r.guard().checkSpace(r.out(), 4 * params * Float.BYTES + (1L << 20), "the teacher's checkpoints");
	}

	/** Trains under the output's lock, so that a second run onto the same teacher file is refused, naming this one. */
	public static TeacherTraining.Result run(TeacherRequest r, Progress progress) throws IOException {
		checkOutput(r);
		Files.createDirectories(r.out().toAbsolutePath().getParent());
		try (OutputLock lock = OutputLock.acquire(r.out(), "the teacher file", progress::log)) {
			checkOutput(r); // again under the lock: a run that wrote it meanwhile has made it an existing file
			return train(r, progress);
		}
	}

	private static TeacherTraining.Result train(TeacherRequest r, Progress progress) throws IOException {
		java.util.List<FloatImage> photos = ImageLoading.readAll(r.images(), "teacher training", progress);
		Map<String, String> provenance = provenance(r, photos.size());
		TeacherWeights start = startingTeacher(r, photos.get(0).channels());
		if (start != null) provenance.put("initialisedFrom", start.source());
		Distiller distiller = r.distill() == null ? null : new TorchScriptDistiller(r.distill(), r.distillInputSize(), 255f, Djl.device(r.settings().useGpu()));
		try {
			TeacherObjectives.Sources sources = new TeacherObjectives.Sources(photos, start, distiller, r.targets());
			TeacherTraining.Result result = TeacherTraining.run(TeacherObjectives.create(r.settings(), sources), new TeacherTraining.Files(r.out(), r.resume(), provenance), progress);
			progress.log("Teacher written to " + r.out());
			return result;
		} finally {
			if (distiller != null) distiller.close();
		}
	}

	private static Map<String, String> provenance(TeacherRequest r, int photos) {
		Map<String, String> provenance = new LinkedHashMap<>();
		provenance.put("data", r.imagesName() + " (" + photos + " images)");
		provenance.put("engine", Djl.describe());
		provenance.put("settings", r.settings().toString());
		if (r.distill() != null) provenance.put("distilledFrom", r.distill());
		if (r.targets() != null) provenance.put("distilledFrom", "precomputed targets " + r.targets());
		provenance.put("mode", r.settings().mode().name().toLowerCase(Locale.ROOT));
		return provenance;
	}

	/**
	 * The teacher to start from, or null for random weights. Colour training extends a gray teacher: "default"
	 * (also without --init) is the shipped gray one of this p, not the shipped RGB teacher, so that the colour
	 * layer starts at zero.
	 */
	private static TeacherWeights startingTeacher(TeacherRequest r, int photoChannels) throws IOException {
		boolean colour = r.settings().mode() == TeacherSettings.Mode.COLOUR;
		String from = r.initial() == null && colour ? "default" : r.initial();
		if (from == null) return null;
		int channels = colour ? 1 : photoChannels;
		TeacherWeights start = from.equals("default") ? TeacherFile.defaultTeacher(r.settings().patchSize(), channels) : TeacherFile.load(Path.of(from));
		if (start == null) throw new IllegalArgumentException("No shipped teacher for p=" + r.settings().patchSize() + " with " + channels + " channel(s)");
		return start;
	}
}
