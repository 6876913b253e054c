package io.github.stad.engine.files;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.github.stad.engine.image.InputNormalisation;
import io.github.stad.engine.model.AnomalyModel;
import io.github.stad.engine.model.Calibration;
import io.github.stad.engine.model.ScaleModel;
import io.github.stad.engine.model.TeacherTarget;
import io.github.stad.engine.model.ThresholdTable;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.NetworkSize;
import io.github.stad.engine.net.DescriptorNet;
import io.github.stad.engine.net.Djl;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The model file: one zip holding {@code model.json} (format, settings, statistics, threshold,
 * provenance) and one weights file per network ({@code p65/teacher.bin}, {@code p65/student-1.bin}…).
 * Written atomically; loading checks every field of the header, and every tensor's size against the
 * architecture, before anything large is allocated, and refuses foreign, truncated, edited and newer
 * files with a clear message.
 */
public final class ModelBundle {

	public static final String FORMAT = "stad-model";
	public static final int FORMAT_VERSION = 1;
	static final String HEADER = "model.json", WHAT = "model file";
	/** More students than this is no ensemble anyone trains; a header asking for more is damaged. */
	public static final int MAX_STUDENTS = 64;

	/** The JSON header, field for field. */
	static final class Header extends ZipArchive.Header {
		int inputChannels;
		float[] normalisationMean;
		float[] normalisationStd;
		int students;
		double threshold;
		double thresholdFpr;
		/** Optional (added after format 1 was first written): validation score tail, see ThresholdTable. */
		double[] thresholdTableFpr;
		double[] thresholdTableValues;
		/** Optional (added later in format 1): images are scored resized by this factor; absent (0) means 1. */
		double processingScale;
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

	/**
	 * About how large a model file of these settings is: every network's float32 weights (floats barely
	 * deflate), plus room for the header and threshold table. Checked against free space before training.
	 */
	public static long estimatedBytes(int[] patchSizes, int students, NetworkSize network, int inputChannels) {
		long bytes = 1L << 20;
		for (int p : patchSizes) {
			long params = 0;
			for (long n : DescriptorNet.parameterLengths(new Architecture(p, inputChannels, network.width(), network.descriptorDim()))) params += n;
			bytes += (1L + students) * params * Float.BYTES;
		}
		return bytes;
	}

	public static void save(AnomalyModel model, Path file) throws IOException {
		Header h = new Header();
		h.format = FORMAT;
		h.formatVersion = FORMAT_VERSION;
		h.inputChannels = model.inputChannels();
		h.normalisationMean = model.normalisation().mean();
		h.normalisationStd = model.normalisation().std();
		h.students = model.studentCount();
		Calibration c = model.calibration();
		h.threshold = c.threshold();
		h.thresholdFpr = c.thresholdFpr();
		if (c.table() != null) {
			h.thresholdTableFpr = c.table().fpr();
			h.thresholdTableValues = c.table().thresholds();
		}
		h.provenance.putAll(model.provenance());
		if (model.processingScale() != 1) h.processingScale = model.processingScale();
		Map<String, ZipArchive.EntryWriter> entries = new LinkedHashMap<>();
		for (int i = 0; i < model.scales().size(); i++) {
			ScaleModel s = model.scales().get(i);
			Calibration.ScoreStats stats = c.scales().get(i);
			Scale j = new Scale();
			Architecture a = s.architecture();
			j.patchSize = a.patchSize();
			j.width = a.width();
			j.descriptorDim = a.descriptorDim();
			j.mu = s.target().mu();
			j.sigma = s.target().sigma();
			j.errorMean = stats.errorMean();
			j.errorStd = stats.errorStd();
			j.varianceMean = stats.varianceMean();
			j.varianceStd = stats.varianceStd();
			j.teacherSource = s.teacherSource();
			h.scales.add(j);
			String dir = "p" + a.patchSize() + "/";
			entries.put(dir + "teacher.bin", out -> WeightsCodec.write(s.teacher().exportWeights(), out));
			for (int k = 0; k < s.students().size(); k++) {
				DescriptorNet student = s.students().get(k);
				entries.put(dir + "student-" + (k + 1) + ".bin", out -> WeightsCodec.write(student.exportWeights(), out));
			}
		}
		ZipArchive.write(file, HEADER, h, entries);
	}

