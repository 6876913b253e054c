package io.github.stad.engine.teacher;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.stad.engine.Progress;
import io.github.stad.engine.files.TeacherFile;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.Chroma;
import io.github.stad.engine.net.DescriptorNet;
import io.github.stad.engine.net.TeacherWeights;
import io.github.stad.testutil.Synthetic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

class ColourTeacherTrainingTest {

	static final Architecture GRAY = new Architecture(17, 1, 8, 16);

	static TeacherSettings tiny() {
		return TeacherSettings.builder(17).networkSize(8, 16).batch(16).learningRate(5e-3f).seed(3).useGpu(false).mode(TeacherSettings.Mode.COLOUR).build();
	}

	/** Textured RGB photographs whose colour varies from place to place and image to image. */
	static List<FloatImage> colourPhotos() {
		List<FloatImage> images = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			float[] lum = Synthetic.texture("t" + i, 40, 40, i).channel(0);
			float[][] rgb = new float[3][lum.length];
			for (int k = 0; k < lum.length; k++) {
				double hue = 0.7 * i + 2.0 * (k % 40) / 40 + (k / 40) / 25.0;
				for (int c = 0; c < 3; c++) rgb[c][k] = (float) (lum[k] + 40 * Math.cos(hue + 2 * Math.PI * c / 3));
			}
			images.add(new FloatImage("photo" + i, 40, 40, rgb));
		}
		return images;
	}

	static TeacherWeights grayTeacher() {
		try (NDManager m = TeacherTrainingTest.manager(); DescriptorNet net = DescriptorNet.random(GRAY, m, Device.cpu(), 5)) {
			return new TeacherWeights(GRAY, net.exportWeights(), "gray test teacher");
		}
	}

	/** Descriptors of [n, C, 17, 17] patches. */
	static float[] describe(Architecture arch, List<float[]> weights, float[] patches, int n) {
		try (NDManager m = TeacherTrainingTest.manager(); DescriptorNet net = DescriptorNet.fromWeights(arch, weights, m, Device.cpu())) {
			return net.patch(m.create(patches, new Shape(n, arch.inputChannels(), 17, 17))).toFloatArray();
		}
	}

	static double meanSquaredDistance(float[] x, float[] y, int n) {
		double sum = 0;
		for (int i = 0; i < x.length; i++) sum += (x[i] - y[i]) * (x[i] - y[i]);
		return sum / n;
	}

	@Test
	void chromaSplitsAWeightAndAColourShiftKeepsTheLuminance() {
		SplittableRandom r = new SplittableRandom(1);
		int out = 4, kk = 9;
		float[] w = new float[out * 3 * kk];
		for (int i = 0; i < w.length; i++) w[i] = (float) r.nextDouble(-1, 1);
		float[][] uv = Chroma.coefficients(w, out, kk);
		float[] base = Chroma.luminancePart(w, out, kk);
		assertArrayEquals(w, Chroma.join(base, uv[0], uv[1], out, kk), 1e-5f);
		// The luminance part has no chroma, and its three channels are equal.
		float[][] none = Chroma.coefficients(base, out, kk);
		for (float[] c : none) for (float x : c) assertEquals(0, x, 1e-5);
		for (int o = 0; o < out; o++) for (int i = 0; i < kk; i++) assertEquals(base[o * 3 * kk + i], base[(o * 3 + 2) * kk + i], 1e-5);

		float[] patch = new float[3 * 25];
		for (int i = 0; i < patch.length; i++) patch[i] = (float) r.nextDouble(0, 255);
		float[] shifted = patch.clone();
		Chroma.randomShift(shifted, 0, 25, r, 10, 20);
		double change = 0;
		for (int i = 0; i < 25; i++) {
			assertEquals(patch[i] + patch[25 + i] + patch[50 + i], shifted[i] + shifted[25 + i] + shifted[50 + i], 1e-3, "R + G + B of pixel " + i);
			for (int c = 0; c < 3; c++) change += Math.abs(shifted[c * 25 + i] - patch[c * 25 + i]);
		}
		assertTrue(change / 75 > 1, "the colours change: " + change / 75);
	}

	@Test
	void learnsToSeeColourAndStaysTheGrayTeacherOnGrayImages() throws IOException {
		TeacherWeights gray = grayTeacher();
		TeacherTraining.Result r = TeacherTraining.run(new ColourObjective(colourPhotos(), tiny().toBuilder().iterations(60).build(), gray), TeacherTraining.Files.NONE, Progress.NONE);
		Architecture rgb = r.architecture();
		assertEquals(3, rgb.inputChannels());
		for (int i = 1; i < r.weights().size(); i++) assertArrayEquals(gray.weights().get(i), r.weights().get(i), "only the first layer changes: tensor " + i);

		// Gray patches (three equal channels): the gray teacher's descriptors.
		int n = 8, pp = 17 * 17;
		SplittableRandom random = new SplittableRandom(7);
		float[] grayPatches = new float[n * pp], asRgb = new float[n * 3 * pp];
		for (int i = 0; i < grayPatches.length; i++) grayPatches[i] = (float) random.nextDouble(-2, 2);
		for (int b = 0; b < n; b++) for (int c = 0; c < 3; c++) System.arraycopy(grayPatches, b * pp, asRgb, (b * 3 + c) * pp, pp);
		float[] expected = describe(GRAY, gray.weights(), grayPatches, n), actual = describe(rgb, r.weights(), asRgb, n);
		double scale = meanSquaredDistance(expected, new float[expected.length], n);
		assertTrue(meanSquaredDistance(expected, actual, n) < 1e-8 * scale, "gray images keep their descriptors");

		// Colour changes of unchanged luminance: invisible to the gray teacher spread over RGB, seen after training.
		float[] patches = new float[n * 3 * pp];
		for (int i = 0; i < patches.length; i++) patches[i] = (float) random.nextDouble(-2, 2);
		float[] recoloured = patches.clone();
		for (int b = 0; b < n; b++) Chroma.randomShift(recoloured, b * 3 * pp, pp, random, 0.3, 1);
		TeacherWeights spread = TeacherFile.toRgb(gray);
		double before = meanSquaredDistance(describe(rgb, spread.weights(), patches, n), describe(rgb, spread.weights(), recoloured, n), n);
		double after = meanSquaredDistance(describe(rgb, r.weights(), patches, n), describe(rgb, r.weights(), recoloured, n), n);
		assertTrue(before < 1e-6 * scale, "the gray teacher does not see the colour change: " + before);
		assertTrue(after > 0.05 * scale, "the colour teacher does: " + after + " against descriptor scale " + scale);

		double first = 0, last = 0;
		for (int i = 0; i < 10; i++) {
			first += r.losses().get(i)[2];
			last += r.losses().get(r.losses().size() - 1 - i)[2];
		}
		assertTrue(last < 0.8 * first, "the triplet loss falls: " + first / 10 + " -> " + last / 10);
	}

	@Test
	void resumingContinuesExactly(@TempDir Path dir) throws IOException {
		TeacherWeights gray = grayTeacher();
		Path half = dir.resolve("half.zip");
		TeacherTraining.Result full = TeacherTraining.run(new ColourObjective(colourPhotos(), tiny().toBuilder().iterations(6).build(), gray), TeacherTraining.Files.NONE, Progress.NONE);
		TeacherTraining.run(new ColourObjective(colourPhotos(), tiny().toBuilder().iterations(3).build(), gray), new TeacherTraining.Files(half, null, Map.of()), Progress.NONE);
		TeacherTraining.Result resumed = TeacherTraining.run(new ColourObjective(colourPhotos(), tiny().toBuilder().iterations(6).build(), null), new TeacherTraining.Files(null, half, Map.of()), Progress.NONE);
		for (int i = 0; i < full.weights().size(); i++) assertArrayEquals(full.weights().get(i), resumed.weights().get(i), "tensor " + i);
		for (int i = 0; i < full.losses().size(); i++) assertArrayEquals(full.losses().get(i), resumed.losses().get(i));
		assertEquals(3, TeacherFile.load(half).architecture().inputChannels(), "the checkpoint is an RGB teacher file");

		// A checkpoint of patch training is not a colour checkpoint.
		Path patch = dir.resolve("patch.zip");
		TeacherTraining.run(new PatchObjective(colourPhotos(), tiny().toBuilder().mode(TeacherSettings.Mode.PATCH).iterations(1).build(), null, null), new TeacherTraining.Files(patch, null, Map.of()), Progress.NONE);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
				() -> TeacherTraining.run(new ColourObjective(colourPhotos(), tiny().toBuilder().iterations(6).build(), null), new TeacherTraining.Files(null, patch, Map.of()), Progress.NONE));
		assertTrue(e.getMessage().contains("other settings") && e.getMessage().contains("patch mode") && e.getMessage().contains("as a colour run"), e.getMessage());
		// And the other trainers refuse a colour checkpoint.
		e = assertThrows(IllegalArgumentException.class, () -> TeacherTraining.run(new PatchObjective(colourPhotos(), tiny().toBuilder().mode(TeacherSettings.Mode.PATCH).iterations(6).build(), null, null), new TeacherTraining.Files(null, half, Map.of()), Progress.NONE));
		assertTrue(e.getMessage().contains("colour mode"), e.getMessage());
		e = assertThrows(IllegalArgumentException.class, () -> TeacherTraining.run(new DenseObjective(colourPhotos(), tiny().toBuilder().mode(TeacherSettings.Mode.DENSE).iterations(6).build(), null), new TeacherTraining.Files(null, half, Map.of()), Progress.NONE));
		assertTrue(e.getMessage().contains("colour"), e.getMessage());
	}

	@Test
	void grayPhotographsAndAMissingStartAreRefused() {
		List<FloatImage> grayPhotos = TeacherTrainingTest.photos();
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
				() -> TeacherTraining.run(new ColourObjective(grayPhotos, tiny(), grayTeacher()), TeacherTraining.Files.NONE, Progress.NONE));
		assertTrue(e.getMessage().contains("RGB photographs"), e.getMessage());
		e = assertThrows(IllegalArgumentException.class, () -> TeacherTraining.run(new ColourObjective(colourPhotos(), tiny(), null), TeacherTraining.Files.NONE, Progress.NONE));
		assertTrue(e.getMessage().contains("extends a gray teacher"), e.getMessage());
		e = assertThrows(IllegalArgumentException.class,
				() -> TeacherTraining.run(new ColourObjective(colourPhotos(), tiny().toBuilder().lambdas(1, 1, 0).build(), grayTeacher()), TeacherTraining.Files.NONE, Progress.NONE));
		assertTrue(e.getMessage().contains("--lambda-k 0"), e.getMessage());
		assertEquals(TeacherSettings.Mode.COLOUR, TeacherSettings.Mode.parse("color"));
	}
}
