package io.github.stad.bench;

import io.github.stad.engine.Progress;
import io.github.stad.engine.eval.EvaluationReport;
import io.github.stad.engine.eval.ScoredImage;
import io.github.stad.engine.files.ModelBundle;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.image.PaddedCrops;
import io.github.stad.engine.model.AnomalyModel;
import io.github.stad.engine.model.Calibration;
import io.github.stad.engine.model.ScaleModel;
import io.github.stad.engine.regions.Regions;
import io.github.stad.io.ImageEntry;
import io.github.stad.io.ImageReader;
import io.github.stad.io.ImageSets;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Scores the harness's test images once with a trained model, keeps every scale's normalised e and
 * v maps (CACHE/NNN.bin, so a rerun only recomputes the metrics) and evaluates variants of how the
 * product could combine them: which patch sizes, e and/or v, and a Gaussian smoothing of the map
 * (σ in pixels) before the metrics, whose maximum is then the image score. The row "17+33+65 e+v
 * σ=0" is what the product computes today; for it the product's own map (AnomalyModel.score) is
 * evaluated and written as OUT_DIR/metrics.json, as {@code stad evaluate} writes it. The table goes
 * to stdout and OUT_DIR/variants.md. Not a test.
 * usage: QualityVariants MODEL.zip SPLIT.csv OUT_DIR [SIGMAS=0,2,4,8]
 */
public final class QualityVariants {

	private QualityVariants() {}