	/** Loads a model onto the CPU or, when wanted and present, the GPU. */
	public static AnomalyModel load(Path file, boolean useGpu) throws IOException {
		try (ZipArchive.Reader zip = ZipArchive.open(file, WHAT, "train one first (stad train / Train Model…)")) {
			Header h = readHeader(zip);
			// Every tensor is read and checked against its architecture before a network is built.
			List<List<List<float[]>>> weights = new ArrayList<>();
			for (Scale j : h.scales) {
				Architecture a = new Architecture(j.patchSize, h.inputChannels, j.width, j.descriptorDim);
				long[] lengths = DescriptorNet.parameterLengths(a);
				String dir = "p" + j.patchSize + "/";
				List<List<float[]>> nets = new ArrayList<>();
				nets.add(finite(zip.weights(dir + "teacher.bin", lengths), zip.name() + "!" + dir + "teacher.bin"));
				for (int i = 0; i < h.students; i++) nets.add(finite(zip.weights(dir + "student-" + (i + 1) + ".bin", lengths), zip.name() + "!" + dir + "student-" + (i + 1) + ".bin"));
				weights.add(nets);
			}
			Device device = Djl.device(useGpu);
			NDManager manager = NDManager.newBaseManager(device, Djl.engine().getEngineName());
			try {
				List<ScaleModel> scales = new ArrayList<>();
				List<Calibration.ScoreStats> stats = new ArrayList<>();
				for (int s = 0; s < h.scales.size(); s++) {
					Scale j = h.scales.get(s);
					Architecture a = new Architecture(j.patchSize, h.inputChannels, j.width, j.descriptorDim);
					List<List<float[]>> nets = weights.get(s);
					DescriptorNet teacher = DescriptorNet.fromWeights(a, nets.get(0), manager, device);
					List<DescriptorNet> students = new ArrayList<>();
					for (int i = 1; i < nets.size(); i++) students.add(DescriptorNet.fromWeights(a, nets.get(i), manager, device));
					scales.add(new ScaleModel(new TeacherTarget(teacher, j.mu, j.sigma), students, j.teacherSource));
					stats.add(new Calibration.ScoreStats(j.errorMean, j.errorStd, j.varianceMean, j.varianceStd));
				}
				Calibration calibration = new Calibration(stats, h.threshold, h.thresholdFpr, thresholdTable(h, zip.name()));
				return new AnomalyModel(manager, new InputNormalisation(h.normalisationMean, h.normalisationStd), scales, calibration, h.provenance,
						h.processingScale == 0 ? 1 : h.processingScale);
			} catch (IllegalArgumentException e) {
				manager.close();
				throw new IOException(file + " does not match its own description (" + e.getMessage() + "); the file is damaged or was edited", e);
			} catch (RuntimeException e) {
				manager.close();
				throw e;
			}
		}
	}

	/** The header alone, without loading any network (for Model Info). */
	public static Map<String, Object> describe(Path file) throws IOException {
		try (ZipArchive.Reader zip = ZipArchive.open(file, WHAT, "train one first (stad train / Train Model…)")) {
			Header h = readHeader(zip);
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
			info.put("processingScale", h.processingScale == 0 ? 1.0 : h.processingScale);
			info.put("provenance", h.provenance);
			return info;
		}
	}

