package io.github.stad.engine.files;

import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.Chroma;
import io.github.stad.engine.net.DescriptorNet;
import io.github.stad.engine.net.TeacherWeights;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A teacher on disk: a zip with {@code teacher.json} (architecture and provenance) and
 * {@code weights.bin}; checkpoints of teacher training add their state as further entries. The
 * shipped default teachers are such files on the class path under
 * {@code /teachers/teacher-p<P>-<gray|rgb>.zip}.
 */
public final class TeacherFile {

	public static final String FORMAT = "stad-teacher";
	public static final int FORMAT_VERSION = 1;
	static final String HEADER = "teacher.json", WEIGHTS = "weights.bin", WHAT = "teacher file";

	static final class Header extends ZipArchive.Header {
		int patchSize;
		int inputChannels;
		int width;
		int descriptorDim;
		Map<String, String> provenance = new LinkedHashMap<>();
	}

	private TeacherFile() {}

	public static void save(Architecture arch, List<float[]> weights, Map<String, String> provenance, Path file) throws IOException {
		save(arch, weights, provenance, Map.of(), file);
	}

	/** A teacher file with further entries (a checkpoint's training state). */
	public static void save(Architecture arch, List<float[]> weights, Map<String, String> provenance, Map<String, ZipArchive.EntryWriter> extras, Path file) throws IOException {
		Header h = new Header();
		h.format = FORMAT;
		h.formatVersion = FORMAT_VERSION;
		h.patchSize = arch.patchSize();
		h.inputChannels = arch.inputChannels();
		h.width = arch.width();
		h.descriptorDim = arch.descriptorDim();
		h.provenance.putAll(provenance);
		Map<String, ZipArchive.EntryWriter> entries = new LinkedHashMap<>();
		entries.put(WEIGHTS, out -> WeightsCodec.write(weights, out));
		entries.putAll(extras);
		ZipArchive.write(file, HEADER, h, entries);
	}

	public static TeacherWeights load(Path file) throws IOException {
		try (ZipArchive.Reader zip = ZipArchive.open(file, WHAT, "")) {
			return read(zip);
		}
	}

	/** A teacher from an archive that is already open (checkpoints read more entries from it). */
	public static TeacherWeights read(ZipArchive.Reader zip) throws IOException {
		Header h = zip.header(HEADER, Header.class, FORMAT, FORMAT_VERSION);
		Architecture arch;
		try {
			arch = new Architecture(h.patchSize, h.inputChannels, h.width, h.descriptorDim);
		} catch (IllegalArgumentException | IllegalStateException e) {
			throw new IOException(zip.name() + ": " + e.getMessage(), e);
		}
		return new TeacherWeights(arch, zip.weights(WEIGHTS, DescriptorNet.parameterLengths(arch)), zip.name());
	}

	/** A teacher from a zip stream (class-path resources). */
	static TeacherWeights load(InputStream stream, String name) throws IOException {
		try (ZipArchive.Reader zip = ZipArchive.read(stream, name, WHAT)) {
			return read(zip);
		}
	}

	/**
	 * The shipped default teacher for a patch size and channel count, or null if none is shipped.
	 * The teachers are trained on the luminance of photographs; for RGB input the gray teacher's
	 * first layer is spread over the three channels (weights / 3), so an RGB image gets the
	 * descriptors of its mean intensity (R + G + B) / 3, plus, where a colour layer is shipped
	 * ({@link #colourLayerName}), that layer's chroma part, which adds colour and leaves images whose
	 * three channels are equal as the gray teacher sees them.
	 */
	public static TeacherWeights defaultTeacher(int patchSize, int inputChannels) throws IOException {
		String name = "/teachers/teacher-p" + patchSize + "-gray.zip";
		InputStream in = TeacherFile.class.getResourceAsStream(name);
		if (in == null) return null;
		TeacherWeights gray;
		try (in) {
			gray = load(in, "default teacher " + name.substring(name.lastIndexOf('/') + 1));
		}
		if (inputChannels == 1) return gray;
		if (inputChannels != 3) return null;
		String colourName = "/teachers/" + colourLayerName(patchSize);
		InputStream colour = TeacherFile.class.getResourceAsStream(colourName);
		if (colour == null) return toRgb(gray);
		try (colour; ZipArchive.Reader zip = ZipArchive.read(colour, colourLayerName(patchSize), COLOUR_WHAT)) {
			return withColourLayer(gray, zip);
		}
	}

	/** The shipped colour layer of the RGB teacher for p: the chroma part of its first layer (see {@link #saveColourLayer}). */
	public static String colourLayerName(int patchSize) { return "teacher-p" + patchSize + "-rgb-colour.zip"; }

	public static final String COLOUR_FORMAT = "stad-colour-layer";
	static final String COLOUR_HEADER = "colour.json", COLOUR_WHAT = "colour layer file";

