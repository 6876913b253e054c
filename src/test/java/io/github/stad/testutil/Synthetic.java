package io.github.stad.testutil;

import io.github.stad.engine.image.FloatImage;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small synthetic "normal" textures and planted defects, so real training runs in seconds. */
public final class Synthetic {

	private Synthetic() {}

	/** A regular stripe texture with mild noise: what "normal" looks like in the tests. */
	public static FloatImage texture(String name, int width, int height, long seed) {
		Random random = new Random(seed);
		double phase = random.nextDouble() * 2 * Math.PI;
		float[] pixels = new float[width * height];
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) {
				double v = 100 + 40 * Math.sin(2 * Math.PI * (x + 0.5 * y) / 8.0 + phase) + 5 * random.nextGaussian();
				pixels[y * width + x] = (float) v;
			}
		}
		return FloatImage.of(name, width, height, pixels);
	}

	public static List<FloatImage> textures(String prefix, int count, int width, int height, long seed) {
		List<FloatImage> images = new ArrayList<>();
		for (int i = 0; i < count; i++) images.add(texture(prefix + i, width, height, seed + i));
		return images;
	}

	/** A copy of the image with a flat bright square (the "defect") at (x0, y0). */
	public static FloatImage withSquare(FloatImage image, int x0, int y0, int size, float value) {
		float[] pixels = image.channel(0).clone();
		for (int y = y0; y < y0 + size; y++) for (int x = x0; x < x0 + size; x++) pixels[y * image.width() + x] = value;
		return FloatImage.of(image.name() + "-defect", image.width(), image.height(), pixels);
	}

	/** Writes {@code n} small 48×48 RGB PNGs with colour gradients (photo0.png, …) into {@code folder} and returns it. */
	public static java.nio.file.Path writeRgbPhotos(java.nio.file.Path folder, int n) throws java.io.IOException {
		java.nio.file.Files.createDirectories(folder);
		for (int k = 0; k < n; k++) {
			java.awt.image.BufferedImage im = new java.awt.image.BufferedImage(48, 48, java.awt.image.BufferedImage.TYPE_INT_RGB);
			for (int y = 0; y < 48; y++) for (int x = 0; x < 48; x++) im.setRGB(x, y, ((x * 5 + k * 40) & 255) << 16 | ((y * 5) & 255) << 8 | ((x * y + 60 * k) & 255));
			javax.imageio.ImageIO.write(im, "png", folder.resolve("photo" + k + ".png").toFile());
		}
		return folder;
	}
}
