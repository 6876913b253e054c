package io.github.stad.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
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
 * Turns a teacher-training checkpoint into the file shipped in src/main/resources/teachers: the
 * weights, the checkpoint's provenance plus a loss curve (every 10th iteration: iteration, total, Lm,
 * Lc) and a check descriptor (the patch network's output for x[i,j] = sin(0.3 i + 0.7 j), which
 * ShippedTeachersTest recomputes), without the optimiser state. A checkpoint already stripped of its training
 * record (training.json) gets no loss curve from it: give one as {@code lossCurve=…}.
 * Usage: ReleaseTeacher CHECKPOINT OUT [key=value …]
 */
public final class ReleaseTeacher {
	public static void main(String[] args) throws Exception {
		Path checkpoint = Path.of(args[0]), out = Path.of(args[1]);
		TeacherWeights t = TeacherFile.load(checkpoint);
		Map<String, String> provenance = new LinkedHashMap<>();
		try (ZipFile zip = new ZipFile(checkpoint.toFile())) {
			JsonObject header = JsonParser.parseString(read(zip, "teacher.json")).getAsJsonObject();
			header.getAsJsonObject("provenance").entrySet().forEach(e -> provenance.put(e.getKey(), e.getValue().getAsString()));
			if (zip.getEntry("training.json") != null) provenance.put("lossCurve", lossCurve(zip));
		}
		for (int i = 2; i < args.length; i++) {
			String[] kv = args[i].split("=", 2);
			provenance.put(kv[0], kv[1]);
		}
		int p = t.architecture().patchSize();
		try (NDManager m = NDManager.newBaseManager(Device.cpu(), Djl.engine().getEngineName());
				DescriptorNet net = DescriptorNet.fromWeights(t.architecture(), t.weights(), m, Device.cpu())) {
			float[] input = new float[p * p];
			for (int i = 0; i < p; i++) for (int j = 0; j < p; j++) input[i * p + j] = (float) Math.sin(0.3 * i + 0.7 * j);
			float[] d = net.patch(m.create(input, new Shape(1, 1, p, p))).toFloatArray();
			StringJoiner check = new StringJoiner(",");
			for (float v : d) check.add(Float.toString(v));
			provenance.put("checkInput", "x[c,i,j] = sin(0.3 i + 0.7 j + c)");
			provenance.put("checkDescriptor", check.toString());
		}
		TeacherFile.save(t.architecture(), t.weights(), provenance, out);
		System.out.println("Released " + out);
	}

	/** Every 10th iteration of the training record: iteration, total, Lm, Lc. */
	private static String lossCurve(ZipFile zip) throws Exception {
		JsonArray losses = JsonParser.parseString(read(zip, "training.json")).getAsJsonObject().getAsJsonArray("losses");
		StringJoiner curve = new StringJoiner(";");
		for (int i = 0; i < losses.size(); i++) {
			if (i % 10 != 0 && i != losses.size() - 1) continue;
			JsonArray l = losses.get(i).getAsJsonArray();
			curve.add(String.format("%d:%.4f:%.4f:%.4f", i + 1, l.get(0).getAsFloat(), l.get(2).getAsFloat(), l.get(3).getAsFloat()));
		}
		return curve.toString();
	}

	private static String read(ZipFile zip, String name) throws Exception {
		try (InputStream in = zip.getInputStream(zip.getEntry(name))) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}
}