	/** The header, every field checked: a damaged or edited file is refused here, before any network is allocated. */
	private static Header readHeader(ZipArchive.Reader zip) throws IOException {
		Header h = zip.header(HEADER, Header.class, FORMAT, FORMAT_VERSION);
		String name = zip.name();
		String damaged = "; the file is damaged or was edited (train the model again)";
		if (h.inputChannels != 1 && h.inputChannels != 3) throw new IOException(name + " declares " + h.inputChannels + " input channels (1 or 3 expected)" + damaged);
		if (h.scales == null || h.scales.isEmpty() || h.normalisationMean == null || h.normalisationStd == null) {
			throw new IOException(name + " is incomplete: it describes no networks or no intensity normalisation");
		}
		if (h.normalisationMean.length != h.inputChannels || h.normalisationStd.length != h.inputChannels) throw new IOException(name + " has an intensity normalisation of the wrong length" + damaged);
		for (int c = 0; c < h.inputChannels; c++) {
			if (!Float.isFinite(h.normalisationMean[c]) || !(h.normalisationStd[c] > 0) || !Float.isFinite(h.normalisationStd[c])) {
				throw new IOException(name + " has a non-finite or non-positive intensity normalisation" + damaged);
			}
		}
		if (h.processingScale != 0 && !(h.processingScale > 0 && h.processingScale <= 1)) throw new IOException(name + " has an invalid processing scale " + h.processingScale + damaged);
		if (h.students < 1 || h.students > MAX_STUDENTS) throw new IOException(name + " declares " + h.students + " students (1 to " + MAX_STUDENTS + " expected)" + damaged);
		if (!Double.isFinite(h.threshold)) throw new IOException(name + " has a non-finite threshold (" + h.threshold + ")" + damaged);
		if (!(h.thresholdFpr >= 0 && h.thresholdFpr < 1)) throw new IOException(name + " has an invalid threshold false-positive rate " + h.thresholdFpr + damaged);
		if ((h.thresholdTableFpr == null) != (h.thresholdTableValues == null)) throw new IOException(name + " has half a threshold table" + damaged);
		if (h.thresholdTableFpr != null) {
			for (double v : h.thresholdTableFpr) if (!(v > 0 && v <= 1)) throw new IOException(name + " has a threshold table with a false-positive rate of " + v + damaged);
			for (double v : h.thresholdTableValues) if (!Double.isFinite(v)) throw new IOException(name + " has a non-finite value in its threshold table" + damaged);
		}
		if (h.provenance == null) h.provenance = new LinkedHashMap<>();
		Set<Integer> seen = new HashSet<>();
		for (Scale s : h.scales) {
			if (s == null) throw new IOException(name + " has an empty scale entry" + damaged);
			if (!seen.add(s.patchSize)) throw new IOException(name + " describes patch size " + s.patchSize + " twice" + damaged);
			try {
				new Architecture(s.patchSize, h.inputChannels, s.width, s.descriptorDim);
			} catch (IllegalArgumentException | IllegalStateException e) {
				throw new IOException(name + ": " + e.getMessage() + damaged, e);
			}
			if (s.mu == null || s.sigma == null || s.mu.length != s.descriptorDim || s.sigma.length != s.descriptorDim) {
				throw new IOException(name + ": the descriptor statistics of p=" + s.patchSize + " do not match d=" + s.descriptorDim + damaged);
			}
			for (int k = 0; k < s.descriptorDim; k++) {
				if (!Float.isFinite(s.mu[k]) || !(s.sigma[k] > 0) || !Float.isFinite(s.sigma[k])) throw new IOException(name + ": non-finite descriptor statistics at p=" + s.patchSize + damaged);
			}
			if (!Double.isFinite(s.errorMean) || !(s.errorStd > 0) || !Double.isFinite(s.errorStd) || !Double.isFinite(s.varianceMean) || !(s.varianceStd >= 0) || !Double.isFinite(s.varianceStd)) {
				throw new IOException(name + ": invalid score statistics at p=" + s.patchSize + damaged);
			}
		}
		return h;
	}

	/** A NaN weight makes every score NaN: refused here rather than as a silently empty map. */
	private static List<float[]> finite(List<float[]> tensors, String what) throws IOException {
		for (float[] t : tensors) {
			for (float v : t) if (!Float.isFinite(v)) throw new IOException(what + " holds non-finite weights (NaN or infinity); the file is damaged, or training diverged (train the model again)");
		}
		return tensors;
	}

	private static ThresholdTable thresholdTable(Header h, String name) throws IOException {
		if (h.thresholdTableFpr == null || h.thresholdTableValues == null) return null;
		try {
			return new ThresholdTable(h.thresholdTableFpr, h.thresholdTableValues);
		} catch (IllegalArgumentException e) {
			throw new IOException(name + " has a damaged threshold table (" + e.getMessage() + ")", e);
		}
	}
}
