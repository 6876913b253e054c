package io.github.stad.fiji;

import ij.ImagePlus;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.io.Opener;
import ij.io.RoiDecoder;
import io.github.stad.io.ImageEntry;
import io.github.stad.jobs.BatchDetectJob;
import io.github.stad.jobs.ResultRows;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The triage table of Batch Detect…: its rows (sorted by image score) and, for a row, the image it
 * came from with the regions that were found as an overlay. Free of windows, so it can be tested; the
 * command binds a double-click on a row to {@link #open(int)}.
 */
final class BatchTriage {

	private final List<ResultRows.ImageRow> rows;
	private final Map<String, ImageEntry> byLabel = new HashMap<>();
	private final Path outDir;

	BatchTriage(List<ResultRows.ImageRow> rows, List<ImageEntry> inputs, Path outDir) {
		this.rows = List.copyOf(rows);
		this.outDir = outDir;
		for (ImageEntry e : inputs) byLabel.put(BatchDetectJob.label(e), e);
	}

	List<ResultRows.ImageRow> rows() { return rows; }

	/** The input image of a table row, or null for a row that failed or is out of range. */
	ImageEntry entry(int row) {
		if (row < 0 || row >= rows.size() || rows.get(row).failed()) return null;
		return byLabel.get(rows.get(row).image());
	}

	/** The ROI set written for a table row. */
	Path roiSet(int row) {
		ImageEntry e = entry(row);
		return e == null ? null : BatchDetectJob.outputFolder(outDir, e).resolve(e.stem() + "_rois.zip");
	}

	/** The image of a row with its regions as a yellow overlay (not shown); throws with a message when it cannot be opened. */
	ImagePlus open(int row) throws IOException {
		ImageEntry e = entry(row);
		if (e == null) throw new IllegalArgumentException("Row " + (row + 1) + " has no image to open" + (row >= 0 && row < rows.size() ? " (" + rows.get(row).error() + ")" : ""));
		Opener opener = new Opener();
		opener.setSilentMode(true);
		ImagePlus imp = opener.openImage(e.image().toAbsolutePath().toString());
		if (imp == null) throw new IOException(e.image() + " could not be opened");
		Overlay overlay = new Overlay();
		for (Roi roi : readRois(roiSet(row))) {
			roi.setStrokeColor(Color.YELLOW);
			overlay.add(roi);
		}
		imp.setOverlay(overlay);
		ResultRows.ImageRow r = rows.get(row);
		imp.setTitle(imp.getTitle() + String.format(java.util.Locale.ROOT, " (score %.3f, %d region(s))", r.imageScore(), r.regions()));
		return imp;
	}

	/**
	 * The input images of rows {@code first}..{@code last} (a selection of the table) as one stack, plane
	 * labels their names, for Refine Model… ("these are normal"); failed rows are left out. All must have
	 * one size and type, as a stack needs; otherwise the message says to refine from a folder instead.
	 */
	ImagePlus stackOf(int first, int last) throws IOException {
		ij.ImageStack stack = null;
		int type = -1;
		for (int row = Math.max(0, first); row <= Math.min(last, rows.size() - 1); row++) {
			ImageEntry e = entry(row);
			if (e == null) continue;
			Opener opener = new Opener();
			opener.setSilentMode(true);
			ImagePlus imp = opener.openImage(e.image().toAbsolutePath().toString());
			if (imp == null) throw new IOException(e.image() + " could not be opened");
			if (stack == null) {
				stack = new ij.ImageStack(imp.getWidth(), imp.getHeight());
				type = imp.getType();
			} else if (imp.getWidth() != stack.getWidth() || imp.getHeight() != stack.getHeight() || imp.getType() != type) {
				throw new IllegalArgumentException("The selected images differ in size or type, so they make no stack: copy them into a folder and give it to Refine Model… (normal_folder)");
			}
			for (int s = 1; s <= imp.getStackSize(); s++) stack.addSlice(e.image().getFileName().toString(), imp.getStack().getProcessor(s));
		}
		if (stack == null) throw new IllegalArgumentException("Select the rows of the images that are normal (rows of failed files have no image)");
		return new ImagePlus("normal images from " + outDir.getFileName(), stack);
	}

	/**
	 * The zoom at which a row's image opens: small images (defect crops are often 64-256 pixels) doubled
	 * while their longer side stays within 512 screen pixels, at most 16x; 1 for anything larger.
	 */
	static double zoomFor(int width, int height) {
		int side = Math.max(1, Math.max(width, height));
		double zoom = 1;
		while (side * zoom * 2 <= 512 && zoom < 16) zoom *= 2;
		return zoom;
	}

	static List<Roi> readRois(Path zip) throws IOException {
		List<Roi> rois = new java.util.ArrayList<>();
		if (zip == null || !Files.isRegularFile(zip)) return rois;
		try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
			for (ZipEntry z; (z = in.getNextEntry()) != null;) {
				Roi roi = RoiDecoder.openFromByteArray(in.readAllBytes());
				if (roi != null) rois.add(roi);
			}
		}
		return rois;
	}
}
