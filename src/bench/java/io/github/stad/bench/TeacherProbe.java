package io.github.stad.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.stad.engine.files.TeacherFile;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.image.InputNormalisation;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.DescriptorNet;
import io.github.stad.engine.net.Djl;
import io.github.stad.engine.net.NetInputs;
import io.github.stad.engine.net.TeacherWeights;
import io.github.stad.io.ImageEntry;
import io.github.stad.io.ImageReader;
import io.github.stad.io.ImageSets;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Teacher diagnostic (docs/teachers.md, bench/teacher_probe.sh, bench/quality.sh probe): a teacher's
 * descriptors on a sample of its stride grid of the train and test images of a split.csv, inputs
 * standardised like the students' ({@link InputNormalisation} of the train images), for
 * bench/teacher_probe.py.
 * <p>
 * Written to OUT_DIR: {@code train.f32}, {@code test.f32} (big-endian float32 rows of d values),
 * {@code train.lab}, {@code test.lab} (per row: defect label u8, image index, x, y as big-endian
 * u16) and {@code meta.txt}. The grid points are a fixed-seed sample ({@link #keep}) that depends
 * only on the stride, the image sizes and the masks, so every teacher of one p sees the same points.
 * <p>
 * {@code raw} is the raw-pixel baseline: no network; the grid of the standard p architecture, and
 * instead of descriptors the normalised images themselves ({@code train.img}, {@code test.img}: per
 * image int width, height, channels, then the float32 pixels channel by channel), from which
 * teacher_probe.py cuts the p×p patch around each grid point and reduces it by PCA.
 * Usage: TeacherProbe SPLIT_CSV P shipped|random|raw|TEACHER.zip OUT_DIR
 */
public final class TeacherProbe {

	/** Seed of the grid-point sample; fixed, so every run and every teacher sees the same points. */
	static final long SEED = 20_261_128L;

	public static void main(String[] args) throws Exception {
		Path csv = Path.of(args[0]);
		int p = Integer.parseInt(args[1]);
		String which = args[2]; // shipped | random | raw | file path
		Path out = Path.of(args[3]);
		Files.createDirectories(out);
		List<ImageEntry> train = ImageSets.fromCsv(csv, "train"), test = ImageSets.fromCsv(csv, "test");
		List<FloatImage> trainImages = new ArrayList<>();
		for (ImageEntry e : train) trainImages.add(ImageReader.read(e.image()));
		InputNormalisation norm = InputNormalisation.fit(trainImages);
		List<FloatImage> trainNorm = trainImages.stream().map(norm::apply).toList();
		List<FloatImage> testNorm = new ArrayList<>();
		List<boolean[]> masks = new ArrayList<>();
		for (ImageEntry e : test) {
			FloatImage im = ImageReader.read(e.image());
			testNorm.add(norm.apply(im));
			masks.add(e.hasMask() ? ImageSets.readMask(e.mask(), im.width(), im.height()) : new boolean[im.width() * im.height()]);
		}
		if (which.equals("raw")) {
			int s = Architecture.standard(p, trainImages.get(0).channels()).outputStride();
			Files.writeString(out.resolve("meta.txt"), "name=raw\np=" + p + "\nkind=raw\nstride=" + s + "\n");
			dump(null, trainNorm, null, s, out.resolve("train"));
			dump(null, testNorm, masks, s, out.resolve("test"));
			return;
		}
		try (NDManager m = NDManager.newBaseManager(Device.cpu(), Djl.engine().getEngineName())) {
			DescriptorNet t;
			if (which.equals("random")) t = DescriptorNet.random(Architecture.standard(p, 1), m, Device.cpu(), 7919 + p);
			else {
				TeacherWeights w = which.equals("shipped") ? TeacherFile.defaultTeacher(p, 1) : TeacherFile.load(Path.of(which));
				t = DescriptorNet.fromWeights(w.architecture(), w.weights(), m, Device.cpu());
			}
			int s = t.architecture().outputStride();
			String name = which.equals("random") || which.equals("shipped") ? which : Path.of(which).getFileName().toString().replaceAll("\\.zip$", "");
			Files.writeString(out.resolve("meta.txt"), "name=" + name + "\np=" + p + "\nkind=teacher\nstride=" + s + "\n");
			dump(t, trainNorm, null, s, out.resolve("train"));
			dump(t, testNorm, masks, s, out.resolve("test"));
		}
	}

	/**
	 * Whether grid point (gx, gy) of image i is in the sample: with probability min(1, s²/64) for a
	 * defect-free point (about one per 8×8 pixels at every p; every point at p = 65) and four times
	 * that for a defect point (defects are rare; a class-wise constant rate leaves the pixel AUROC
	 * unbiased). Drawn in grid order from a generator seeded by {@link #SEED}, the image index, the
	 * part (train/test) and the stride only.
	 */
	static boolean[] keep(int imageIndex, boolean test, int gw, int gh, int s, boolean[] defect) {
		double normalRate = Math.min(1, s * s / 64.0), defectRate = Math.min(1, 4 * s * s / 64.0);
		SplittableRandom r = new SplittableRandom(SEED ^ (imageIndex * 0x9E3779B97F4A7C15L) ^ ((test ? 2L : 1L) << 40) ^ ((long) s << 48));
		boolean[] k = new boolean[gw * gh];
		for (int g = 0; g < k.length; g++) {
			double u = r.nextDouble();
			k[g] = u < (defect != null && defect[g] ? defectRate : normalRate);
		}
		return k;
	}

	static void dump(DescriptorNet t, List<FloatImage> images, List<boolean[]> masks, int s, Path prefix) throws Exception {
		DataOutputStream f = null, img = null;
		try (DataOutputStream l = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(Path.of(prefix + ".lab"))))) {
			if (t != null) f = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(Path.of(prefix + ".f32"))));
			else img = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(Path.of(prefix + ".img"))));
			for (int i = 0; i < images.size(); i++) {
				FloatImage im = images.get(i);
				int gw = (im.width() - 1) / s + 1, gh = (im.height() - 1) / s + 1;
				boolean[] defect = new boolean[gw * gh];
				if (masks != null) {
					for (int gy = 0; gy < gh; gy++) for (int gx = 0; gx < gw; gx++) defect[gy * gw + gx] = masks.get(i)[gy * s * im.width() + gx * s];
				}
				boolean[] keep = keep(i, masks != null, gw, gh, s, masks == null ? null : defect);
				if (t != null) {
					Architecture a = t.architecture();
					int d = a.descriptorDim();
					try (NDManager sub = t.manager().newSubManager()) {
						NDArray x = NetInputs.strided(sub, a, List.of(im), new int[] { 0 }, new int[] { 0 }, new int[] { 0 }, gw, gh);
						float[] v = t.strided(x).transpose(0, 2, 3, 1).toFloatArray();
						for (int g = 0; g < keep.length; g++) {
							if (!keep[g]) continue;
							for (int k = 0; k < d; k++) f.writeFloat(v[g * d + k]);
						}
					}
				} else {
					img.writeInt(im.width()); img.writeInt(im.height()); img.writeInt(im.channels());
					for (int c = 0; c < im.channels(); c++) for (float v : im.channel(c)) img.writeFloat(v);
				}
				for (int gy = 0; gy < gh; gy++) for (int gx = 0; gx < gw; gx++) {
					if (!keep[gy * gw + gx]) continue;
					l.writeByte(defect[gy * gw + gx] ? 1 : 0); l.writeShort(i); l.writeShort(gx * s); l.writeShort(gy * s);
				}
			}
		} finally {
			if (f != null) f.close();
			if (img != null) img.close();
		}
	}
}
