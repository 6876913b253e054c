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

/**
 * Teacher diagnostic (docs/teachers.md, bench/teacher_probe.sh): a teacher's descriptors on its stride
 * grid of every train and test image of a split.csv, standardised like the students' input, written as
 * big-endian float32 rows (train.f32, test.f32) with per-row (defect label, image index) records
 * (*.lab), for bench/teacher_probe.py. Usage: TeacherProbe SPLIT_CSV P shipped|random|TEACHER.zip OUT_DIR
 */
public final class TeacherProbe {
	public static void main(String[] args) throws Exception {
		Path csv = Path.of(args[0]);
		int p = Integer.parseInt(args[1]);
		String which = args[2]; // shipped | random | file path
		Path out = Path.of(args[3]);
		Files.createDirectories(out);
		List<ImageEntry> train = ImageSets.fromCsv(csv, "train"), test = ImageSets.fromCsv(csv, "test");
		List<FloatImage> trainImages = new ArrayList<>();
		for (ImageEntry e : train) trainImages.add(ImageReader.read(e.image()));
		InputNormalisation norm = InputNormalisation.fit(trainImages);
		try (NDManager m = NDManager.newBaseManager(Device.cpu(), Djl.engine().getEngineName())) {
			DescriptorNet t;
			if (which.equals("random")) t = DescriptorNet.random(Architecture.standard(p, 1), m, Device.cpu(), 7919 + p);
			else {
				TeacherWeights w = which.equals("shipped") ? TeacherFile.defaultTeacher(p, 1) : TeacherFile.load(Path.of(which));
				t = DescriptorNet.fromWeights(w.architecture(), w.weights(), m, Device.cpu());
			}
			int s = t.architecture().outputStride();
			dump(t, trainImages.stream().map(norm::apply).toList(), null, s, out.resolve("train"));
			List<FloatImage> testImages = new ArrayList<>();
			List<boolean[]> masks = new ArrayList<>();
			for (ImageEntry e : test) {
				FloatImage im = ImageReader.read(e.image());
				testImages.add(norm.apply(im));
				masks.add(e.hasMask() ? ImageSets.readMask(e.mask(), im.width(), im.height()) : new boolean[im.width() * im.height()]);
			}
			dump(t, testImages, masks, s, out.resolve("test"));
		}
	}

	static void dump(DescriptorNet t, List<FloatImage> images, List<boolean[]> masks, int s, Path prefix) throws Exception {
		Architecture a = t.architecture();
		try (DataOutputStream f = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(Path.of(prefix + ".f32"))));
				DataOutputStream l = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(Path.of(prefix + ".lab"))))) {
			for (int i = 0; i < images.size(); i++) {
				FloatImage im = images.get(i);
				int gw = (im.width() - 1) / s + 1, gh = (im.height() - 1) / s + 1;
				try (NDManager sub = t.manager().newSubManager()) {
					NDArray x = NetInputs.strided(sub, a, List.of(im), new int[] { 0 }, new int[] { 0 }, new int[] { 0 }, gw, gh);
					float[] d = t.strided(x).transpose(0, 2, 3, 1).toFloatArray();
					for (float v : d) f.writeFloat(v);
				}
				for (int gy = 0; gy < gh; gy++) for (int gx = 0; gx < gw; gx++) {
					int lab = masks == null ? 0 : (masks.get(i)[gy * s * im.width() + gx * s] ? 1 : 0);
					l.writeByte(lab); l.writeShort(i);
				}
			}
		}
	}
}
