package io.github.stad.jobs;

import io.github.stad.engine.Progress;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.io.ImageEntry;
import io.github.stad.io.ImageReader;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Reads the images of a set, refusing the whole set on the first bad file (training needs all of them). */
final class ImageLoading {

	private ImageLoading() {}

	static List<FloatImage> readAll(List<ImageEntry> entries, String what, Progress progress) throws IOException {
		if (entries.isEmpty()) throw new IllegalArgumentException("The " + what + " set has no images");
		List<FloatImage> images = new ArrayList<>();
		for (int i = 0; i < entries.size(); i++) {
			progress.checkCancelled();
			progress.update("Reading " + what + " image " + (i + 1) + "/" + entries.size(), -1);
			images.add(ImageReader.read(entries.get(i).image()));
		}
		int channels = images.get(0).channels();
		for (FloatImage image : images) {
			if (image.channels() != channels) {
				throw new IllegalArgumentException("The " + what + " images mix " + channels + "-channel and " + image.channels() + "-channel images ("
						+ images.get(0).name() + ", " + image.name() + "); convert them all to grayscale or all to RGB");
			}
		}
		return images;
	}
}
