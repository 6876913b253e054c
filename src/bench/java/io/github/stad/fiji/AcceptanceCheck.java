package io.github.stad.fiji;

import ij.ImagePlus;
import ij.io.Opener;
import ij.io.RoiDecoder;
import io.github.stad.engine.files.ModelBundle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Checks what the example macros wrote in the acceptance test (ci/acceptance.sh): maps, ROI sets,
 * tables and metrics, by content. Prints one line per problem; exit code 0 when there is none.
 */
public final class AcceptanceCheck {

	private final Path out;
	private final int batchFiles;
	private final List<String> problems = new ArrayList<>();

	private AcceptanceCheck(Path out, int batchFiles) {
		this.out = out;
		this.batchFiles = batchFiles;
	}

	/** @param args the macros' output folder and the batch input folder */
	public static void main(String[] args) throws IOException {
		int files;
		try (var list = Files.list(Path.of(args[1]))) {
			files = (int) list.count();
		}
		AcceptanceCheck c = new AcceptanceCheck(Path.of(args[0]), files);
		c.run();
		for (String p : c.problems) System.out.println("acceptance check: FAIL " + p);
		System.out.println("acceptance check: " + (c.problems.isEmpty() ? "all outputs as expected" : c.problems.size() + " problem(s)"));
		System.exit(c.problems.isEmpty() ? 0 : 1);
	}

	private void run() throws IOException {
		for (String m : new String[] { "model.zip", "model_from_stack.zip" }) {
			try {
				Object threshold = ModelBundle.describe(out.resolve(m)).get("threshold");
				check(threshold instanceof Double d && Double.isFinite(d), m + " has no finite threshold");
			} catch (IOException e) {
				problems.add(m + ": " + e.getMessage());
			}
		}
		map("scratch_anomaly.tif", 1);
		map("scratch_layers.tif", 3);
		ImagePlus layers = open("scratch_layers.tif");
		if (layers != null) {
			String label = layers.getStack().getSliceLabel(2);
			check(label != null && label.startsWith("p=17 e (regression error)"), "scratch_layers.tif: channel 2 is not named by scale and signal: " + label);
		}

		for (String folder : new String[] { "segment", "segment_strict" }) {
			Path dir = out.resolve(folder);
			int rois = rois(dir.resolve("foreign_patch_rois.zip"));
			List<String> regions = lines(dir.resolve("foreign_patch_regions.csv"));
			List<String> images = lines(dir.resolve("foreign_patch_images.csv"));
			if (regions.isEmpty() || images.isEmpty()) continue;
			check(regions.get(0).startsWith("image,region,area_px,mean_score,max_score,centroid_x,centroid_y,bbox_x,bbox_y,bbox_width,bbox_height"), folder + ": regions.csv header " + regions.get(0));
			check(regions.size() - 1 == rois, folder + ": " + (regions.size() - 1) + " table rows but " + rois + " ROIs");
			check(images.size() == 2 && images.get(1).startsWith("foreign_patch,"), folder + ": images.csv " + images);
			check(images.get(1).endsWith(rois > 0 ? ",yes," + rois : ",no,0"), folder + ": flagged/regions column disagrees with the ROIs: " + images.get(1));
		}
		ImagePlus overlay = open("foreign_patch_with_overlay.tif");
		if (overlay != null) check(overlay.getOverlay() == null || overlay.getOverlay().size() == rois(out.resolve("segment_strict/foreign_patch_rois.zip")), "the saved overlay does not hold the ROIs");

		Path batch = out.resolve("batch");
		List<String> scores = lines(batch.resolve("scores.csv"));
		if (!scores.isEmpty()) {
			// The first release's five columns first, in their order, then the new ones.
			check(scores.get(0).equals("image,image_score,anomalous,regions,error,largest_region_px"), "scores.csv header " + scores.get(0));
			check(scores.get(scores.size() - 1).startsWith("broken.png,"), "scores.csv should list the failed file last");
			double previous = Double.POSITIVE_INFINITY;
			for (String l : scores.subList(1, scores.size() - 1)) {
				double score = Double.parseDouble(l.split(",")[1]);
				check(score <= previous, "scores.csv is not sorted by image score: " + l);
				previous = score;
			}
			check(scores.size() == 1 + batchFiles, "scores.csv should list all " + batchFiles + " files of the batch folder, has " + (scores.size() - 1) + " rows");
			check(scores.stream().anyMatch(l -> l.startsWith("broken.png,") && l.contains("not a readable")), "scores.csv does not report broken.png");
			for (String l : scores.subList(1, scores.size())) {
				if (l.startsWith("broken.png")) continue;
				String stem = l.substring(0, l.indexOf('.'));
				map("batch/" + stem + ".tif", 1);
				check(Files.isRegularFile(batch.resolve(stem + "_overlay.png")), "batch: no overlay for " + stem);
				int n = rois(batch.resolve(stem + "_rois.zip"));
				check(l.contains("," + n + ","), "batch: " + stem + " has " + n + " ROIs but scores.csv says " + l);
			}
		}

		Path metrics = out.resolve("evaluation/metrics.json");
		if (exists(metrics)) {
			String json = Files.readString(metrics);
			for (String key : new String[] { "auPro", "pixelAuroc", "imageAuroc" }) check(json.contains("\"" + key + "\""), "metrics.json lacks " + key);
			check(Files.size(out.resolve("evaluation/pro_curve.png")) > 1000, "pro_curve.png is missing or empty");
		}
	}

	private void map(String name, int channels) {
		ImagePlus imp = open(name);
		if (imp == null) return;
		check(imp.getBitDepth() == 32, name + " is " + imp.getBitDepth() + "-bit, not 32-bit");
		check(imp.getWidth() == 128 && imp.getHeight() == 128, name + " is " + imp.getWidth() + "x" + imp.getHeight());
		check(imp.getNChannels() == channels, name + " has " + imp.getNChannels() + " channel(s), expected " + channels);
		float[] px = (float[]) imp.getStack().getPixels(1);
		boolean finite = true;
		for (float v : px) finite &= Float.isFinite(v);
		check(finite, name + " has NaN or infinite scores");
	}

	private ImagePlus open(String name) {
		Path p = out.resolve(name);
		if (!exists(p)) return null;
		ImagePlus imp = new Opener().openImage(p.toString());
		check(imp != null, name + " cannot be opened");
		return imp;
	}

	/** The number of ROIs in an ImageJ ROI set, each decoded to make sure it is one. */
	private int rois(Path zip) {
		if (!exists(zip)) return -1;
		int n = 0;
		try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
			for (ZipEntry e; (e = in.getNextEntry()) != null;) {
				byte[] bytes = in.readAllBytes();
				check(e.getName().endsWith(".roi") && RoiDecoder.openFromByteArray(bytes) != null, zip.getFileName() + ": " + e.getName() + " is not a ROI");
				n++;
			}
		} catch (IOException e) {
			problems.add(zip + " is not a ROI zip: " + e.getMessage());
		}
		return n;
	}

	private List<String> lines(Path p) throws IOException {
		return exists(p) ? Files.readAllLines(p) : List.of();
	}

	private boolean exists(Path p) {
		boolean ok = Files.isRegularFile(p);
		check(ok, "missing " + out.relativize(p));
		return ok;
	}

	private void check(boolean ok, String problem) {
		if (!ok) problems.add(problem);
	}
}