	static final class ColourHeader extends ZipArchive.Header {
		int patchSize;
		int width;
		int descriptorDim;
		/** SHA-256 of the gray teacher's first-layer weights the layer was trained on. */
		String baseFirstLayer;
		Map<String, String> provenance = new LinkedHashMap<>();
	}

	/**
	 * Writes the part of an RGB teacher (from {@code train-teacher --mode colour}) that is not its gray teacher:
	 * the chroma coefficients U, V of its first layer, a few kB instead of a full teacher. Refused unless every
	 * other weight, and the luminance part of the first layer, is the gray teacher's.
	 */
	public static void saveColourLayer(TeacherWeights rgb, TeacherWeights gray, Map<String, String> provenance, Path file) throws IOException {
		Architecture a = rgb.architecture(), g = gray.architecture();
		if (a.inputChannels() != 3 || g.inputChannels() != 1 || a.patchSize() != g.patchSize() || a.width() != g.width() || a.descriptorDim() != g.descriptorDim()) {
			throw new IllegalArgumentException(rgb.source() + " (" + a + ") is not an RGB form of " + gray.source() + " (" + g + ")");
		}
		for (int i = 1; i < rgb.weights().size(); i++) {
			if (!java.util.Arrays.equals(rgb.weights().get(i), gray.weights().get(i))) throw new IllegalArgumentException(rgb.source() + " differs from " + gray.source() + " beyond its first layer (tensor " + i + ")");
		}
		int out = a.layers().get(0).outChannels(), kk = a.layers().get(0).kernel() * a.layers().get(0).kernel();
		float[] luminance = Chroma.luminancePart(rgb.weights().get(0), out, kk), spread = toRgb(gray).weights().get(0);
		for (int i = 0; i < spread.length; i++) {
			if (Math.abs(luminance[i] - spread[i]) > 1e-5f * (1 + Math.abs(spread[i]))) throw new IllegalArgumentException(rgb.source() + ": the luminance part of the first layer is not " + gray.source() + "'s");
		}
		float[][] uv = Chroma.coefficients(rgb.weights().get(0), out, kk);
		ColourHeader h = new ColourHeader();
		h.format = COLOUR_FORMAT;
		h.formatVersion = FORMAT_VERSION;
		h.patchSize = a.patchSize();
		h.width = a.width();
		h.descriptorDim = a.descriptorDim();
		h.baseFirstLayer = sha256(gray.weights().get(0));
		h.provenance.putAll(provenance);
		ZipArchive.write(file, COLOUR_HEADER, h, Map.of(WEIGHTS, o -> WeightsCodec.write(List.of(uv[0], uv[1]), o)));
	}

	/** The gray teacher with a colour layer: its luminance part spread over R, G, B plus the layer's chroma part. */
	static TeacherWeights withColourLayer(TeacherWeights gray, ZipArchive.Reader zip) throws IOException {
		ColourHeader h = zip.header(COLOUR_HEADER, ColourHeader.class, COLOUR_FORMAT, FORMAT_VERSION);
		Architecture g = gray.architecture();
		if (h.patchSize != g.patchSize() || h.width != g.width() || h.descriptorDim != g.descriptorDim() || !sha256(gray.weights().get(0)).equals(h.baseFirstLayer)) {
			throw new IOException(zip.name() + " was made for another gray teacher than " + gray.source());
		}
		int out = g.layers().get(0).outChannels(), kk = g.layers().get(0).kernel() * g.layers().get(0).kernel();
		List<float[]> uv = zip.weights(WEIGHTS, new long[] { (long) out * kk, (long) out * kk });
		TeacherWeights spread = toRgb(gray);
		List<float[]> weights = new ArrayList<>(spread.weights());
		weights.set(0, Chroma.join(spread.weights().get(0), uv.get(0), uv.get(1), out, kk));
		return new TeacherWeights(spread.architecture(), weights, gray.source() + " with colour layer " + zip.name());
	}

	private static String sha256(float[] values) {
		try {
			java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
			java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(values.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
			b.asFloatBuffer().put(values);
			return java.util.HexFormat.of().formatHex(d.digest(b.array()));
		} catch (java.security.NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	/** An RGB teacher computing the gray teacher on (R + G + B) / 3. */
	public static TeacherWeights toRgb(TeacherWeights gray) {
		Architecture g = gray.architecture();
		Architecture rgb = new Architecture(g.patchSize(), 3, g.width(), g.descriptorDim());
		List<float[]> weights = new ArrayList<>(gray.weights());
		float[] first = weights.get(0); // [out, 1, k, k] → [out, 3, k, k]
		int out = rgb.layers().get(0).outChannels(), kk = first.length / out;
		float[] spread = new float[first.length * 3];
		for (int o = 0; o < out; o++) {
			for (int c = 0; c < 3; c++) {
				for (int i = 0; i < kk; i++) spread[(o * 3 + c) * kk + i] = first[o * kk + i] / 3f;
			}
		}
		weights.set(0, spread);
		return new TeacherWeights(rgb, weights, gray.source() + " (on the mean of R, G, B)");
	}
}
