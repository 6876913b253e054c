package io.github.stad.jobs;

import io.github.stad.engine.Progress;
import io.github.stad.engine.files.ModelBundle;
import io.github.stad.engine.files.OutputLock;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.model.AnomalyModel;
import io.github.stad.engine.training.ModelRefiner;
import io.github.stad.engine.training.TrainingImages;
import io.github.stad.engine.training.TrainingSettings;
import io.github.stad.io.ImageEntry;
import io.github.stad.io.ImageSets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Refine a model with more normal images (the job behind `stad refine` and Refine Model…): its students
 * continue on its own training images plus the added ones, its scores are calibrated again on its
 * validation images, and the result is written to a new file; the input model is only read.
 */
public final class RefineJob {

	private RefineJob() {}

	/** The model's training and validation images, and how they are named in the provenance. */
	public record Sets(List<ImageEntry> training, String trainingName, List<ImageEntry> validation, String validationName) {}

	/**
	 * The sets to refine with: the ones given, else those the model was trained and validated on (its
	 * provenance names them), which must still be readable; {@code names} spells the settings for the message.
	 */
	public static Sets sets(Path modelFile, String training, String validation, ArgumentChecks names) throws IOException {
		Map<String, String> provenance = provenance(modelFile);
		String t = given(training) ? training : provenance.get("normalData"), v = given(validation) ? validation : provenance.get("validationData");
		return new Sets(resolve(t, !given(training), "training", names, "training images"), t, resolve(v, !given(validation), "validation", names, "validation images"), v);
	}

	private static boolean given(String s) {
		return s != null && !s.isBlank();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, String> provenance(Path modelFile) throws IOException {
		Object p = ModelBundle.describe(modelFile).get("provenance");
		return p instanceof Map<?, ?> m ? (Map<String, String>) m : Map.of();
	}

	private static List<ImageEntry> resolve(String set, boolean fromModel, String key, ArgumentChecks names, String what) {
		if (!given(set)) throw new IllegalArgumentException("The model does not record its " + what + ": give them with " + names.name(key));
		try {
			return ImageSets.resolve(set);
		} catch (IllegalArgumentException | UncheckedIOException e) {
			if (!fromModel) throw e;
			throw new IllegalArgumentException("The model's " + what + " (" + set + ") cannot be read again: give them with " + names.name(key) + " (" + e.getMessage() + ")");
		}
	}

	/** Checks every output before any work, as training does: never the input model, never an existing file without overwrite. */
	public static void checkOutput(RefineRequest request, Sets sets, List<ImageEntry> added) {
		request.guard().reads(request.model(), "the model file this command refines").readsImages(added).readsImages(sets.training()).readsImages(sets.validation());
		request.guard().checkFileAndFolder(request.out());
	}

	/** Reads the images and refines; the refined model (saved to the request's file) is returned open. */
	public static AnomalyModel run(RefineRequest request, Sets sets, List<ImageEntry> added, String addedName, Progress progress) throws IOException {
		checkOutput(request, sets, added);
		List<FloatImage> more = ImageLoading.readAll(added, "added normal", progress);
		return refine(request, sets, more, addedName, progress);
	}

	/** As above with the added images in memory (Fiji's open image or stack). */
	public static AnomalyModel refine(RefineRequest request, Sets sets, List<FloatImage> added, String addedName, Progress progress) throws IOException {
		if (added.isEmpty()) throw new IllegalArgumentException("No images to add: give the normal images the model should learn");
		checkOutput(request, sets, List.of());
		Path out = request.out();
		Files.createDirectories(out.toAbsolutePath().getParent());
		try (OutputLock lock = OutputLock.acquire(out, "the model file", progress::log)) {
			request.guard().checkFile(out, null); // again under the lock: a run that wrote it meanwhile has made it an existing file
			return refineAndSave(request, sets, added, addedName, progress);
		}
	}

	private static AnomalyModel refineAndSave(RefineRequest request, Sets sets, List<FloatImage> added, String addedName, Progress progress) throws IOException {
		TrainingSettings settings = request.settings();
		List<FloatImage> training = new ArrayList<>(ImageLoading.readAll(sets.training(), "training", progress));
		training.addAll(added);
		List<FloatImage> validation = ImageLoading.readAll(sets.validation(), "validation", progress);
		AnomalyModel model = ModelBundle.load(request.model(), settings.compute().useGpu());
		AnomalyModel refined;
		try {
			refined = ModelRefiner.refine(model, new TrainingImages(training, validation), settings, provenance(added, addedName, sets), progress);
		} catch (RuntimeException e) {
			model.close();
			throw e;
		}
		try {
			if (!Double.isFinite(refined.threshold())) {
				throw new IllegalStateException("Refining diverged: the default threshold came out " + refined.threshold() + ", so no model was saved");
			}
			ModelBundle.save(refined, request.out());
		} catch (IOException | RuntimeException e) {
			refined.close();
			throw e;
		}
		progress.log("Refined model written to " + request.out() + " (the input model is unchanged)");
		return refined;
	}

	/** What this refinement added, for the model's provenance: the set, how many images, and their names (the first 50). */
	static Map<String, String> provenance(List<FloatImage> added, String addedName, Sets sets) {
		Map<String, String> p = new LinkedHashMap<>();
		p.put("added", addedName);
		p.put("addedImages", Integer.toString(added.size()));
		List<String> names = added.stream().map(FloatImage::name).limit(50).toList();
		p.put("addedNames", String.join(", ", names) + (added.size() > names.size() ? ", …" : ""));
		p.put("trainingData", sets.trainingName());
		p.put("validationData", sets.validationName());
		return p;
	}
}
