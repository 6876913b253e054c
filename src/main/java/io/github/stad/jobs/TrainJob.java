package io.github.stad.jobs;

import io.github.stad.engine.Progress;
import io.github.stad.engine.files.ModelBundle;
import io.github.stad.engine.files.OutputLock;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.net.TeacherWeights;
import io.github.stad.engine.training.ModelTrainer;
import io.github.stad.engine.training.TrainingImages;
import io.github.stad.engine.training.TrainingSettings;
import io.github.stad.io.ImageEntry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Train from image sets and write the model file: the job behind `stad train` and Train Model…. */
public final class TrainJob {

	private TrainJob() {}

	/**
	 * Reads the image sets and trains.
	 * @return the training outcome; the model is also saved to the request's file, atomically, and only when training completed
	 */
	public static ModelTrainer.Outcome run(TrainRequest request, List<ImageEntry> normal, List<ImageEntry> validation, Progress progress) throws IOException {
		checkFile(request, normal, validation);
		warnAboutSharedImages(normal, validation, progress);
		TeacherWeights.Source teachers = teachers(request); // a bad teacher file before any image is read
		List<FloatImage> normalImages = ImageLoading.readAll(normal, "normal", progress);
		List<FloatImage> validationImages = ImageLoading.readAll(validation, "validation", progress);
		return train(request, teachers, normalImages, validationImages, progress);
	}

	/** The model file against the images (and whatever else the guard was told is read), before any image is read. */
	public static void checkFile(TrainRequest request, List<ImageEntry> normal, List<ImageEntry> validation) {
		request.guard().readsImages(normal).readsImages(validation);
		request.guard().checkFileAndFolder(request.out());
	}

	/** As {@link #checkFile}, and the disk must have room for a model of these settings. */
	public static void checkOutput(TrainRequest request, List<ImageEntry> normal, List<ImageEntry> validation) {
		checkFile(request, normal, validation);
		checkSpace(request, 3); // channels not known before the images are read: RGB is the larger
	}

	private static void checkSpace(TrainRequest request, int channels) {
		TrainingSettings settings = request.settings();
		request.guard().checkSpace(request.out(), ModelBundle.estimatedBytes(settings.patchSizes(), settings.students(), settings.network(), channels), "a model of these settings");
	}

	/** Train from images already in memory (Fiji's open images, or sets read by {@link #run}). */
	public static ModelTrainer.Outcome train(TrainRequest request, List<FloatImage> normal, List<FloatImage> validation, Progress progress) throws IOException {
		return train(request, teachers(request), normal, validation, progress);
	}

	private static TeacherWeights.Source teachers(TrainRequest request) throws IOException {
		return Teachers.fromFiles(request.teacherFiles(), request.shippedTeachers());
	}

	private static ModelTrainer.Outcome train(TrainRequest request, TeacherWeights.Source teachers, List<FloatImage> normal, List<FloatImage> validation,
			Progress progress) throws IOException {
		Path out = request.out();
		request.guard().checkFileAndFolder(out);
		checkSpace(request, normal.isEmpty() ? 3 : normal.get(0).channels()); // before training, not after it
		Files.createDirectories(out.toAbsolutePath().getParent());
		try (OutputLock lock = OutputLock.acquire(out, "the model file", progress::log)) {
			request.guard().checkFile(out, null); // again under the lock: a run that wrote it meanwhile has made it an existing file
			return trainAndSave(request, teachers, normal, validation, progress);
		}
	}

	private static ModelTrainer.Outcome trainAndSave(TrainRequest request, TeacherWeights.Source teachers, List<FloatImage> normal, List<FloatImage> validation, Progress progress) throws IOException {
		warnAboutConstantImages(validation, progress);
		Map<String, String> provenance = new LinkedHashMap<>();
		provenance.put("normalData", request.normalName());
		provenance.put("validationData", request.validationName());
		ModelTrainer.Outcome outcome = ModelTrainer.train(new TrainingImages(normal, validation), request.settings(), teachers, provenance, progress);
		if (!Double.isFinite(outcome.model().threshold())) {
			outcome.close();
			throw new IllegalStateException("Training diverged: the default threshold came out " + outcome.model().threshold()
					+ ", so no model was saved; try a smaller learning rate, or check the images for extreme values");
		}
		ModelBundle.save(outcome.model(), request.out());
		progress.log("Model written to " + request.out());
		return outcome;
	}

