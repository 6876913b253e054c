package io.github.stad.engine.teacher;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonParser;
import io.github.stad.engine.files.TeacherFile;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.image.InputNormalisation;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.DescriptorNet;
import io.github.stad.engine.net.Djl;
import io.github.stad.engine.net.NetInputs;
import io.github.stad.engine.net.TeacherWeights;
import io.github.stad.io.ImageReader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.ZipInputStream;

/** The default teachers shipped in the jar load, compute what the trainer computed, and give useful descriptors. */
class ShippedTeachersTest {

	@ParameterizedTest
	@ValueSource(ints = { 17, 33, 65 })
	void shippedTeacherReproducesItsCheckDescriptorAndIsInformative(int p) throws Exception {
		TeacherWeights t = TeacherFile.defaultTeacher(p, 1);
		assertNotNull(t, "no default teacher shipped for p=" + p);
		assertEquals(Architecture.standard(p, 1), t.architecture());
		float[] expected = checkDescriptor(p);
		try (NDManager m = NDManager.newBaseManager(Device.cpu(), Djl.engine().getEngineName());
				DescriptorNet net = DescriptorNet.fromWeights(t.architecture(), t.weights(), m, Device.cpu())) {
			// The fixed input the pretraining script recorded its output for: x[i,j] = sin(0.3 i + 0.7 j).
			float[] input = new float[p * p];
			for (int i = 0; i < p; i++) for (int j = 0; j < p; j++) input[i * p + j] = (float) Math.sin(0.3 * i + 0.7 * j);
			float[] actual = net.patch(m.create(input, new Shape(1, 1, p, p))).toFloatArray();
			double scale = 0;
			for (float v : expected) scale = Math.max(scale, Math.abs(v));
			for (int k = 0; k < expected.length; k++) assertEquals(expected[k], actual[k], 1e-3 * scale + 1e-5, "descriptor " + k);

			// Finite and not constant over different patches.
			Random r = new Random(p);
			float[] patches = new float[8 * p * p];
			for (int i = 0; i < patches.length; i++) patches[i] = (float) r.nextGaussian();
			float[] d = net.patch(m.create(patches, new Shape(8, 1, p, p))).toFloatArray();
			double min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
			for (float v : d) {
				assertTrue(Float.isFinite(v));
				min = Math.min(min, v);
				max = Math.max(max, v);
			}
			assertTrue(max - min > 1e-2, "descriptors should vary: " + min + ".." + max);
		}
	}

	/**
	 * The descriptors must use many dimensions. Participation ratio (Σλ)²/Σλ² of the correlation
	 * matrix of the descriptors over the sample images' pixels (on the teacher's grid): the first
	 * shipped teachers, trained with the signed compactness loss, had collapsed to 1.9 (p = 33) here.
	 */
	@ParameterizedTest
	@ValueSource(ints = { 17, 33, 65 })
	void shippedTeacherDescriptorsAreNotCollapsed(int p) throws Exception {
		List<FloatImage> images = new ArrayList<>();
		try (Stream<Path> files = Files.list(Path.of("sample-images/normal"))) {
			for (Path f : files.sorted().toList()) images.add(ImageReader.read(f));
		}
		InputNormalisation normalisation = InputNormalisation.fit(images);
		TeacherWeights t = TeacherFile.defaultTeacher(p, 1);
		try (NDManager m = NDManager.newBaseManager(Device.cpu(), Djl.engine().getEngineName());
				DescriptorNet net = DescriptorNet.fromWeights(t.architecture(), t.weights(), m, Device.cpu())) {
			int s = net.architecture().outputStride(), d = net.architecture().descriptorDim();
			List<NDArray> rows = new ArrayList<>();
			for (FloatImage image : images) {
				FloatImage x = normalisation.apply(image);
				int gw = (x.width() - 1) / s + 1, gh = (x.height() - 1) / s + 1;
				NDArray in = NetInputs.strided(m, net.architecture(), List.of(x), new int[] { 0 }, new int[] { 0 }, new int[] { 0 }, gw, gh);
				rows.add(net.strided(in).reshape(d, -1).transpose());
			}
			// Σ_ij c_ij² = the off-diagonal sum (the compactness loss) + d ones on the diagonal
			double offDiagonal = TeacherLosses.compactness(NDArrays.concat(new NDList(rows))).getFloat();
			double participation = (double) d * d / (offDiagonal + d);
			assertTrue(participation > PARTICIPATION_FLOOR, "p=" + p + ": participation ratio " + participation + " — the descriptors have collapsed onto few dimensions");
		}
	}

	static final double PARTICIPATION_FLOOR = 4;

