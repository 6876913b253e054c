package io.github.stad.io;

import java.util.ArrayList;
import java.util.List;

import ij.gui.Roi;
import ij.plugin.filter.ThresholdToSelection;
import ij.process.ByteProcessor;
import ij.process.ImageProcessor;
import io.github.stad.engine.regions.Regions.Region;

/** Turns engine {@link Region}s into ImageJ selections that cover exactly the region's pixels. */
public final class RoiConverter {

	private RoiConverter() {}

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
}