	public static void main(String[] args) throws IOException {
		Path modelFile = Path.of(args[0]), outDir = Path.of(args[2]), cache = outDir.resolve("maps");
		List<ImageEntry> tests = ImageSets.fromCsv(Path.of(args[1]), "test");
		double[] sigmas = java.util.Arrays.stream((args.length > 3 ? args[3] : "0,2,4,8").split(",")).mapToDouble(Double::parseDouble).toArray();
		Files.createDirectories(cache);
		int[] patches;
		List<float[][]> eNorm = new ArrayList<>(), vNorm = new ArrayList<>(); // per image: [scale][pixel]
		List<float[]> product = new ArrayList<>(); // the map as the product computes it
		List<int[]> sizes = new ArrayList<>();
		double threshold;
		String rule;
		try (AnomalyModel model = ModelBundle.load(modelFile, false)) {
			patches = model.patchSizes();
			threshold = model.threshold();
			rule = model.calibration().describeThreshold();
			List<Calibration.ScoreStats> stats = model.calibration().scales();
			for (int i = 0; i < tests.size(); i++) {
				ImageEntry entry = tests.get(i);
				Path file = cache.resolve(String.format(Locale.ROOT, "%03d.bin", i));
				FloatImage image = ImageReader.read(entry.image());
				int n = image.width() * image.height(), s = patches.length;
				float[][] e = new float[s][n], v = new float[s][n];
				float[] combined = new float[n];
				if (Files.isRegularFile(file)) {
					try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
						for (int k = 0; k < s; k++) { read(in, e[k]); read(in, v[k]); }
						read(in, combined);
					}
				} else {
					long t0 = System.nanoTime();
					AnomalyModel.Result r = model.score(image, 256, Progress.NONE);
					combined = r.score().channel(0);
					int k = 0;
					for (ScaleModel.Maps m : r.perScale().values()) {
						Calibration.ScoreStats st = stats.get(k);
						for (int j = 0; j < n; j++) {
							e[k][j] = (float) ((m.error()[j] - st.errorMean()) / st.errorStd());
							v[k][j] = st.varianceStd() > 0 ? (float) ((m.variance()[j] - st.varianceMean()) / st.varianceStd()) : 0f;
						}
						k++;
					}
					Path tmp = cache.resolve(file.getFileName() + ".tmp");
					try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
						for (k = 0; k < s; k++) { write(out, e[k]); write(out, v[k]); }
						write(out, combined);
					}
					Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
					System.err.printf(Locale.ROOT, "scored %d/%d %s in %.1f s%n", i + 1, tests.size(), entry.image().getFileName(), (System.nanoTime() - t0) / 1e9);
				}
				eNorm.add(e); vNorm.add(v); product.add(combined);
				sizes.add(new int[] { image.width(), image.height() });
			}
		}
		List<boolean[]> masks = new ArrayList<>();
		for (int i = 0; i < tests.size(); i++) {
			ImageEntry entry = tests.get(i);
			masks.add(entry.hasMask() ? ImageSets.readMask(entry.mask(), sizes.get(i)[0], sizes.get(i)[1]) : null);
		}
		List<ScoredImage> asProduct = new ArrayList<>();
		for (int i = 0; i < tests.size(); i++) {
			asProduct.add(new ScoredImage(tests.get(i).image().getFileName().toString(), tests.get(i).defectType(), sizes.get(i)[0], sizes.get(i)[1], product.get(i), masks.get(i)));
		}
		EvaluationReport.compute(asProduct, 0.3).writeJson(outDir.resolve("metrics.json"));
		// What a user sees with the defaults: which test images get a region at the model's threshold.
		int[] flagged = new int[2], count = new int[2]; // defect-free, defective
		for (int i = 0; i < tests.size(); i++) {
			int k = masks.get(i) == null ? 0 : 1;
			count[k]++;
			if (!Regions.find(product.get(i), sizes.get(i)[0], sizes.get(i)[1], threshold, Regions.DEFAULT_MIN_AREA).isEmpty()) flagged[k]++;
		}
		String flags = String.format(Locale.ROOT, "At the model's default threshold %.3f (%s), regions of at least %d pixels: %d of %d defect-free and %d of %d defective test images flagged.%n%n",
				threshold, rule, Regions.DEFAULT_MIN_AREA, flagged[0], count[0], flagged[1], count[1]);
		System.out.print(flags);
		StringBuilder table = new StringBuilder(flags).append("| scales | terms | σ | AU-PRO@0.3 | pixel AUROC | image AUROC |\n| --- | --- | --- | --- | --- | --- |\n");
		System.out.print(table.substring(flags.length()));
		int s = patches.length;
		for (int subset = (1 << s) - 1; subset >= 1; subset--) {
			for (String terms : subset == (1 << s) - 1 ? new String[] { "e+v", "e", "v" } : new String[] { "e+v" }) {
				for (double sigma : sigmas) {
					List<ScoredImage> scored = new ArrayList<>();
					for (int i = 0; i < tests.size(); i++) {
						int w = sizes.get(i)[0], h = sizes.get(i)[1];
						float[] map = new float[w * h];
						int used = 0;
						for (int k = 0; k < s; k++) {
							if ((subset & (1 << k)) == 0) continue;
							used++;
							for (int j = 0; j < map.length; j++) {
								if (!terms.equals("v")) map[j] += eNorm.get(i)[k][j];
								if (!terms.equals("e")) map[j] += vNorm.get(i)[k][j];
							}
						}
						for (int j = 0; j < map.length; j++) map[j] /= used;
						if (sigma > 0) map = blur(map, w, h, sigma);
						String type = tests.get(i).defectType();
						scored.add(new ScoredImage(tests.get(i).image().getFileName().toString(), type, w, h, map, masks.get(i)));
					}
					EvaluationReport report = EvaluationReport.compute(scored, 0.3);
					StringBuilder name = new StringBuilder();
					for (int k = 0; k < s; k++) if ((subset & (1 << k)) != 0) name.append(name.length() == 0 ? "" : "+").append(patches[k]);
					EvaluationReport.Summary o = report.overall();
					String row = String.format(Locale.ROOT, "| %s | %s | %.0f | %.3f | %.3f | %.3f |%n", name, terms, sigma, o.auPro(), o.pixelAuroc(), o.imageAuroc());
					System.out.print(row);
					table.append(row);
				}
			}
		}
		Files.writeString(outDir.resolve("variants.md"), table);
	}

	/** Separable Gaussian blur with mirrored borders, kernel to ±3σ. */
	static float[] blur(float[] map, int w, int h, double sigma) {
		int r = (int) Math.ceil(3 * sigma);
		float[] k = new float[2 * r + 1];
		double sum = 0;
		for (int i = -r; i <= r; i++) sum += k[i + r] = (float) Math.exp(-i * i / (2 * sigma * sigma));
		for (int i = 0; i < k.length; i++) k[i] /= sum;
		float[] tmp = new float[w * h], out = new float[w * h];
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				double a = 0;
				for (int i = -r; i <= r; i++) a += k[i + r] * map[y * w + PaddedCrops.reflect(x + i, w)];
				tmp[y * w + x] = (float) a;
			}
		}
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				double a = 0;
				for (int i = -r; i <= r; i++) a += k[i + r] * tmp[PaddedCrops.reflect(y + i, h) * w + x];
				out[y * w + x] = (float) a;
			}
		}
		return out;
	}

	private static void read(DataInputStream in, float[] a) throws IOException {
		for (int i = 0; i < a.length; i++) a[i] = in.readFloat();
	}

	private static void write(DataOutputStream out, float[] a) throws IOException {
		for (float f : a) out.writeFloat(f);
	}
}