	@ParameterizedTest
	@ValueSource(ints = { 17 })
	void grayTeacherSpreadOverRgbSeesTheMeanOfTheChannels(int p) throws Exception {
		TeacherWeights gray = TeacherFile.defaultTeacher(p, 1), rgb = TeacherFile.toRgb(gray);
		assertEquals(3, rgb.architecture().inputChannels());
		Random r = new Random(1);
		float[] planes = new float[3 * p * p], mean = new float[p * p];
		for (int i = 0; i < planes.length; i++) planes[i] = (float) r.nextGaussian();
		for (int i = 0; i < p * p; i++) mean[i] = (planes[i] + planes[p * p + i] + planes[2 * p * p + i]) / 3f;
		try (NDManager m = NDManager.newBaseManager(Device.cpu(), Djl.engine().getEngineName());
				DescriptorNet g = DescriptorNet.fromWeights(gray.architecture(), gray.weights(), m, Device.cpu());
				DescriptorNet c = DescriptorNet.fromWeights(rgb.architecture(), rgb.weights(), m, Device.cpu())) {
			assertArrayEquals(g.patch(m.create(mean, new Shape(1, 1, p, p))).toFloatArray(), c.patch(m.create(planes, new Shape(1, 3, p, p))).toFloatArray(), 1e-4f);
		}
	}

	/**
	 * The shipped RGB teachers (gray teacher + colour layer): the layer's check descriptor is reproduced, images whose
	 * three channels are equal get the gray teacher's descriptors, and a colour change that keeps (R + G + B) / 3 —
	 * invisible to the gray teacher — moves the descriptor.
	 */
	@ParameterizedTest
	@ValueSource(ints = { 17, 33, 65 })
	void rgbDefaultTeacherSeesColourAndKeepsGrayImagesAsTheGrayTeacher(int p) throws Exception {
		TeacherWeights gray = TeacherFile.defaultTeacher(p, 1), rgb = TeacherFile.defaultTeacher(p, 3);
		assertTrue(rgb.source().contains("colour layer"), rgb.source());
		float[] expected = checkDescriptor("/teachers/" + TeacherFile.colourLayerName(p), "colour.json");
		Random r = new Random(2);
		float[] grayPatch = new float[p * p], equal = new float[3 * p * p], planes = new float[3 * p * p];
		for (int i = 0; i < grayPatch.length; i++) grayPatch[i] = (float) r.nextGaussian();
		for (int c = 0; c < 3; c++) System.arraycopy(grayPatch, 0, equal, c * p * p, p * p);
		for (int i = 0; i < planes.length; i++) planes[i] = (float) r.nextGaussian();
		float[] recoloured = planes.clone();
		io.github.stad.engine.net.Chroma.randomShift(recoloured, 0, p * p, new java.util.SplittableRandom(3), 0.5, 0.6);
		try (NDManager m = NDManager.newBaseManager(Device.cpu(), Djl.engine().getEngineName());
				DescriptorNet g = DescriptorNet.fromWeights(gray.architecture(), gray.weights(), m, Device.cpu());
				DescriptorNet c = DescriptorNet.fromWeights(rgb.architecture(), rgb.weights(), m, Device.cpu())) {
			float[] check = c.patch(m.create(io.github.stad.bench.ColourTeachers.checkInput(p), new Shape(1, 3, p, p))).toFloatArray();
			float largest = 0;
			for (float v : expected) largest = Math.max(largest, Math.abs(v));
			assertArrayEquals(expected, check, 1e-3f * largest, "check descriptor of the colour layer");
			float[] onGray = g.patch(m.create(grayPatch, new Shape(1, 1, p, p))).toFloatArray();
			assertArrayEquals(onGray, c.patch(m.create(equal, new Shape(1, 3, p, p))).toFloatArray(), 1e-4f * (1 + norm(onGray)), "gray images: the gray teacher's descriptors");
			float[] a = c.patch(m.create(planes, new Shape(1, 3, p, p))).toFloatArray(), b = c.patch(m.create(recoloured, new Shape(1, 3, p, p))).toFloatArray();
			float[] other = new float[planes.length];
			for (int i = 0; i < other.length; i++) other[i] = (float) r.nextGaussian();
			float[] o = c.patch(m.create(other, new Shape(1, 3, p, p))).toFloatArray();
			double colourMove = distance(a, b), patchMove = distance(a, o);
			assertTrue(colourMove > 0.05 * patchMove, "a colour change moves the descriptor: " + colourMove + " against " + patchMove + " for another patch");
		}
	}

	private static double distance(float[] a, float[] b) {
		double s = 0;
		for (int i = 0; i < a.length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
		return Math.sqrt(s);
	}

	private static float norm(float[] a) {
		return (float) distance(a, new float[a.length]);
	}

	private static float[] checkDescriptor(int p) throws Exception {
		return checkDescriptor("/teachers/teacher-p" + p + "-gray.zip", "teacher.json");
	}

	/** The provenance's checkDescriptor of the JSON entry {@code header} of a class-path zip. */
	private static float[] checkDescriptor(String resource, String header) throws Exception {
		try (InputStream in = TeacherFile.class.getResourceAsStream(resource); ZipInputStream zip = new ZipInputStream(in)) {
			for (var e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
				if (e.getName().equals(header)) {
					String csv = JsonParser.parseString(new String(zip.readAllBytes())).getAsJsonObject().getAsJsonObject("provenance").get("checkDescriptor").getAsString();
					String[] parts = csv.split(",");
					float[] v = new float[parts.length];
					for (int i = 0; i < v.length; i++) v[i] = Float.parseFloat(parts[i]);
					return v;
				}
			}
		}
		throw new AssertionError("no " + header + " in " + resource);
	}
}
