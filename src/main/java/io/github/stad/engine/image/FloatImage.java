package io.github.stad.engine.image;

import java.util.Objects;

/**
 * A 2D image of one or more float channels, stored channel by channel in row-major order:
 * {@code data[c][y * width + x]}. The engine's only image type; it knows nothing of ImageJ,
 * so readers (files, ImagePlus, ImgLib2) convert to and from it.
 */
public final class FloatImage {

	private final String name;
	private final int width;
	private final int height;
	private final float[][] data;

	public FloatImage(String name, int width, int height, float[][] data) {
		if (width <= 0 || height <= 0) throw new IllegalArgumentException("Image size must be positive, got " + width + "x" + height);
		if (data.length == 0) throw new IllegalArgumentException("Image needs at least one channel");
		for (float[] channel : data) {
			if (channel.length != width * height) throw new IllegalArgumentException("Channel length " + channel.length + " does not match " + width + "x" + height);
		}
		this.name = Objects.requireNonNullElse(name, "image");
		this.width = width;
		this.height = height;
		this.data = data;
	}

	/** A single-channel image. */
	public static FloatImage of(String name, int width, int height, float[] pixels) {
		return new FloatImage(name, width, height, new float[][] { pixels });
	}

	public String name() { return name; }
	public int width() { return width; }
	public int height() { return height; }
	public int channels() { return data.length; }
	public float[] channel(int c) { return data[c]; }
	public float[][] data() { return data; }

	public float get(int c, int x, int y) { return data[c][y * width + x]; }

	/** A copy under another name; the pixel arrays are shared, so callers must not modify them. */
	public FloatImage withName(String newName) { return new FloatImage(newName, width, height, data); }

	@Override
	public String toString() { return name + " (" + width + "x" + height + ", " + channels() + " channel" + (channels() == 1 ? "" : "s") + ")"; }
}
