package io.github.stad.engine.files;

import io.github.stad.engine.net.Architecture;
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
