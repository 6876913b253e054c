package io.github.stad.engine.model;

import java.util.Locale;

/**
 * How the e/v maps of a pooled network (p = 33, 65) are computed. {@link #EXACT}: a descriptor for
 * every pixel (the dense form). {@link #STRIDED}: descriptors on the network's natural output grid
 * (every 4th / 8th pixel, the strided form, exact there) and e, v brought back to every pixel by
 * bilinear interpolation, for a fraction of the work. p = 17 has no pooling: both modes are exact.
 * A model records the mode it was calibrated with and scores with it unless told otherwise.
 */
public enum MapMode {
	EXACT, STRIDED;

	/** The mode of new models, and of model files from before the mode was recorded. */
	public static final MapMode DEFAULT = EXACT;

	/** The name users type and model files store. */
	public String key() { return name().toLowerCase(Locale.ROOT); }

	/** Parses a user's or a file's value (case-insensitive), with a message that names the choices. */
	public static MapMode parse(String value) {
		for (MapMode m : values()) if (m.key().equalsIgnoreCase(value == null ? "" : value.strip())) return m;
		throw new IllegalArgumentException("Unknown map mode '" + value + "': use exact (every pixel computed) or strided (p = 33/65 on their grid, interpolated; faster)");
	}
}
