package io.github.stad.cli;

import io.github.stad.engine.Progress;
import io.github.stad.engine.eval.EvaluationReport;
import io.github.stad.engine.files.ModelBundle;
import io.github.stad.engine.files.WriteFailedException;
import io.github.stad.engine.model.AnomalyModel;
import io.github.stad.engine.model.MapMode;
import io.github.stad.engine.net.Djl;
import io.github.stad.engine.teacher.TeacherSettings;
import io.github.stad.engine.teacher.TeacherTraining;
import io.github.stad.engine.training.ModelTrainer;
import io.github.stad.engine.training.TrainingSettings;
import io.github.stad.io.ImageEntry;
import io.github.stad.io.ImageSets;
import io.github.stad.jobs.ArgumentChecks;
import io.github.stad.jobs.BatchDetectJob;
import io.github.stad.jobs.EvaluateJob;
import io.github.stad.jobs.EvaluateRequest;
import io.github.stad.jobs.OutputGuard;
import io.github.stad.jobs.RefineJob;
import io.github.stad.jobs.RefineRequest;
import io.github.stad.jobs.ResultRows;
import io.github.stad.jobs.ScoreShards;
import io.github.stad.jobs.ScoreRequest;
import io.github.stad.jobs.Shard;
import io.github.stad.jobs.TeacherRequest;
import io.github.stad.jobs.TrainJob;
import io.github.stad.jobs.TrainRequest;
import io.github.stad.jobs.TrainTeacherJob;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** `stad` command line: train, score, merge-scores, evaluate, train-teacher, info and demo. Thin: argument parsing and printing only. */
public final class Main {

	static final String USAGE = """
			usage: stad <command> [options]
			  train     --normal SET --validation SET --out MODEL.zip [--patch-sizes 17,33,65] [--students 3]
			            [--time-budget MINUTES (default 20) | --epochs N] [--seed S] [--teacher FILE[,FILE…]] [--random-teacher] [--crop PIXELS] [--batch CROPS]
			            [--learning-rate 1e-3] [--width 128] [--descriptor-dim 128] [--fpr 0] [--scale 1] [--map-mode exact|strided] [--cpu] [--overwrite]
			            [--adapt-teacher SHARE (of the time budget, 0 = off) | --adapt-teacher-steps N (per patch size, with --epochs)]
			            (--crop/--batch: student crops and crops per step at every patch size; default 16 of 8² at p = 17, 4 of 32² at p = 33, 65;
			             one alone keeps the other's default: --crop 64 --batch 2 gives the steps of earlier versions)
			  score     --model MODEL.zip --input FILE_OR_SET --out DIR [--threshold T] [--min-area 10] [--tile 256] [--map-mode exact|strided] [--shard K/N] [--cpu] [--overwrite]
			  merge-scores DIR [--shards N] [--overwrite]   scores-K-of-N.csv of all N shards -> DIR/scores.csv (as one unsharded run)
			  evaluate  --model MODEL.zip | --maps DIR   --test SET [--masks DIR] --out DIR [--max-fpr 0.3] [--tile 256] [--map-mode exact|strided] [--cpu] [--overwrite]
			  train-teacher --images SET --patch-size P --out FILE [--iterations 2000] [--distill MODEL.pt] [--distill-input-size 224]
			            [--lambda-k 0] [--lambda-m 1] [--lambda-c 0.01] [--learning-rate 2e-4] [--seed S] [--resume FILE] [--init FILE|default] [--batch 64] [--checkpoint-every 100] [--cpu] [--overwrite]
			            [--mode patch|dense|colour|distil] [--targets DIR (distil: P's precomputed features)] dense, distil: [--grid 24|12|8] [--crops 8] [--mining semi-hard|hardest|subset] [--mining-subset 0.125] [--warmup 100]
			            [--brightness 0.2] [--contrast 0.2] [--gamma 0.2] [--blur 1] [--noise 0.1] [--shift 1] [--scale 0] [--flips] [--turns] [--synthetic-defects 0]
			  refine    --model MODEL.zip --normal MORE --out REFINED.zip [--time-budget MINUTES (default 5) | --epochs N] [--training SET] [--validation SET]
			            [--seed S] [--tile 256] [--cpu] [--overwrite]   the model's students continue on its training images plus MORE (normal images,
			            e.g. false alarms), then recalibrate on its validation images; SETs default to those in the model's provenance
			  info      --model MODEL.zip
			  demo      [--out DIR] [--epochs 30 | --time-budget MINUTES] [--patch-sizes 17,33] [--overwrite]   train (shipped teachers), score and evaluate on the bundled sample images
			stad <command> --help: that command's options, each explained in one line.
			A SET is a folder of images, a folder of type subfolders (MVTec test/<type>/), or split.csv:SPLIT.
			Existing files are never replaced unless --overwrite is given; an input is never replaced.
			""";