	/** Validation images the students also learnt from score low: the threshold and the score scale would be set too low, and normal images flagged. */
	static void warnAboutSharedImages(List<ImageEntry> normal, List<ImageEntry> validation, Progress progress) {
		java.util.Set<Path> learnt = new java.util.HashSet<>();
		for (ImageEntry e : normal) learnt.add(realPath(e.image()));
		long shared = validation.stream().filter(e -> learnt.contains(realPath(e.image()))).count();
		if (shared == 0) return;
		progress.log("WARNING: " + (shared == validation.size() ? "every validation image is" : shared + " of " + validation.size() + " validation images are")
				+ " also a normal (training) image. The students learn those, so the threshold and the score scale set on them come out too low and normal images"
				+ " will be flagged; validate on other anomaly-free images.");
	}

	private static Path realPath(Path p) {
		try {
			return p.toRealPath();
		} catch (IOException e) {
			return p.toAbsolutePath().normalize();
		}
	}

	/**
	 * A constant validation image has no texture to calibrate on: its scores set the threshold near
	 * the mean of nothing, and a model validated only on such images flags everything or nothing.
	 */
	static void warnAboutConstantImages(List<FloatImage> validation, Progress progress) {
		List<String> constant = new java.util.ArrayList<>();
		for (FloatImage image : validation) {
			boolean flat = true;
			for (float[] channel : image.data()) {
				for (float v : channel) {
					if (v != channel[0]) { flat = false; break; }
				}
				if (!flat) break;
			}
			if (flat) constant.add(image.name());
		}
		if (constant.isEmpty()) return;
		String which = constant.size() == validation.size() ? "EVERY validation image is" : constant.size() + " of " + validation.size() + " validation images are";
		progress.log("WARNING: " + which + " constant (one grey value, no texture): " + String.join(", ", constant.subList(0, Math.min(5, constant.size())))
				+ (constant.size() > 5 ? ", …" : "") + ". The threshold and the score scale are learnt from the validation images, so they will be "
				+ (constant.size() == validation.size() ? "meaningless" : "biased") + "; validate on real anomaly-free images.");
	}

	/** Training and validation images after a hold-back. */
	public record Split(List<FloatImage> training, List<FloatImage> validation) {}

	/**
	 * Holds back every k-th image for validation so that about {@code fraction} of them validate
	 * (at least one, and at least one left to train on). Evenly spread rather than random, so that
	 * the planes of a time series or a folder sorted by date validate across the whole range.
	 */
	public static Split holdBack(List<FloatImage> images, double fraction) {
		if (!(fraction > 0 && fraction < 1)) throw new IllegalArgumentException("The hold-back fraction must lie between 0 and 1 (e.g. 0.2), got " + fraction);
		int n = images.size();
		if (n < 2) {
			throw new IllegalArgumentException("Only " + n + " normal image: holding back validation images needs at least 2; "
					+ "give a separate validation folder, or more normal images (a stack works)");
		}
		int validate = (int) Math.max(1, Math.min(n - 1, Math.round(n * fraction)));
		List<FloatImage> training = new java.util.ArrayList<>(), validation = new java.util.ArrayList<>();
		double step = (double) n / validate;
		java.util.Set<Integer> chosen = new java.util.HashSet<>();
		for (int k = 0; k < validate; k++) chosen.add((int) Math.floor(step * k + step / 2));
		for (int i = 0; i < n; i++) (chosen.contains(i) ? validation : training).add(images.get(i));
		return new Split(training, validation);
	}

	/** Reads a set of image files (all must be readable; training cannot skip any). */
	public static List<FloatImage> read(List<ImageEntry> entries, String what, Progress progress) throws IOException {
		return ImageLoading.readAll(entries, what, progress);
	}
}
