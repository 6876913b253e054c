package io.github.stad.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.stad.engine.eval.EvaluationReport;
import io.github.stad.engine.eval.ScoredImage;
import io.github.stad.engine.files.ModelBundle;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.model.AnomalyModel;
import io.github.stad.engine.model.ScaleModel;
import io.github.stad.engine.net.DescriptorNet;
import io.github.stad.engine.net.NetInputs;
import io.github.stad.io.ImageEntry;
import io.github.stad.io.ImageReader;
import io.github.stad.io.ImageSets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Does measuring the students' residual in another metric than the plain squared norm make better
 * maps? The product's e = ‖r‖², r = mean student − normalised teacher, weighs every descriptor
 * direction alike, though on normal images the residual is far larger in some directions than in
 * others. From the whole validation images this measures, per scale, the residual's covariance Σr
 * and the students' deviations' covariance Σd, then scores the test images with
 * e (product), e_diag = Σk rk²/Σr,kk, e_maha = rᵀΣr⁻¹r, and v (product), v_maha = mean_i dᵢᵀΣd⁻¹dᵢ,
 * every term normalised by its own validation mean/std (a second pass over the validation images),
 * averaged over the scales as the product does. Covariances get a ridge of EPS × their mean
 * diagonal. Not a test. usage: ResidualMetrics MODEL.zip SPLIT.csv OUT.md [EPS=0.01]
 */
public final class ResidualMetrics {

	private ResidualMetrics() {}

	static final String[] TERMS = { "e", "v", "e_diag", "e_maha", "v_maha" };

