package io.github.stad.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import io.github.stad.engine.files.TeacherFile;
import io.github.stad.engine.net.DescriptorNet;
import io.github.stad.engine.net.Djl;
import io.github.stad.engine.net.TeacherWeights;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.zip.ZipFile;

/**
 * The colour teachers' two file chores (bench/colour.sh).
 * <ul>
 * <li>{@code spread DIR}: DIR/teacher-p{17,33,65}-spread.zip, the shipped gray teachers spread over R, G, B
 * (weights / 3), i.e. the RGB path without a colour layer, as files for {@code train --teacher}.</li>
 * <li>{@code release RGB_TEACHER OUT [key=value …]}: the colour layer file shipped in src/main/resources/teachers
 * (TeacherFile.saveColourLayer) from a {@code train-teacher --mode colour} result or checkpoint, with its
 * provenance, the mean triplet loss of its first and last 10 iterations, and a check descriptor (the RGB teacher's
 * output for x[c,i,j] = sin(0.3 i + 0.7 j + c), which ShippedTeachersTest recomputes).</li>
 * </ul>
 */
public final class ColourTeachers {
	public static void main(String[] args) throws Exception {
		if (args[0].equals("spread")) {
			for (int p : new int[] { 17, 33, 65 }) {
				TeacherWeights rgb = TeacherFile.toRgb(TeacherFile.defaultTeacher(p, 1));
				Path out = Path.of(args[1], "teacher-p" + p + "-spread.zip");
				TeacherFile.save(rgb.architecture(), rgb.weights(), Map.of("source", rgb.source()), out);
				System.out.println("Wrote " + out);
			}
			return;
		}
		Path in = Path.of(args[1]), out = Path.of(args[2]);
		TeacherWeights rgb = TeacherFile.load(in);
		int p = rgb.architecture().patchSize();
		Map<String, String> provenance = new LinkedHashMap<>();
		try (ZipFile zip = new ZipFile(in.toFile())) {
			JsonParser.parseString(read(zip, "teacher.json")).getAsJsonObject().getAsJsonObject("provenance").entrySet()
					.forEach(e -> provenance.put(e.getKey(), e.getValue().getAsString()));
			if (zip.getEntry("training.json") != null) {
				JsonArray losses = JsonParser.parseString(read(zip, "training.json")).getAsJsonObject().getAsJsonArray("losses");
				provenance.put("tripletLossFirst10", String.format("%.4f", meanLm(losses, 0)));
				provenance.put("tripletLossLast10", String.format("%.4f", meanLm(losses, losses.size() - 10)));
			}
		}
		for (int i = 3; i < args.length; i++) {
			String[] kv = args[i].split("=", 2);
			provenance.put(kv[0], kv[1]);
		}
		try (NDManager m = NDManager.newBaseManager(Device.cpu(), Djl.engine().getEngineName());
				DescriptorNet net = DescriptorNet.fromWeights(rgb.architecture(), rgb.weights(), m, Device.cpu())) {
			float[] d = net.patch(m.create(checkInput(p), new Shape(1, 3, p, p))).toFloatArray();
			StringJoiner check = new StringJoiner(",");
			for (float v : d) check.add(Float.toString(v));
			provenance.put("checkInput", "x[c,i,j] = sin(0.3 i + 0.7 j + c)");
			provenance.put("checkDescriptor", check.toString());
		}
		TeacherFile.saveColourLayer(rgb, TeacherFile.defaultTeacher(p, 1), provenance, out);
		System.out.println("Released " + out);
	}

	/** x[c, i, j] = sin(0.3 i + 0.7 j + c) as [3, p, p]. */
	public static float[] checkInput(int p) {
		float[] x = new float[3 * p * p];
		for (int c = 0; c < 3; c++) for (int i = 0; i < p; i++) for (int j = 0; j < p; j++) x[(c * p + i) * p + j] = (float) Math.sin(0.3 * i + 0.7 * j + c);
		return x;
	}

	private static double meanLm(JsonArray losses, int from) {
		double sum = 0;
		int n = 0;
		for (int i = Math.max(0, from); i < Math.min(losses.size(), Math.max(0, from) + 10); i++, n++) sum += losses.get(i).getAsJsonArray().get(2).getAsDouble();
		return sum / Math.max(1, n);
	}

	private static String read(ZipFile zip, String name) throws Exception {
		try (InputStream in = zip.getInputStream(zip.getEntry(name))) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}
}
