package io.github.stad.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** `stad CMD --help`: each subcommand's synopsis and one line per flag saying what it does. */
final class Help {

	/** One flag: its name, its argument (empty for a switch) and what it does. */
	record Flag(String name, String argument, String meaning) {
		String line() {
			String left = "  --" + name + (argument.isEmpty() ? "" : " " + argument);
			return left + " ".repeat(Math.max(2, 34 - left.length())) + meaning;
		}
	}

	/** A subcommand: what it does, and its flags. */
	record Command(String synopsis, String purpose, List<Flag> flags) {}

	private static final Flag CPU = new Flag("cpu", "", "use the CPU even when DJL finds a GPU");
	private static final Flag OVERWRITE = new Flag("overwrite", "", "replace outputs that exist before this run (never an input)");
	private static final Flag TILE = new Flag("tile", "PIXELS", "side of the tiles an image is scored in (default 256; smaller needs less memory)");

	static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

	static {
		COMMANDS.put("train", new Command("train --normal SET --validation SET --out MODEL.zip [options]",
				"trains students on the normal images and calibrates the scores on the validation images", List.of(
						new Flag("normal", "SET", "anomaly-free images to learn from (folder, MVTec folder or split.csv:SPLIT)"),
						new Flag("validation", "SET", "other anomaly-free images: they normalise the scores and set the threshold"),
						new Flag("out", "MODEL.zip", "the model file to write"),
						new Flag("patch-sizes", "17,33,65", "patch sizes to train, one teacher and student ensemble each (default 17,33,65)"),
						new Flag("students", "N", "students per patch size (default 3)"),
						new Flag("time-budget", "MINUTES", "minutes for the whole training (default 20)"),
						new Flag("epochs", "N", "instead of a time budget: N epochs, reproducible on the CPU"),
						new Flag("seed", "S", "random seed"),
						new Flag("teacher", "FILE[,FILE…]", "teacher files to use instead of the shipped ones (one per patch size)"),
						new Flag("random-teacher", "", "untrained teachers where no file is given (for tests only)"),
						new Flag("crop", "PIXELS", "side of the student training crops (default per patch size: 8 at p = 17, 32 above)"),
						new Flag("batch", "CROPS", "student crops per step (default per patch size: 16 at p = 17, 4 above)"),
						new Flag("learning-rate", "R", "students' Adam learning rate (default 1e-3)"),
						new Flag("width", "C", "channels of the hidden layers (default 128)"),
						new Flag("descriptor-dim", "D", "descriptor size d (default 128)"),
						new Flag("fpr", "RATE", "threshold at this share of validation pixels, e.g. 0.01 (default 0: second-highest validation image score)"),
						new Flag("scale", "S", "work on images resized by S, e.g. 0.5 (stored in the model; default 1)"),
						TILE,
						new Flag("adapt-teacher", "SHARE", "share of the time budget that fine-tunes the teachers on the normal images first (default 0)"),
						new Flag("adapt-teacher-steps", "N", "with --epochs: teacher fine-tuning steps per patch size"),
						CPU, OVERWRITE)));
		COMMANDS.put("score", new Command("score --model MODEL.zip --input FILE_OR_SET --out DIR [options]",
				"writes per image NAME.tif (anomaly map), NAME_overlay.png and NAME_rois.zip, and scores.csv", List.of(
						new Flag("model", "MODEL.zip", "the model to score with"),
						new Flag("input", "FILE_OR_SET", "an image, a folder, an MVTec folder or split.csv:SPLIT"),
						new Flag("out", "DIR", "folder for the maps, overlays, ROI sets and scores.csv"),
						new Flag("threshold", "T", "anomaly score above which a pixel is anomalous (default: the model's)"),
						new Flag("min-area", "PIXELS", "smallest region that is reported (default 10)"),
						TILE,
						new Flag("shard", "K/N", "score only every N-th image, starting at the K-th (cluster array task K); merge with merge-scores"),
						CPU, OVERWRITE)));
		COMMANDS.put("merge-scores", new Command("merge-scores DIR [--shards N] [--overwrite]",
				"checks the shards scores-K-of-N.csv in DIR and writes DIR/scores.csv as one unsharded run would", List.of(
						new Flag("shards", "N", "the N of the shards (default: the only N found in DIR)"),
						new Flag("overwrite", "", "replace a scores.csv already in DIR"))));
		COMMANDS.put("evaluate", new Command("evaluate (--model MODEL.zip | --maps DIR) --test SET --out DIR [options]",
				"writes metrics.json (AU-PRO, pixel and image AUROC, per defect type) and pro_curve.png", List.of(
						new Flag("model", "MODEL.zip", "score the test set with this model now"),
						new Flag("maps", "DIR", "instead of --model: the maps a score run wrote there"),
						new Flag("test", "SET", "test images with good/ and defect-type subfolders (or a split.csv)"),
						new Flag("masks", "DIR", "ground-truth masks, matched by name (default: ground_truth next to the test set)"),
						new Flag("out", "DIR", "folder for metrics.json and pro_curve.png"),
						new Flag("max-fpr", "RATE", "AU-PRO integrated up to this false-positive rate (default 0.3)"),
						TILE, CPU, OVERWRITE)));
		COMMANDS.put("train-teacher", new Command("train-teacher --images SET --patch-size P --out FILE [options]",
				"pretrains a teacher network for one patch size, with atomic, resumable checkpoints", List.of(
						new Flag("images", "SET", "photographs to pretrain on"),
						new Flag("patch-size", "P", "17, 33 or 65"),
						new Flag("out", "FILE", "the teacher file (also its checkpoint)"),
						new Flag("iterations", "N", "training steps (default 2000)"),
						new Flag("mode", "patch|dense|colour|distil", "patch pairs, dense crop pairs, colour for a gray teacher, or distil: learn a pretrained network's precomputed features at every pixel (default patch)"),
						new Flag("targets", "DIR", "distil mode: the network's features on these photographs, made by bench/distill/targets.py"),
						new Flag("distill", "MODEL.pt", "TorchScript network whose descriptors the teacher learns (knowledge distillation)"),
						new Flag("distill-input-size", "PIXELS", "input side of the distilled network (default 224)"),
						new Flag("lambda-k", "W", "weight of the distillation loss (default 1 with --distill or --mode distil, else 0)"),
						new Flag("lambda-m", "W", "weight of the triplet (metric) loss (default 1; 0 in distil mode, which has none)"),
						new Flag("lambda-c", "W", "weight of the compactness loss (default 0.01)"),
						new Flag("learning-rate", "R", "Adam learning rate (default 2e-4)"),
						new Flag("batch", "N", "patches per step (default 64)"),
						new Flag("width", "C", "channels of the hidden layers (default 128)"),
						new Flag("descriptor-dim", "D", "descriptor size d (default 128)"),
						new Flag("seed", "S", "random seed"),
						new Flag("resume", "FILE", "continue from this checkpoint"),
						new Flag("init", "FILE|default", "fine-tune this teacher (default: the shipped one)"),
						new Flag("checkpoint-every", "N", "write a checkpoint every N steps (default 100)"),
						new Flag("grid", "G", "dense: side of the strided output grid of a crop (default 24 / 12 / 8)"),
						new Flag("crops", "B", "dense: crops per step (default 8)"),
						new Flag("mining", "semi-hard|hardest|subset", "dense: how negatives are mined (default semi-hard)"),
						new Flag("mining-subset", "F", "dense, mining subset: share of candidates searched (default 0.125)"),
						new Flag("warmup", "N", "dense: steps of linear learning-rate warm-up (default 100)"),
						new Flag("brightness", "A", "dense: brightness change up to ±A (default 0.2)"),
						new Flag("contrast", "A", "dense: contrast ×(1 ± A) (default 0.2)"),
						new Flag("gamma", "A", "dense: gamma change (default 0.2)"),
						new Flag("blur", "SIGMA", "dense: Gaussian blur up to SIGMA pixels on half the crops (default 1)"),
						new Flag("noise", "SIGMA", "dense: added noise (default 0.1)"),
						new Flag("shift", "STRIDES", "dense: shift of up to this many strides (default 1)"),
						new Flag("scale", "S", "dense: rescale by ±S (default 0)"),
						new Flag("flips", "", "dense: also flip crops"),
						new Flag("turns", "", "dense: also turn crops by 90°"),
						new Flag("synthetic-defects", "W", "dense: weight of planted synthetic defects (default 0 = off)"),
						CPU, OVERWRITE)));
		COMMANDS.put("refine", new Command("refine --model MODEL.zip --normal MORE --out REFINED.zip [options]",
				"continues the model's students on its training images plus MORE normal images, then calibrates again; the input model is never changed", List.of(
						new Flag("model", "MODEL.zip", "the model to refine (read only)"),
						new Flag("normal", "MORE", "the normal images to add, e.g. false alarms"),
						new Flag("out", "REFINED.zip", "the refined model to write"),
						new Flag("time-budget", "MINUTES", "minutes of refinement (default 5)"),
						new Flag("epochs", "N", "instead of a time budget: N epochs"),
						new Flag("training", "SET", "the model's training images (default: the set in its provenance)"),
						new Flag("validation", "SET", "validation images (default: the set in its provenance)"),
						new Flag("seed", "S", "random seed"),
						TILE, CPU, OVERWRITE)));
		COMMANDS.put("info", new Command("info --model MODEL.zip",
				"prints the settings, threshold, training summary and provenance of a model", List.of(
						new Flag("model", "MODEL.zip", "the model file"))));
		COMMANDS.put("demo", new Command("demo [options]",
				"trains (shipped teachers), scores and evaluates on the bundled sample images", List.of(
						new Flag("out", "DIR", "output folder (default demo-output)"),
						new Flag("epochs", "N", "epochs of training (default 30)"),
						new Flag("time-budget", "MINUTES", "instead of --epochs: minutes of training"),
						new Flag("patch-sizes", "17,33", "patch sizes to train (default 17,33)"),
						CPU, OVERWRITE)));
	}

	private Help() {}

	/** The help of one subcommand, or null if there is none of that name. */
	static String of(String command) {
		Command c = COMMANDS.get(command);
		if (c == null) return null;
		StringBuilder b = new StringBuilder("usage: stad ").append(c.synopsis()).append('\n').append("  ").append(c.purpose()).append("\n\n");
		for (Flag f : c.flags()) b.append(f.line()).append('\n');
		return b.toString();
	}

	/** The one line after a usage error: where the flags are explained. */
	static String pointer(String command) {
		return COMMANDS.containsKey(command) ? "run 'stad " + command + " --help' for its options" : "run 'stad --help' for the commands";
	}
}
