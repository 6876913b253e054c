package io.github.stad.io;

import ij.gui.Roi;
import ij.io.RoiEncoder;
import ij.plugin.filter.ThresholdToSelection;
import ij.process.ByteProcessor;
import ij.process.ImageProcessor;
import io.github.stad.engine.files.AtomicFiles;
import io.github.stad.engine.regions.Regions.Region;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Engine {@link Region}s as ImageJ selections that cover exactly the region's pixels, and ROI set files (.zip) of them. */
public final class RoiSets {

	private RoiSets() {}

	/**
	 * An outline of exactly the region's pixels (holes included), named "region-&lt;label&gt;".
	 * The mask is only as large as the bounding box, so many small regions on a large image stay cheap.
	 */
	public static Roi toRoi(Region r, int width, int height) {
		if (r.x() < 0 || r.y() < 0 || r.x() + r.width() > width || r.y() + r.height() > height) {
			throw new IllegalArgumentException("Region " + r.label() + " does not fit in a " + width + "x" + height + " image");
		}
		ByteProcessor mask = new ByteProcessor(r.width(), r.height());
		for (int i : r.pixels()) {
			int x = i % width - r.x(), y = i / width - r.y();
			mask.set(x, y, 255);
		}
		mask.setThreshold(255, 255, ImageProcessor.NO_LUT_UPDATE);
		Roi roi = new ThresholdToSelection().convert(mask);
		if (roi == null) throw new IllegalArgumentException("Region " + r.label() + " has no pixels");
		// The region touches every side of its box, so the outline starts at the mask's origin.
		roi.setLocation(r.x() + roi.getXBase(), r.y() + roi.getYBase());
		roi.setName("region-" + r.label());
		return roi;
	}

	/** {@link #toRoi} for each region, in the same order. */
	public static List<Roi> toRois(List<Region> regions, int width, int height) {
		List<Roi> rois = new ArrayList<>(regions.size());
		for (Region r : regions) rois.add(toRoi(r, width, height));
		return rois;
	}

	/**
	 * Saves an ImageJ ROI set (.zip), as made by the ROI Manager's "Save…", so it can be dragged onto Fiji or
	 * opened with {@code RoiManager.open}. ROIs without a name are saved (as copies) as "region-1", "region-2", ….
	 */
	public static void write(List<Roi> rois, Path target) throws IOException {
		AtomicFiles.write(target, temp -> {
			try (OutputStream file = Files.newOutputStream(temp);
					ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(file));
					DataOutputStream out = new DataOutputStream(zip)) {
				RoiEncoder encoder = new RoiEncoder(out);
				Set<String> used = new HashSet<>();
				for (int i = 0; i < rois.size(); i++) {
					Roi roi = rois.get(i);
					String name = roi.getName();
					if (name == null || name.isBlank()) {
						roi = (Roi) roi.clone();
						name = "region-" + (i + 1);
						roi.setName(name);
					}
					zip.putNextEntry(new ZipEntry(uniqueEntry(name, used)));
					encoder.write(roi);
					out.flush();
					zip.closeEntry();
				}
			}
		});
	}

	private static String uniqueEntry(String name, Set<String> used) {
		String base = name.replaceAll("[\\\\/:*?\"<>|]", "_"); // keep entry names valid file names on every OS
		String entry = base + ".roi";
		for (int k = 2; !used.add(entry); k++) entry = base + "-" + k + ".roi";
		return entry;
	}

}