	public static void main(String[] args) throws IOException {
		Path modelFile = Path.of(args[0]), split = Path.of(args[1]), out = Path.of(args[2]);
		double eps = args.length > 3 ? Double.parseDouble(args[3]) : 0.01;
		List<ImageEntry> val = ImageSets.fromCsv(split, "val"), tests = ImageSets.fromCsv(split, "test");
		try (AnomalyModel model = ModelBundle.load(modelFile, false)) {
			int scales = model.scales().size(), d = model.scales().get(0).architecture().descriptorDim();
			List<FloatImage> valImages = new ArrayList<>(), testImages = new ArrayList<>();
			for (ImageEntry e : val) valImages.add(model.normalisation().apply(ImageReader.read(e.image())));
			for (ImageEntry e : tests) testImages.add(model.normalisation().apply(ImageReader.read(e.image())));
			float[][] whitenR = new float[scales][], whitenD = new float[scales][], diagR = new float[scales][];
			// pass 1: covariances of the residual and of the deviations on the validation images
			for (int s = 0; s < scales; s++) {
				double[] rr = new double[d * d], dd = new double[d * d], rsum = new double[d];
				long n = 0, nd = 0;
				for (FloatImage im : valImages) {
					long t0 = System.nanoTime();
					n += accumulate(model.scales().get(s), im, rr, dd, rsum);
					nd += (long) im.width() * im.height() * model.studentCount();
					System.err.printf(Locale.ROOT, "cov p=%d %s %.1f s%n", model.scales().get(s).architecture().patchSize(), im.name(), (System.nanoTime() - t0) / 1e9);
				}
				for (int i = 0; i < d * d; i++) { rr[i] /= n; dd[i] /= nd; }
				for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) rr[i * d + j] -= rsum[i] * rsum[j] / ((double) n * n);
				diagR[s] = new float[d];
				for (int i = 0; i < d; i++) diagR[s][i] = (float) (1 / rr[i * d + i]);
				whitenR[s] = whitener(rr, d, eps);
				whitenD[s] = whitener(dd, d, eps);
			}
			// pass 2: every term's validation mean and std; then the test maps
			double[][][] stats = new double[scales][TERMS.length][3]; // sum, sum², n
			for (int s = 0; s < scales; s++) {
				for (FloatImage im : valImages) {
					float[][] t = terms(model.scales().get(s), im, whitenR[s], whitenD[s], diagR[s]);
					for (int k = 0; k < TERMS.length; k++) for (float x : t[k]) { stats[s][k][0] += x; stats[s][k][1] += (double) x * x; stats[s][k][2]++; }
				}
			}
			for (int s = 0; s < scales; s++) for (int k = 0; k < TERMS.length; k++) {
				System.err.printf(Locale.ROOT, "validation p=%d %s mean %.3f%n", model.scales().get(s).architecture().patchSize(), TERMS[k], stats[s][k][0] / stats[s][k][2]);
			}
			List<float[][][]> testTerms = new ArrayList<>(); // per image [scale][term][pixel]
			for (FloatImage im : testImages) {
				long t0 = System.nanoTime();
				float[][][] t = new float[scales][][];
				for (int s = 0; s < scales; s++) t[s] = terms(model.scales().get(s), im, whitenR[s], whitenD[s], diagR[s]);
				testTerms.add(t);
				System.err.printf(Locale.ROOT, "scored %s %.1f s%n", im.name(), (System.nanoTime() - t0) / 1e9);
			}
			int[] patches = model.patchSizes();
			StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "model %s, ridge %.3g × mean diagonal%n%n| scales | terms | AU-PRO@0.3 | pixel AUROC | image AUROC |%n| --- | --- | --- | --- | --- |%n", modelFile, eps));
			String[][] combos = { { "e", "v" }, { "e" }, { "e_diag", "v" }, { "e_maha", "v" }, { "e_maha" }, { "e_maha", "v_maha" }, { "e", "v_maha" } };
			for (int subset = (1 << scales) - 1; subset >= 1; subset--) {
				if (subset != (1 << scales) - 1 && Integer.bitCount(subset) != 1) continue;
				for (String[] combo : combos) {
					List<ScoredImage> scored = new ArrayList<>();
					for (int i = 0; i < tests.size(); i++) {
						FloatImage im = testImages.get(i);
						int px = im.width() * im.height(), used = 0;
						float[] map = new float[px];
						for (int s = 0; s < scales; s++) {
							if ((subset & (1 << s)) == 0) continue;
							used++;
							for (String term : combo) {
								int k = List.of(TERMS).indexOf(term);
								double[] st = stats[s][k];
								double mean = st[0] / st[2], std = Math.sqrt(Math.max(st[1] / st[2] - mean * mean, 1e-30));
								float[] x = testTerms.get(i)[s][k];
								for (int j = 0; j < px; j++) map[j] += (float) ((x[j] - mean) / std);
							}
						}
						for (int j = 0; j < px; j++) map[j] /= used;
						ImageEntry e = tests.get(i);
						scored.add(new ScoredImage(e.image().getFileName().toString(), e.defectType(), im.width(), im.height(), map,
								e.hasMask() ? ImageSets.readMask(e.mask(), im.width(), im.height()) : null));
					}
					EvaluationReport.Summary o = EvaluationReport.compute(scored, 0.3).overall();
					StringBuilder name = new StringBuilder();
					for (int s = 0; s < scales; s++) if ((subset & (1 << s)) != 0) name.append(name.length() == 0 ? "" : "+").append(patches[s]);
					String row = String.format(Locale.ROOT, "| %s | %s | %.3f | %.3f | %.3f |%n", name, String.join("+", combo), o.auPro(), o.pixelAuroc(), o.imageAuroc());
					System.out.print(row);
					table.append(row);
				}
			}
			Files.writeString(out, table);
		}
	}

	/** Adds one image's residual second moments (rrᵀ), deviation second moments and residual sums; returns its pixel count. */
	static long accumulate(ScaleModel scale, FloatImage image, double[] rr, double[] dd, double[] rsum) {
		int d = scale.architecture().descriptorDim();
		forEachTile(scale, image, (sub, r, x0, y0, tw, th) -> {
			add(rr, r[0].transpose().matMul(r[0]).toFloatArray());
			float[] sums = r[0].sum(new int[] { 0 }).toFloatArray();
			for (int i = 0; i < d; i++) rsum[i] += sums[i];
			for (int k = 1; k < r.length; k++) add(dd, r[k].transpose().matMul(r[k]).toFloatArray());
		});
		return (long) image.width() * image.height();
	}

	/** Per pixel of the image, every term of {@link #TERMS}. */
	static float[][] terms(ScaleModel scale, FloatImage image, float[] whitenR, float[] whitenD, float[] diagR) {
		int d = scale.architecture().descriptorDim(), w = image.width(), m = scale.students().size();
		float[][] out = new float[TERMS.length][w * image.height()];
		forEachTile(scale, image, (sub, r, x0, y0, tw, th) -> {
			NDArray wr = sub.create(whitenR, new Shape(d, d)), wd = sub.create(whitenD, new Shape(d, d)), dr = sub.create(diagR, new Shape(1, d));
			float[] e = r[0].square().sum(new int[] { 1 }).toFloatArray();
			float[] eDiag = r[0].square().mul(dr).sum(new int[] { 1 }).toFloatArray();
			float[] eMaha = r[0].matMul(wr).square().sum(new int[] { 1 }).toFloatArray();
			NDArray v = null, vMaha = null;
			for (int k = 1; k <= m; k++) {
				NDArray a = r[k].square().sum(new int[] { 1 }), b = r[k].matMul(wd).square().sum(new int[] { 1 });
				v = v == null ? a : v.add(a);
				vMaha = vMaha == null ? b : vMaha.add(b);
			}
			float[][] t = { e, v.div(m).toFloatArray(), eDiag, eMaha, vMaha.div(m).toFloatArray() };
			for (int k = 0; k < TERMS.length; k++) {
				for (int y = 0; y < th; y++) System.arraycopy(t[k], y * tw, out[k], (y0 + y) * w + x0, tw);
			}
		});
		return out;
	}

	/** What is done with one 256² tile's residual and deviations ({@link #residualAndDeviations}), in the tile's own manager. */
	interface TileVisitor {
		void visit(NDManager sub, NDArray[] residualAndDeviations, int x0, int y0, int tw, int th);
	}

	/** The image in 256² tiles, as the product scores it; each tile's arrays are freed after its visit. */
	static void forEachTile(ScaleModel scale, FloatImage image, TileVisitor visitor) {
		for (int y0 = 0; y0 < image.height(); y0 += 256) {
			for (int x0 = 0; x0 < image.width(); x0 += 256) {
				int tw = Math.min(256, image.width() - x0), th = Math.min(256, image.height() - y0);
				try (NDManager sub = scale.teacher().manager().newSubManager()) {
					visitor.visit(sub, residualAndDeviations(sub, scale, image, x0, y0, tw, th), x0, y0, tw, th);
				}
			}
		}
	}

	/** [pixels, d] arrays: the residual mean student − normalised teacher, then each student − mean student. */
	static NDArray[] residualAndDeviations(NDManager sub, ScaleModel scale, FloatImage image, int x0, int y0, int tw, int th) {
		int d = scale.architecture().descriptorDim(), m = scale.students().size();
		NDArray x = NetInputs.dense(sub, scale.architecture(), image, x0, y0, tw, th);
		NDArray t = scale.target().dense(x, th, tw).reshape(d, (long) tw * th).transpose();
		List<NDArray> preds = new ArrayList<>();
		NDArray sum = null;
		for (DescriptorNet s : scale.students()) {
			NDArray p = s.dense(x, th, tw).reshape(d, (long) tw * th).transpose();
			preds.add(p);
			sum = sum == null ? p : sum.add(p);
		}
		NDArray mean = sum.div(m);
		NDArray[] out = new NDArray[m + 1];
		out[0] = mean.sub(t);
		for (int k = 0; k < m; k++) out[k + 1] = preds.get(k).sub(mean);
		return out;
	}

	private static void add(double[] acc, float[] x) {
		for (int i = 0; i < acc.length; i++) acc[i] += x[i];
	}

	/** W with xᵀ(Σ + ridge)⁻¹x = ‖x W‖² for row vectors x: W = (L⁻¹)ᵀ from the Cholesky factor Σ + ridge = L Lᵀ. */
	static float[] whitener(double[] cov, int d, double eps) {
		double ridge = 0;
		for (int i = 0; i < d; i++) ridge += cov[i * d + i];
		ridge = eps * ridge / d;
		double[] l = new double[d * d];
		for (int i = 0; i < d; i++) {
			for (int j = 0; j <= i; j++) {
				double s = cov[i * d + j] + (i == j ? ridge : 0);
				for (int k = 0; k < j; k++) s -= l[i * d + k] * l[j * d + k];
				l[i * d + j] = i == j ? Math.sqrt(s) : s / l[j * d + j];
			}
		}
		double[] inv = new double[d * d]; // L⁻¹, lower triangular
		for (int c = 0; c < d; c++) {
			for (int i = c; i < d; i++) {
				double s = i == c ? 1 : 0;
				for (int k = c; k < i; k++) s -= l[i * d + k] * inv[k * d + c];
				inv[i * d + c] = s / l[i * d + i];
			}
		}
		float[] w = new float[d * d]; // W[j][i] = L⁻¹[i][j]
		for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) w[j * d + i] = (float) inv[i * d + j];
		return w;
	}
}
