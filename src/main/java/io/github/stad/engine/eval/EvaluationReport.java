package io.github.stad.engine.eval;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.stad.engine.files.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The metrics of a test set, overall and per defect type, as {@link Metrics} defines them.
 * <p>
 * A metric that is undefined for a set of images (no defect regions, no defect-free pixels, no defective or no
 * defect-free images) is NaN, with a note saying why, rather than failing the whole evaluation. Invalid input
 * (an empty list, NaN or infinite scores) still throws.
 * <p>
 * Defect types are the {@link ScoredImage#defectType()} values of the defective images. When there is more
 * than one, each type T is also evaluated on its own: the images of type T together with all defect-free
 * images (as in the MVTec AD papers, where each type is measured against the good images).
 * <p>
 * The JSON written by {@link #toJson()} writes an undefined metric as {@code null} (NaN is not JSON), and
 * its summary's {@code notes} say why.
 */
public final class EvaluationReport {

	/**
	 * The metrics of one set of images, with its counts.
	 *
	 * @param notes why a metric is NaN; empty when all are defined
	 */
	public record Summary(int images, int defectiveImages, int defectFreeImages, int regions, long pixels, long defectPixels,
			double auPro, double pixelAuroc, double imageAuroc, List<String> notes) {

		public Summary {
			notes = List.copyOf(notes);
		}
	}

	private final double maxFpr;
	private final Summary overall;
	private final Map<String, Summary> perDefectType;
	private final ProCurve overallCurve;

	private EvaluationReport(double maxFpr, Summary overall, Map<String, Summary> perDefectType, ProCurve overallCurve) {
		this.maxFpr = maxFpr;
		this.overall = overall;
		this.perDefectType = perDefectType;
		this.overallCurve = overallCurve;
	}

	/** Evaluates with AU-PRO up to FPR {@value Metrics#DEFAULT_MAX_FPR}. */
	public static EvaluationReport compute(List<ScoredImage> images) {
		return compute(images, Metrics.DEFAULT_MAX_FPR);
	}

	public static EvaluationReport compute(List<ScoredImage> images, double maxFpr) {
		Metrics.checkMaxFpr(maxFpr);
		Metrics.checkImages(images);
		boolean[] defective = new boolean[images.size()];
		TreeSet<String> types = new TreeSet<>();
		for (int i = 0; i < defective.length; i++) {
			defective[i] = images.get(i).isDefective();
			if (defective[i]) types.add(images.get(i).defectType());
		}
		ProCurve[] curve = new ProCurve[1];
		Summary overall = summarize(images, defective, maxFpr, curve);
		Map<String, Summary> perType = new LinkedHashMap<>();
		if (types.size() > 1) {
			for (String type : types) {
				List<ScoredImage> subset = new ArrayList<>();
				boolean[] subsetDefective = new boolean[images.size()];
				for (int i = 0; i < defective.length; i++) {
					if (!defective[i] || images.get(i).defectType().equals(type)) {
						subsetDefective[subset.size()] = defective[i];
						subset.add(images.get(i));
					}
				}
				perType.put(type, summarize(subset, subsetDefective, maxFpr, null));
			}
		}
		return new EvaluationReport(maxFpr, overall, Collections.unmodifiableMap(perType), curve[0]);
	}

	/** One sort of the pixels serves both AU-PRO and pixel AUROC. */
	private static Summary summarize(List<ScoredImage> images, boolean[] defective, double maxFpr, ProCurve[] curveOut) {
		List<String> notes = new ArrayList<>();
		PixelTable table = PixelTable.of(images);
		int defectiveImages = 0;
		for (int i = 0; i < images.size(); i++) if (defective[i]) defectiveImages++;
		int defectFreeImages = images.size() - defectiveImages;

		double auPro = Double.NaN;
		if (table.regions == 0) {
			notes.add("AU-PRO is undefined: the ground truth has no defect regions");
		} else if (table.normalPixels == 0) {
			notes.add("AU-PRO is undefined: there are no defect-free pixels, so the FPR is undefined");
		} else {
			ProCurve curve = table.proCurve(maxFpr);
			auPro = curve.areaUpTo(maxFpr);
			if (curveOut != null) curveOut[0] = curve;
		}
		double pixelAuroc = Double.NaN;
		if (table.defectPixels == 0) notes.add("Pixel AUROC is undefined: the ground truth has no defect pixels");
		else if (table.normalPixels == 0) notes.add("Pixel AUROC is undefined: there are no defect-free pixels");
		else pixelAuroc = table.pixelAuroc();
		double imageAuroc = Double.NaN;
		if (defectFreeImages == 0) notes.add("Image AUROC is undefined: there are no defect-free images");
		else if (defectiveImages == 0) notes.add("Image AUROC is undefined: there are no defective images");
		else imageAuroc = Metrics.imageAuroc(images);

		return new Summary(images.size(), defectiveImages, defectFreeImages, table.regions, table.keys.length, table.defectPixels,
				auPro, pixelAuroc, imageAuroc, notes);
	}

	/** The FPR limit of AU-PRO. */
	public double maxFpr() { return maxFpr; }

	/** The metrics of all images. */
	public Summary overall() { return overall; }

	/** The metrics per defect type, sorted by name; empty unless there are at least two defect types. */
	public Map<String, Summary> perDefectType() { return perDefectType; }

	/** The overall PRO curve up to maxFpr (for {@link ProCurvePlot}), or null when AU-PRO is undefined. */
	public ProCurve overallCurve() { return overallCurve; }

	/** The report as pretty-printed JSON. */
	public String toJson() {
		JsonObject root = new JsonObject();
		root.addProperty("maxFpr", maxFpr);
		root.add("overall", toJson(overall));
		JsonObject types = new JsonObject();
		perDefectType.forEach((type, summary) -> types.add(type, toJson(summary)));
		root.add("perDefectType", types);
		return new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(root);
	}

	private static JsonObject toJson(Summary s) {
		JsonObject o = new JsonObject();
		o.addProperty("images", s.images());
		o.addProperty("defectiveImages", s.defectiveImages());
		o.addProperty("defectFreeImages", s.defectFreeImages());
		o.addProperty("regions", s.regions());
		o.addProperty("pixels", s.pixels());
		o.addProperty("defectPixels", s.defectPixels());
		metric(o, "auPro", s.auPro());
		metric(o, "pixelAuroc", s.pixelAuroc());
		metric(o, "imageAuroc", s.imageAuroc());
		JsonArray notes = new JsonArray();
		s.notes().forEach(notes::add);
		o.add("notes", notes);
		return o;
	}

	/** A metric, or null when it is undefined (the notes say why). */
	private static void metric(JsonObject o, String name, double value) {
		if (Double.isFinite(value)) o.addProperty(name, value);
		else o.add(name, com.google.gson.JsonNull.INSTANCE);
	}

	/** Writes {@link #toJson()} as UTF-8, atomically (a temporary file in the same folder, then a rename). */
	public void writeJson(Path out) throws IOException {
		String json = toJson();
		AtomicFiles.write(out, temp -> Files.writeString(temp, json, StandardCharsets.UTF_8));
	}

	@Override
	public String toString() { return toJson(); }
}
