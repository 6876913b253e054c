package io.github.stad.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The model file: one zip holding {@code model.json} (format, settings, statistics, threshold,
 * provenance) and one weights file per network ({@code p65/teacher.bin}, {@code p65/student-1.bin}…).
 * Written atomically; loading refuses foreign, truncated and mismatched files with a clear message.
 */
public final class ModelBundle {

	public static final String FORMAT = "stad-model";
	public static final int FORMAT_VERSION = 1;
	private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

	/** The JSON header, field for field. */
	static final class Header {
		String format;
		int formatVersion;
		int inputChannels;
		float[] normalisationMean;
		float[] normalisationStd;
		int students;
		double threshold;
		double thresholdFpr;
		/** Optional (added after format 1 was first written): validation score tail, see ThresholdTable. */
		double[] thresholdTableFpr;
		double[] thresholdTableValues;
		List<Scale> scales = new ArrayList<>();
		Map<String, String> provenance = new LinkedHashMap<>();
	}

	static final class Scale {
		int patchSize;
		int width;
		int descriptorDim;
		float[] mu;
		float[] sigma;
		double errorMean, errorStd, varianceMean, varianceStd;
		String teacherSource;
	}

	private ModelBundle() {}

	public static void save(AnomalyModel model, Path file) throws IOException {
		Header h = new Header();
		h.format = FORMAT;
		h.formatVersion = FORMAT_VERSION;
		h.inputChannels = model.inputChannels();
		h.normalisationMean = model.normalisation().mean();
		h.normalisationStd = model.normalisation().std();
		h.students = model.studentCount();
		h.threshold = model.threshold();
		h.thresholdFpr = model.thresholdFpr();
		if (model.thresholdTable() != null) {
			h.thresholdTableFpr = model.thresholdTable().fpr();
			h.thresholdTableValues = model.thresholdTable().thresholds();
		}
		h.provenance.putAll(model.provenance());
		for (ScaleModel s : model.scales()) {
			Scale j = new Scale();
			Architecture a = s.architecture();
			j.patchSize = a.patchSize();
			j.width = a.width();
			j.descriptorDim = a.descriptorDim();
			j.mu = s.mu();
			j.sigma = s.sigma();
			j.errorMean = s.stats().errorMean();
			j.errorStd = s.stats().errorStd();
			j.varianceMean = s.stats().varianceMean();
			j.varianceStd = s.stats().varianceStd();
			j.teacherSource = s.teacherSource();
			h.scales.add(j);
		}
		AtomicFiles.write(file, temp -> {
			try (ZipOutputStream zip = new ZipOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(temp)))) {
				zip.putNextEntry(new ZipEntry("model.json"));
				zip.write(GSON.toJson(h).getBytes(StandardCharsets.UTF_8));
				zip.closeEntry();
				for (ScaleModel s : model.scales()) {
					String dir = "p" + s.architecture().patchSize() + "/";
					zip.putNextEntry(new ZipEntry(dir + "teacher.bin"));
					WeightsCodec.write(s.teacher().exportWeights(), zip);
					zip.closeEntry();
					for (int i = 0; i < s.students().size(); i++) {
						zip.putNextEntry(new ZipEntry(dir + "student-" + (i + 1) + ".bin"));
						WeightsCodec.write(s.students().get(i).exportWeights(), zip);
						zip.closeEntry();
					}
				}
			}
		});
	}

	/** Loads a model onto the CPU or, when wanted and present, the GPU. */
	public static AnomalyModel load(Path file, boolean useGpu) throws IOException {
		if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "Model file not found: " + file + "; train one first (stad train / Train Model…)");
		Header h;
		try (ZipFile zip = new ZipFile(file.toFile())) {
			h = readHeader(zip, file);
			Device device = Djl.device(useGpu);
			NDManager manager = NDManager.newBaseManager(device, Djl.engine().getEngineName());
			List<ScaleModel> scales = new ArrayList<>();
			try {
				for (Scale j : h.scales) {
					Architecture a = new Architecture(j.patchSize, h.inputChannels, j.width, j.descriptorDim);
					String dir = "p" + j.patchSize + "/";
					DescriptorNet teacher = DescriptorNet.fromWeights(a, weights(zip, dir + "teacher.bin", file), manager, device);
					List<DescriptorNet> students = new ArrayList<>();
					for (int i = 0; i < h.students; i++) {
						students.add(DescriptorNet.fromWeights(a, weights(zip, dir + "student-" + (i + 1) + ".bin", file), manager, device));
					}
					scales.add(new ScaleModel(teacher, students, j.mu, j.sigma,
							new ScaleModel.ScoreStats(j.errorMean, j.errorStd, j.varianceMean, j.varianceStd), j.teacherSource));
				}
			} catch (IllegalArgumentException e) {
				manager.close();
				throw new IOException(file + " does not match its own description (" + e.getMessage() + "); the file is damaged or was edited", e);
			} catch (IOException | RuntimeException e) {
				manager.close();
				throw e;
			}
			return new AnomalyModel(manager, new InputNormalisation(h.normalisationMean, h.normalisationStd), scales, h.threshold, h.thresholdFpr,
					thresholdTable(h, file), h.provenance);
		} catch (ZipException e) {
			throw new IOException(file + " is not a model file of this plugin, or it is truncated (not a readable zip: " + e.getMessage() + ")", e);
		}
	}

	/** The header alone, without loading any network (for Model Info). */
	public static Map<String, Object> describe(Path file) throws IOException {
		try (ZipFile zip = new ZipFile(file.toFile())) {
			Header h = readHeader(zip, file);
			Map<String, Object> info = new LinkedHashMap<>();
			info.put("formatVersion", h.formatVersion);
			info.put("inputChannels", h.inputChannels);
			List<Integer> sizes = new ArrayList<>();
			for (Scale s : h.scales) sizes.add(s.patchSize);
			info.put("patchSizes", sizes);
			info.put("students", h.students);
			info.put("threshold", h.threshold);
			info.put("thresholdFpr", h.thresholdFpr);
			info.put("thresholdsForOtherRates", h.thresholdTableFpr != null);
			info.put("provenance", h.provenance);
			return info;
		} catch (ZipException e) {
			throw new IOException(file + " is not a model file of this plugin, or it is truncated (" + e.getMessage() + ")", e);
		}
	}

	private static Header readHeader(ZipFile zip, Path file) throws IOException {
		ZipEntry entry = zip.getEntry("model.json");
		if (entry == null) throw new IOException(file + " is a zip file but not a model of this plugin (no model.json inside)");
		Header h;
		try (InputStream in = zip.getInputStream(entry)) {
			h = GSON.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8), Header.class);
		} catch (JsonParseException e) {
			throw new IOException(file + " has an unreadable model.json (" + e.getMessage() + ")", e);
		}
		if (h == null || !FORMAT.equals(h.format)) throw new IOException(file + " is not a model of this plugin (format '" + (h == null ? null : h.format) + "')");
		if (h.formatVersion > FORMAT_VERSION) throw new IOException(file + " was written by a newer version of the plugin (model format " + h.formatVersion + "); update the plugin");
		if (h.formatVersion < 1) throw new IOException(file + " has an invalid format version " + h.formatVersion);
		if (h.scales.isEmpty() || h.normalisationMean == null || h.normalisationStd == null || h.normalisationMean.length != h.inputChannels) {
			throw new IOException(file + " is incomplete: it describes no networks or no intensity normalisation");
		}
		return h;
	}

	private static ThresholdTable thresholdTable(Header h, Path file) throws IOException {
		if (h.thresholdTableFpr == null || h.thresholdTableValues == null) return null;
		try {
			return new ThresholdTable(h.thresholdTableFpr, h.thresholdTableValues);
		} catch (IllegalArgumentException e) {
			throw new IOException(file + " has a damaged threshold table (" + e.getMessage() + ")", e);
		}
	}

	private static List<float[]> weights(ZipFile zip, String name, Path file) throws IOException {
		ZipEntry entry = zip.getEntry(name);
		if (entry == null) throw new IOException(file + " is incomplete: " + name + " is missing");
		try (InputStream in = zip.getInputStream(entry)) {
			return WeightsCodec.read(in, file + "!" + name);
		}
	}

}