	private Main() {}

	public static void main(String[] argv) {
		Interrupts.install(System.err);
		System.exit(run(argv, System.out, System.err));
	}

	/** @return the process exit code: 0 done, 1 failed (bad input), 2 usage error, 3 cancelled, 4 an output could not be written */
	static int run(String[] argv, PrintStream out, PrintStream err) {
		if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h") || argv[0].equals("help")) {
			out.print(USAGE);
			return argv.length == 0 ? 2 : finished(out, err);
		}
		List<String> rest = Arrays.asList(argv).subList(1, argv.length);
		if (rest.contains("--help") || rest.contains("-h")) { // `stad score --help`: its help, not "--help needs a value"
			String help = Help.of(argv[0]);
			out.print(help != null ? help : USAGE);
			return finished(out, err);
		}
		Progress progress = new ConsoleProgress(out);
		try {
			switch (argv[0]) {
				case "train" -> train(new Args(rest, Set.of("cpu", "random-teacher", "overwrite")), progress, out);
				case "score" -> score(new Args(rest, Set.of("cpu", "overwrite")), progress, out);
				case "merge-scores" -> mergeScores(rest, out);
				case "evaluate" -> evaluate(new Args(rest, Set.of("cpu", "overwrite")), progress, out);
				case "train-teacher" -> trainTeacher(new Args(rest, Set.of("cpu", "overwrite", "flips", "turns")), progress, out);
				case "refine" -> refine(new Args(rest, Set.of("cpu", "overwrite")), progress, out);
				case "info" -> info(new Args(rest, Set.of()), out);
				case "demo" -> demo(new Args(rest, Set.of("cpu", "overwrite")), out, err);
				default -> throw new Args.UsageException("unknown command '" + argv[0] + "'");
			}
			return finished(out, err);
		} catch (Args.UsageException e) {
			err.println("stad: " + e.getMessage());
			err.println("stad: " + Help.pointer(argv[0]));
			return 2;
		} catch (Progress.CancelledException e) {
			err.println("stad: " + e.getMessage());
			return 3;
		} catch (java.nio.file.InvalidPathException e) {
			err.println("stad: error: " + e.getInput() + " is not a usable file name here (" + e.getReason() + ")"
					+ (System.getProperty("sun.jnu.encoding", "").toUpperCase(java.util.Locale.ROOT).contains("UTF") ? "" : "; names with accents need a UTF-8 locale: run with LANG=C.UTF-8"));
			return 1;
		} catch (ArgumentChecks.BadValueException e) { // a value out of its range is a usage error like one that is no number: exit 2, one line
			err.println("stad: " + e.getMessage());
			return 2;
		} catch (WriteFailedException e) {
			err.println("stad: error: " + oneLine(e));
			return WRITE_FAILED;
		} catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
			err.println("stad: error: " + oneLine(e));
			return 1;
		} catch (RuntimeException | OutOfMemoryError e) {
			// A bug or the machine, not the input: still one line (a stack trace helps no user), but say which it is.
			err.println("stad: error: " + (e instanceof OutOfMemoryError ? "out of memory; give Java more memory (STAD_JAVA_OPTS=-Xmx16g) or " + lessMemory(argv[0])
					: "unexpected " + e.getClass().getSimpleName() + ": " + oneLine(e) + " (please report this)"));
			return 1;
		}
	}

	/** What lowers the memory of this command, in its own flags. */
	static String lessMemory(String command) {
		return switch (command) {
			case "train" -> "use smaller images, --scale 0.5, a smaller --batch or --crop, or --tile";
			case "train-teacher" -> "a smaller --batch";
			default -> "use smaller images or a smaller --tile";
		};
	}

	/** Exit code of a run whose outputs (files or standard output) could not all be written. */
	static final int WRITE_FAILED = 4;

	/** 0, unless what was printed was lost (`info > /dev/full`): that output is the result, so losing it fails the run. */
	private static int finished(PrintStream out, PrintStream err) {
		if (!out.checkError()) return 0;
		err.println("stad: error: the output could not be written to standard output (disk full or closed pipe?)");
		return WRITE_FAILED;
	}

	private static String oneLine(Throwable e) {
		String m = e.getMessage();
		if (e instanceof java.nio.file.NoSuchFileException n) m = n.getReason() != null ? n.getReason() : "file not found: " + n.getFile(); // the reason names the file
		if (e instanceof UncheckedIOException u && u.getCause() != null && (m == null || m.equals(u.getCause().toString()))) return oneLine(u.getCause());
		return (m == null ? e.toString() : m).strip().replace('\n', ' ');
	}

	/** The settings that every front end checks the same way, named as on this command line. */
	private static final ArgumentChecks CHECK = ArgumentChecks.CLI;

	/** The flags of `stad train` as a request, checked (but the sets not yet resolved). */
	private static TrainRequest trainRequest(Args a, String normal, String validation) {
		String epochs = a.optional("epochs", null), minutes = a.optional("time-budget", null);
		if (epochs != null && minutes != null) throw new Args.UsageException("give either --epochs or --time-budget, not both");
		TrainingSettings d = TrainingSettings.defaults();
		TrainRequest.Builder b = TrainRequest.builder(a.path("out")).data(normal, validation).patchSizes(a.integers("patch-sizes", d.patchSizes()))
				.students(a.integer("students", d.students())).seed(a.integer("seed", (int) d.seed()))
				.learningRate(a.number("learning-rate", d.schedule().optimiser().learningRate()))
				.networkSize(a.integer("width", d.network().width()), a.integer("descriptor-dim", d.network().descriptorDim()))
				.thresholdFpr(a.number("fpr", d.thresholdFpr())).tile(a.integer("tile", d.compute().tileSize())).useGpu(!a.flag("cpu"))
				.processingScale(a.number("scale", d.processingScale())).teacherAdaptationShare(a.number("adapt-teacher", d.teacherAdaptation().budgetShare()))
				.teacherAdaptationSteps(a.integer("adapt-teacher-steps", d.teacherAdaptation().steps())).maps(mapMode(a, d.maps()));
		if (epochs != null) b.epochs(a.integer("epochs", 0));
		if (minutes != null) b.timeBudget(a.number("time-budget", 0));
		// Not given means each patch size's default; given, they must be real sizes: "--crop 0" is an error, not "the default".
		if (a.optional("crop", null) != null) b.crop(a.integer("crop", 0));
		if (a.optional("batch", null) != null) b.batch(a.integer("batch", 0));
		List<Path> teacherFiles = a.paths("teacher");
		OutputGuard guard = OutputGuard.cli(a.flag("overwrite")).readsSet(normal).readsSet(validation);
		for (Path t : teacherFiles) guard.reads(t, "a teacher file this command reads (--teacher)");
		return b.teachers(teacherFiles, !a.flag("random-teacher")).guard(guard).build(CHECK);
	}

	private static void train(Args a, Progress progress, PrintStream out) throws IOException {
		String normal = a.required("normal"), validation = a.required("validation");
		TrainRequest request = trainRequest(a, normal, validation);
		a.rejectUnknown();
		List<ImageEntry> normalSet = ImageSets.resolve(normal), validationSet = ImageSets.resolve(validation);
		TrainJob.checkOutput(request, normalSet, validationSet); // before the teachers or any image are read
		out.println("Training on " + normalSet.size() + " normal image(s), validating on " + validationSet.size() + "; " + Djl.describe());
		try (ModelTrainer.Outcome outcome = TrainJob.run(request, normalSet, validationSet, progress)) {
			AnomalyModel m = outcome.model();
			out.println("Model: " + request.out() + " (threshold " + String.format("%.3f", m.threshold()) + ": " + m.calibration().describeThreshold() + ")");
			for (var e : outcome.losses().entrySet()) {
				float[] l = e.getValue();
				out.printf("  %s: loss %.4f -> %.4f over %d steps%n", e.getKey(), l[0], l[l.length - 1], l.length);
			}
			String warning = m.provenance().get("warning");
			if (warning != null) out.println("WARNING: " + warning); // the last line: a summary must not hide it
		}
	}

	private static void refine(Args a, Progress progress, PrintStream out) throws IOException {
		Path modelFile = a.path("model"), refined = a.path("out");
		String more = a.required("normal"), training = a.optional("training", null), validation = a.optional("validation", null);
		String epochs = a.optional("epochs", null), minutes = a.optional("time-budget", null);
		if (epochs != null && minutes != null) throw new Args.UsageException("give either --epochs or --time-budget, not both");
		RefineRequest.Builder b = RefineRequest.builder(modelFile, refined).seed(a.integer("seed", 1)).tile(a.integer("tile", ScoreRequest.DEFAULT_TILE)).useGpu(!a.flag("cpu"));
		if (epochs != null) b.epochs(a.integer("epochs", 0));
		else b.timeBudget(a.number("time-budget", RefineRequest.DEFAULT_MINUTES));
		RefineRequest request = b.guard(OutputGuard.cli(a.flag("overwrite")).readsSet(more)).build(CHECK);
		a.rejectUnknown();
		RefineJob.Sets sets = RefineJob.sets(modelFile, training, validation, CHECK);
		List<ImageEntry> added = ImageSets.resolve(more);
		RefineJob.checkOutput(request, sets, added); // before any image is read
		out.println("Refining " + modelFile + " with " + added.size() + " added image(s) on " + (sets.training().size() + added.size()) + " training image(s), validating on "
				+ sets.validation().size() + "; " + Djl.describe());
		try (AnomalyModel m = RefineJob.run(request, sets, added, more, progress)) {
			out.println("Refined model: " + refined + " (threshold " + String.format("%.3f", m.threshold()) + ": " + m.calibration().describeThreshold() + "); " + modelFile + " is unchanged");
		}
	}

	private static void score(Args a, Progress progress, PrintStream out) throws IOException {
		Path modelFile = a.path("model");
		String input = a.required("input");
		Path outDir = a.path("out");
		String threshold = a.optional("threshold", null); // absent: the model's default; NaN is refused, not taken for absent
		ScoreRequest.Builder b = ScoreRequest.builder(outDir).minArea(a.integer("min-area", io.github.stad.engine.regions.Regions.DEFAULT_MIN_AREA)).tile(a.integer("tile", ScoreRequest.DEFAULT_TILE))
				.maps(mapMode(a, null));
		if (threshold != null) b.threshold(a.number("threshold", 0));
		b.check(CHECK); // before the inputs are resolved
		Shard shard = shard(a.optional("shard", null));
		boolean gpu = !a.flag("cpu");
		OutputGuard guard = OutputGuard.cli(a.flag("overwrite")).reads(modelFile, "the model file this command reads (--model)").readsSet(input);
		a.rejectUnknown();
		List<ImageEntry> inputs = ImageSets.resolve(input);
		ScoreRequest request = b.inputs(inputs).guard(guard).shard(shard).build(CHECK);
		BatchDetectJob.checkOutputs(request);
		try (AnomalyModel model = ModelBundle.load(modelFile, gpu)) {
			if (!shard.isAll()) out.println("Shard " + shard + ": " + shard.size(inputs.size()) + " of " + inputs.size() + " image(s); " + Djl.describe() + ", " + Djl.cpuThreads());
			List<ResultRows.ImageRow> rows = BatchDetectJob.run(model, request, progress);
			long flagged = rows.stream().filter(ResultRows.ImageRow::flagged).count();
			long failed = rows.stream().filter(ResultRows.ImageRow::failed).count();
			List<ResultRows.ImageRow> lost = rows.stream().filter(ResultRows.ImageRow::outputLost).toList();
			Path csv = shard.isAll() ? outDir.resolve("scores.csv") : ScoreShards.csvFile(outDir, shard);
			out.println("Wrote " + csv + ": " + rows.size() + " image(s), " + flagged + " anomalous" + (failed > 0 ? ", " + failed + " failed" : ""));
			if (!lost.isEmpty()) {
				throw new WriteFailedException("the outputs of " + lost.size() + " of " + rows.size() + " image(s) could not be written (" + lost.get(0).error()
						+ "); " + csv.getFileName() + " lists them: fix that and score them again", null);
			}
			if (failed > 0 && failed == rows.size()) throw new IllegalArgumentException("no image could be scored (see " + csv + ")");
		}
	}

	private static Shard shard(String text) {
		try {
			return Shard.parse(text);
		} catch (IllegalArgumentException e) {
			throw new Args.UsageException("--" + e.getMessage());
		}
	}

	/** {@code merge-scores DIR [--shards N]}: the folder is the one positional argument. */
	private static void mergeScores(List<String> rest, PrintStream out) throws IOException {
		if (rest.isEmpty() || rest.get(0).startsWith("--")) throw new Args.UsageException("merge-scores needs the output folder of the shards: merge-scores DIR");
		Args a = new Args(rest.subList(1, rest.size()), Set.of("overwrite"));
		int n = a.integer("shards", 0);
		OutputGuard guard = OutputGuard.cli(a.flag("overwrite"));
		a.rejectUnknown();
		if (n < 0) throw new Args.UsageException("--shards must be at least 1, got " + n);
		ScoreShards.Merged m = ScoreShards.merge(Path.of(rest.get(0)), n, guard, out::println);
		out.println("Wrote " + m.scoresCsv() + ": " + m.images() + " image(s) from " + m.shards() + " shard(s)");
	}

	private static void evaluate(Args a, Progress progress, PrintStream out) throws IOException {
		String mapsDir = a.optional("maps", null);
		Path modelFile = mapsDir == null ? a.path("model") : null;
		if (mapsDir != null && a.optional("model", null) != null) throw new Args.UsageException("give either --model (score the test set now) or --maps (use maps already scored), not both");
		String test = a.required("test");
		String masks = a.optional("masks", null);
		EvaluateRequest.Builder b = EvaluateRequest.builder(a.path("out")).maxFpr(a.number("max-fpr", EvaluateRequest.DEFAULT_MAX_FPR))
				.tile(a.integer("tile", ScoreRequest.DEFAULT_TILE)).check(CHECK); // before the test set is resolved
		b.maps(mapMode(a, null));
		boolean gpu = !a.flag("cpu");
		OutputGuard guard = OutputGuard.cli(a.flag("overwrite")).readsSet(test);
		if (modelFile != null) guard = guard.reads(modelFile, "the model file this command reads (--model)");
		a.rejectUnknown();
		List<ImageEntry> tests = ImageSets.resolve(test);
		if (masks != null) tests = ImageSets.withMasks(tests, Path.of(masks));
		EvaluateRequest request = b.tests(tests).guard(guard).build(CHECK);
		EvaluateJob.checkOutputs(request);
		if (mapsDir != null) {
			printSummary(EvaluateJob.run(EvaluateJob.fromMaps(Path.of(mapsDir)), request, progress), request, out);
			return;
		}
		try (AnomalyModel model = ModelBundle.load(modelFile, gpu)) {
			printSummary(EvaluateJob.run(model, request, progress), request, out);
		}
	}

	private static void printSummary(EvaluationReport report, EvaluateRequest request, PrintStream out) {
		EvaluationReport.Summary s = report.overall();
		out.printf("AU-PRO@%.2f %.4f, pixel AUROC %.4f, image AUROC %.4f (%d images, %d regions) -> %s%n", request.maxFpr(), s.auPro(), s.pixelAuroc(), s.imageAuroc(),
				s.images(), s.regions(), request.outDir().resolve("metrics.json"));
	}

	private static void trainTeacher(Args a, Progress progress, PrintStream out) throws IOException {
		String images = a.required("images");
		int p = a.integer("patch-size", -1);
		if (p < 0) throw new Args.UsageException("--patch-size is required (17, 33 or 65)");
		Path file = a.path("out");
		TeacherSettings d = TeacherSettings.defaults(p);
		TeacherRequest.Builder b = TeacherRequest.builder(p, file).networkSize(a.integer("width", d.network().width()), a.integer("descriptor-dim", d.network().descriptorDim()))
				.iterations(a.integer("iterations", d.iterations())).batch(a.integer("batch", d.batchSize())).learningRate(a.number("learning-rate", d.optimiser().learningRate()))
				.check(CHECK); // before anything is read
		String distill = a.optional("distill", null);
		String targets = a.optional("targets", null);
		boolean distilMode = "distil".equalsIgnoreCase(a.optional("mode", "")) || "distill".equalsIgnoreCase(a.optional("mode", ""));
		b.lambdas(a.number("lambda-k", distill == null && !distilMode ? 0 : 1), a.number("lambda-m", distilMode ? 0 : d.losses().lambdaM()), a.number("lambda-c", d.losses().lambdaC()))
				.seed(a.integer("seed", (int) d.seed())).checkpointEvery(a.integer("checkpoint-every", d.checkpointEvery())).useGpu(!a.flag("cpu"))
				.mode(choice(a, "mode", d.mode().name(), TeacherSettings.Mode::parse)).dense(denseSettings(a, d.dense()));
		b.distill(distill, a.integer("distill-input-size", TeacherRequest.DEFAULT_DISTILL_INPUT_SIZE));
		String resume = a.optional("resume", null);
		b.initial(a.optional("init", null)).targets(targets == null ? null : Path.of(targets)).resume(resume == null ? null : Path.of(resume));
		OutputGuard guard = OutputGuard.cli(a.flag("overwrite")).readsSet(images);
		a.rejectUnknown();
		List<ImageEntry> set = ImageSets.resolve(images);
		TeacherRequest request = b.images(set, images).guard(guard).build(CHECK);
		TrainTeacherJob.checkOutput(request);
		out.println("Pretraining a p=" + p + " teacher (" + request.settings().mode().name().toLowerCase(java.util.Locale.ROOT) + " mode) on " + set.size() + " image(s); "
				+ Djl.describe());
		TeacherTraining.Result r = TrainTeacherJob.run(request, progress);
		float[] first = r.losses().get(0), last = r.losses().get(r.losses().size() - 1);
		out.printf("Teacher: %s (loss %.4f -> %.4f over %d iterations)%n", file, first[0], last[0], r.losses().size());
	}

	/** The dense trainer's options; each defaults to TeacherSettings' value for this p. */
	static TeacherSettings.Dense denseSettings(Args a, TeacherSettings.Dense d) {
		TeacherSettings.DenseAugmentation g = d.augmentation();
		TeacherSettings.DenseAugmentation augmentation = g.toBuilder().brightness((float) a.number("brightness", g.brightness())).contrast((float) a.number("contrast", g.contrast()))
				.gamma((float) a.number("gamma", g.gamma())).blur((float) a.number("blur", g.blur())).noise((float) a.number("noise", g.noiseStd()))
				.flips(a.flag("flips") || g.flips()).turns(a.flag("turns") || g.turns()).shift(a.integer("shift", g.maxShift())).scale((float) a.number("scale", g.scale()))
				.syntheticDefects((float) a.number("synthetic-defects", g.syntheticDefects())).build();
		return d.toBuilder().grid(a.integer("grid", d.grid())).crops(a.integer("crops", d.crops()))
				.mining(choice(a, "mining", d.mining().name(), TeacherSettings.Mining::parse), (float) a.number("mining-subset", d.subset())).warmup(a.integer("warmup", d.warmup()))
				.augmentation(augmentation).build();
	}

	/** --map-mode exact|strided; absent: {@code fallback} (null: as the model was trained). */
	private static MapMode mapMode(Args a, MapMode fallback) {
		String value = a.optional("map-mode", null);
		return value == null ? fallback : choice(a, "map-mode", value, MapMode::parse);
	}

	/** A named choice; an unknown name is a usage error. */
	private static <T> T choice(Args a, String name, String fallback, java.util.function.Function<String, T> parse) {
		try {
			return parse.apply(a.optional(name, fallback));
		} catch (IllegalArgumentException e) {
			throw new Args.UsageException("--" + name + ": " + e.getMessage());
		}
	}

	private static void info(Args a, PrintStream out) throws IOException {
		Path modelFile = a.path("model");
		a.rejectUnknown();
		Map<String, Object> d = ModelBundle.describe(modelFile);
		Map<String, String> rows = new java.util.LinkedHashMap<>();
		rows.put("model file", modelFile.toString());
		rows.put("format version", String.valueOf(d.get("formatVersion")));
		int channels = ((Number) d.get("inputChannels")).intValue();
		rows.put("input", channels == 1 ? "gray (1 channel)" : channels == 3 ? "RGB (3 channels)" : channels + " channels");
		rows.put("patch sizes", String.join(", ", ((List<?>) d.get("patchSizes")).stream().map(String::valueOf).toList()));
		rows.put("students", d.get("students") + " per patch size");
		double fpr = ((Number) d.get("thresholdFpr")).doubleValue();
		rows.put("threshold", String.format(java.util.Locale.ROOT, "%.4f", ((Number) d.get("threshold")).doubleValue()) + " ("
				+ (fpr == 0 ? "the second-highest image score of the validation images" : "exceeded by " + fpr * 100 + " % of the validation pixels") + ")");
		rows.put("thresholds by rate", Boolean.TRUE.equals(d.get("thresholdsForOtherRates")) ? "stored: a threshold for any false-positive rate can be chosen"
				: "not stored (a model of an early version): give thresholds as values");
		double scale = ((Number) d.get("processingScale")).doubleValue();
		rows.put("processing scale", scale == 1 ? "1 (full size)" : scale + " (images are resized by this before scoring)");
		rows.put("maps", "strided".equals(d.get("maps")) ? "strided (p = 33/65 on their grid, interpolated; calibrated so)" : "exact (every pixel)");
		if (d.get("provenance") instanceof Map<?, ?> provenance) {
			rows.put("provenance", "");
			provenance.forEach((k, v) -> rows.put("  " + k, String.valueOf(v)));
		}
		int width = rows.keySet().stream().mapToInt(String::length).max().orElse(0) + 2;
		rows.forEach((k, v) -> out.println(v.isEmpty() ? k : k + " ".repeat(width - k.length()) + v));
		trainingSummary(d.get("provenance"), out);
	}

	/** The end-of-training summary, as the training printed it, and its warning as the last line (a table must not hide it). */
	private static void trainingSummary(Object provenance, PrintStream out) {
		if (!(provenance instanceof Map<?, ?> p)) return;
		Map<String, String> info = new java.util.LinkedHashMap<>();
		p.forEach((k, v) -> info.put(String.valueOf(k), String.valueOf(v)));
		List<String> lines = ModelTrainer.summaryLines(info);
		if (!lines.isEmpty()) out.println("training summary");
		for (String line : lines) out.println("  " + line);
		if (info.containsKey("warning")) out.println("WARNING: " + info.get("warning"));
	}

	/** The README's first command: the whole workflow on the bundled sample images. */
	private static void demo(Args a, PrintStream out, PrintStream err) throws IOException {
		Path home = Path.of(System.getProperty("stad.home", "."));
		Path samples = home.resolve("sample-images");
		if (!Files.isDirectory(samples)) throw new IllegalArgumentException("sample-images not found under " + home.toAbsolutePath() + "; run the demo from the repository");
		Path outDir = Path.of(a.optional("out", "demo-output"));
		// 30 epochs by default: reproducible, and on 7 small images more student steps than a short budget gives (docs/benchmarks.md)
		String minutes = a.optional("time-budget", null), epochs = a.optional("epochs", minutes == null ? "30" : null);
		if (minutes != null && epochs != null) throw new Args.UsageException("give either --epochs or --time-budget, not both");
		// p = 17 and 33 by default: on these 128² images a 65² patch covers half the image, the shipped p = 65 teacher's
		// descriptors separate the planted defects worse than chance there, and dropping it ranks all four defects first
		String patchSizes = a.optional("patch-sizes", "17,33");
		String cpu = a.flag("cpu") ? "--cpu" : null;
		boolean overwrite = a.flag("overwrite");
		a.rejectUnknown();
		Path model = outDir.resolve("model.zip");
		String[][] steps = {
				{ "train", "--normal", samples.resolve("normal").toString(), "--validation", samples.resolve("validation").toString(), "--out", model.toString(),
						epochs != null ? "--epochs" : "--time-budget", epochs != null ? epochs : minutes, "--patch-sizes", patchSizes },
				{ "score", "--model", model.toString(), "--input", samples.resolve("test").toString(), "--out", outDir.resolve("maps").toString() },
				{ "evaluate", "--maps", outDir.resolve("maps").toString(), "--test", samples.resolve("test").toString(), "--masks", samples.resolve("ground_truth").toString(),
						"--out", outDir.resolve("evaluation").toString() } };
		for (String[] step : steps) {
			List<String> argv0 = new java.util.ArrayList<>(Arrays.asList(step));
			if (cpu != null) argv0.add(cpu);
			if (overwrite) argv0.add("--overwrite");
			String[] argv = argv0.toArray(String[]::new);
			out.println("$ stad " + String.join(" ", argv));
			int code = run(argv, out, err);
			if (code != 0) throw new IllegalStateException("demo step '" + step[0] + "' failed");
		}
		out.println("Demo outputs are in " + outDir.toAbsolutePath());
	}
}
