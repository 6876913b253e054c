package io.github.stad.engine;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A teacher on disk: a zip with {@code teacher.json} (architecture and provenance) and
 * {@code weights.bin}. The shipped default teachers are such files on the class path under
 * {@code /teachers/teacher-p<P>-<gray|rgb>.zip}.
 */
public final class TeacherFile {

	public static final String FORMAT = "stad-teacher";
	public static final int FORMAT_VERSION = 1;
	private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

	static final class Header {
		String format;
		int formatVersion;
		int patchSize;
		int inputChannels;
		int width;
		int descriptorDim;
		Map<String, String> provenance = new LinkedHashMap<>();
	}

	private TeacherFile() {}

	/** Writes one more zip entry (checkpoints add their training state). */
	@FunctionalInterface
	public interface EntryWriter {
		void write(java.io.OutputStream out) throws IOException;
	}

	public static void save(Architecture arch, List<float[]> weights, Map<String, String> provenance, Path file) throws IOException {
		save(arch, weights, provenance, Map.of(), file);
	}

	public static void save(Architecture arch, List<float[]> weights, Map<String, String> provenance, Map<String, EntryWriter> extras, Path file) throws IOException {
		Header h = new Header();
		h.format = FORMAT;
		h.formatVersion = FORMAT_VERSION;
		h.patchSize = arch.patchSize();
		h.inputChannels = arch.inputChannels();
		h.width = arch.width();
		h.descriptorDim = arch.descriptorDim();
		h.provenance.putAll(provenance);
		AtomicFiles.write(file, temp -> {
			try (ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(temp)))) {
				zip.putNextEntry(new ZipEntry("teacher.json"));
				zip.write(GSON.toJson(h).getBytes(StandardCharsets.UTF_8));
				zip.closeEntry();
				zip.putNextEntry(new ZipEntry("weights.bin"));
				WeightsCodec.write(weights, zip);
				zip.closeEntry();
				for (Map.Entry<String, EntryWriter> extra : extras.entrySet()) {
					zip.putNextEntry(new ZipEntry(extra.getKey()));
					extra.getValue().write(zip);
					zip.closeEntry();
				}
			}
		});
	}

	public static TeacherWeights load(Path file) throws IOException {
		if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "Teacher file not found: " + file);
		try (ZipFile zip = new ZipFile(file.toFile())) {
			ZipEntry header = zip.getEntry("teacher.json"), weights = zip.getEntry("weights.bin");
			if (header == null || weights == null) throw new IOException(file + " is not a teacher file of this plugin (teacher.json or weights.bin missing)");
			Header h;
			try (InputStream in = zip.getInputStream(header)) {
				h = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), file.toString());
			}
			try (InputStream in = zip.getInputStream(weights)) {
				return build(h, WeightsCodec.read(in, file.toString()), file.toString());
			}
		} catch (ZipException e) {
			throw new IOException(file + " is not a teacher file of this plugin, or it is truncated (" + e.getMessage() + ")", e);
		}
	}

	/** A teacher from a zip stream (class-path resources). */
	static TeacherWeights load(InputStream stream, String name) throws IOException {
		Header h = null;
		List<float[]> weights = null;
		try (ZipInputStream zip = new ZipInputStream(stream)) {
			for (ZipEntry e; (e = zip.getNextEntry()) != null;) {
				if (e.getName().equals("teacher.json")) h = parse(new String(zip.readAllBytes(), StandardCharsets.UTF_8), name);
				else if (e.getName().equals("weights.bin")) weights = WeightsCodec.read(zip, name);
			}
		}
		if (h == null || weights == null) throw new IOException(name + " is not a teacher file of this plugin");
		return build(h, weights, name);
	}

	/**
	 * The shipped default teacher for a patch size and channel count, or null if none is shipped.
	 * The teachers are trained on the luminance of photographs; for RGB input the gray teacher's
	 * first layer is spread over the three channels (weights / 3), so an RGB image gets exactly the
	 * descriptors of its mean intensity (R + G + B) / 3.
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
		return toRgb(gray);
	}

	/** An RGB teacher computing the gray teacher on (R + G + B) / 3. */
	static TeacherWeights toRgb(TeacherWeights gray) {
		Architecture g = gray.architecture();
		Architecture rgb = new Architecture(g.patchSize(), 3, g.width(), g.descriptorDim());
		List<float[]> weights = new java.util.ArrayList<>(gray.weights());
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

	private static Header parse(String json, String name) throws IOException {
		Header h;
		try {
			h = GSON.fromJson(json, Header.class);
		} catch (JsonParseException e) {
			throw new IOException(name + " has an unreadable teacher.json (" + e.getMessage() + ")", e);
		}
		if (h == null || !FORMAT.equals(h.format)) throw new IOException(name + " is not a teacher file of this plugin");
		if (h.formatVersion != FORMAT_VERSION) throw new IOException(name + " has teacher format " + h.formatVersion + "; this plugin reads " + FORMAT_VERSION);
		return h;
	}

	private static TeacherWeights build(Header h, List<float[]> weights, String name) throws IOException {
		Architecture arch;
		try {
			arch = new Architecture(h.patchSize, h.inputChannels, h.width, h.descriptorDim);
		} catch (IllegalArgumentException e) {
			throw new IOException(name + ": " + e.getMessage(), e);
		}
		List<ai.djl.ndarray.types.Shape> shapes = DescriptorNet.parameterShapes(arch);
		if (shapes.size() != weights.size()) throw new IOException(name + " does not match its architecture (" + weights.size() + " tensors, expected " + shapes.size() + ")");
		for (int i = 0; i < shapes.size(); i++) {
			if (shapes.get(i).size() != weights.get(i).length) throw new IOException(name + " does not match its architecture (tensor " + i + ")");
		}
		return new TeacherWeights(arch, weights, name);
	}
}
