package io.github.stad.io;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One image of an image set, with its ground-truth mask if one is known.
 *
 * @param image the image file
 * @param mask the defect mask (same size, defect = bright), or {@code null} when the image has
 *        no ground truth: defect-free, or not yet matched with {@link ImageSets#withMasks}
 * @param defectType the defect class: the test subfolder name ({@code "good"} for defect-free
 *        MVTec images), the CSV label, or {@code ""} for a flat folder
 */
public record ImageEntry(Path image, Path mask, String defectType) {

	public ImageEntry {
		Objects.requireNonNull(image, "image");
		defectType = defectType == null ? "" : defectType;
	}

	/** An entry without ground truth. */
	public ImageEntry(Path image, String defectType) {
		this(image, null, defectType);
	}

	public boolean hasMask() {
		return mask != null;
	}

	public ImageEntry withMask(Path newMask) {
		return new ImageEntry(image, newMask, defectType);
	}

	/** File name without its extension, the key used to match masks. */
	public String stem() {
		return ImageFiles.baseName(image);
	}
}
