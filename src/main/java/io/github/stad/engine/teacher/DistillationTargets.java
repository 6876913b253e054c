package io.github.stad.engine.teacher;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The features of the pretrained network P on each training photograph, computed once by the build
 * ({@code bench/distill/targets.py}) and read here: a folder with {@code targets.json} (layer, channels,
 * geometry, per-channel mean and standard deviation) and one {@code NAME.npy} per photograph (float16,
 * [C, H', W']). Feature (i, j) describes the window centred on pixel (offset_y + stride_y·i, offset_x +
 * stride_x·j) of the photograph. Maps are memory-mapped, so a set larger than the heap trains.
 */
public final class DistillationTargets {

	/** Where P's feature grid lies on the photograph, per axis: centre of feature i = offset + stride·i. */
	public record Geometry(double offsetY, double offsetX, double strideY, double strideX) {}

	/** One photograph's feature map, [channels, height, width] float16. */
	public record FeatureMap(String name, int channels, int height, int width, ShortBuffer values) {
		/** Feature c at grid point (i, j). */
		public float get(int c, int i, int j) { return Half.toFloat(values.get((c * height + i) * width + j)); }
	}

	private final Path folder;
	private final String layer;
	private final int channels;
	private final Geometry geometry;
	private final float[] mean, std;
	private final String source;

	private DistillationTargets(Path folder, String layer, int channels, Geometry geometry, float[] mean, float[] std, String source) {
		this.folder = folder;
		this.layer = layer;
		this.channels = channels;
		this.geometry = geometry;
		this.mean = mean;
		this.std = std;
		this.source = source;
	}

	/** Reads {@code folder/targets.json}; refuses a folder without one, or with missing or inconsistent keys. */
	public static DistillationTargets open(Path folder) throws IOException {
		Path json = folder.resolve("targets.json");
		if (!Files.isRegularFile(json)) throw new NoSuchFileException(json.toString(), null, "no targets.json: make the targets with bench/distill/targets.py");
		try {
			JsonObject o = new Gson().fromJson(Files.readString(json, StandardCharsets.UTF_8), JsonObject.class);
			int channels = o.get("channels").getAsInt();
			double[] stride = pair(o, "stride_px"), offset = pair(o, "offset_px");
			float[] mean = floats(o, "mean"), std = floats(o, "std");
			if (mean.length != channels || std.length != channels) throw new IOException(json + ": mean and std need " + channels + " values each");
			for (float sd : std) if (!(sd > 0)) throw new IOException(json + ": every channel's std must be positive");
			if (!(stride[0] > 0 && stride[1] > 0)) throw new IOException(json + ": stride_px must be positive");
			String source = o.has("source") ? o.get("source").toString() : "unknown";
			return new DistillationTargets(folder, o.get("layer").getAsString(), channels, new Geometry(offset[0], offset[1], stride[0], stride[1]), mean, std, source);
		} catch (JsonParseException | NullPointerException | IllegalStateException | UnsupportedOperationException e) {
			throw new IOException(json + " is not a target description (keys layer, channels, stride_px, offset_px, mean, std): " + e.getMessage(), e);
		}
	}

	/** A number (both axes) or [y, x]. */
	private static double[] pair(JsonObject o, String key) {
		if (o.get(key).isJsonArray()) {
			var a = o.getAsJsonArray(key);
			return new double[] { a.get(0).getAsDouble(), a.get(1).getAsDouble() };
		}
		double v = o.get(key).getAsDouble();
		return new double[] { v, v };
	}

	private static float[] floats(JsonObject o, String key) {
		var a = o.getAsJsonArray(key);
		float[] v = new float[a.size()];
		for (int i = 0; i < v.length; i++) v[i] = a.get(i).getAsFloat();
		return v;
	}

	public String layer() { return layer; }
	public int channels() { return channels; }
	public Geometry geometry() { return geometry; }
	public float[] mean() { return mean.clone(); }
	public float[] std() { return std.clone(); }
	/** P's provenance as targets.json gives it. */
	public String source() { return source; }

	/** "layer, C channels, stride s" for logs and checkpoints. */
	public String describe() {
		return layer + ", " + channels + " channels, stride " + geometry.strideY() + ", offset " + geometry.offsetY();
	}

	/** The maps of the photographs named (file names without extension), in that order; a missing one is refused by name. */
	public List<FeatureMap> maps(List<String> names) throws IOException {
		List<FeatureMap> maps = new ArrayList<>();
		for (String name : names) maps.add(read(folder.resolve(name + ".npy"), name));
		return maps;
	}

	private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\((\\d+),\\s*(\\d+),\\s*(\\d+),?\\s*\\)");

	/** One .npy file of float16 [C, H, W] in C order, memory-mapped. */
	FeatureMap read(Path file, String name) throws IOException {
		if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "no target map for photograph " + name + "; make the targets for these photographs");
		try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
			MappedByteBuffer buffer = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
			buffer.order(ByteOrder.LITTLE_ENDIAN);
			byte[] magic = new byte[6];
			if (buffer.remaining() < 10) throw new IOException(file + " is not a .npy file");
			buffer.get(magic);
			if (magic[0] != (byte) 0x93 || !new String(magic, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) throw new IOException(file + " is not a .npy file");
			int major = buffer.get();
			buffer.get();
			int headerLength = major == 1 ? Short.toUnsignedInt(buffer.getShort()) : buffer.getInt();
			if (headerLength > buffer.remaining()) throw new IOException(file + " is truncated");
			byte[] header = new byte[headerLength];
			buffer.get(header);
			String h = new String(header, StandardCharsets.US_ASCII);
			Matcher m = SHAPE.matcher(h);
			if (!h.contains("'descr': '<f2'") || h.contains("'fortran_order': True") || !m.find()) {
				throw new IOException(file + " must hold float16 [C, H, W] in C order (" + h.trim() + ")");
			}
			int c = Integer.parseInt(m.group(1)), height = Integer.parseInt(m.group(2)), width = Integer.parseInt(m.group(3));
			if (c != channels) throw new IOException(file + " has " + c + " channels, targets.json says " + channels);
			long bytes = 2L * c * height * width;
			if (buffer.remaining() != bytes) throw new IOException(file + " holds " + buffer.remaining() + " bytes of data, its shape needs " + bytes + ": it is truncated or damaged");
			ShortBuffer values = buffer.slice().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
			return new FeatureMap(name, c, height, width, values);
		}
	}

	/** IEEE 754 half precision to float (Java 17 has no Float.float16ToFloat). */
	static final class Half {
		private Half() {}

		static float toFloat(short bits) {
			int h = bits & 0xffff, sign = (h & 0x8000) << 16, exponent = (h >>> 10) & 0x1f, mantissa = h & 0x3ff;
			if (exponent == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
			if (exponent != 0) return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
			if (mantissa == 0) return Float.intBitsToFloat(sign);
			// Subnormal: value = mantissa · 2^-24.
			float v = mantissa * 0x1p-24f;
			return sign != 0 ? -v : v;
		}
	}
}
