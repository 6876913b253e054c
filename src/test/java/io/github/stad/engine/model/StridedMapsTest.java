package io.github.stad.engine.model;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.github.stad.engine.Progress;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.DescriptorNet;
import io.github.stad.engine.net.Djl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Strided maps against the exact dense maps, on tiny random networks. */
class StridedMapsTest {

	private NDManager manager;

	@BeforeEach
	void open() { manager = NDManager.newBaseManager(Device.cpu(), Djl.engine().getEngineName()); }

	@AfterEach
	void close() { manager.close(); }

	/** A teacher with random μ/σ and three students, all tiny (width 8, 16-d descriptors). */
	private ScaleModel scale(int patchSize, long seed) {
		Architecture arch = new Architecture(patchSize, 1, 8, 16);
		SplittableRandom random = new SplittableRandom(seed);
		float[] mu = new float[16], sigma = new float[16];
		for (int i = 0; i < 16; i++) {
			mu[i] = (float) random.nextDouble(-0.1, 0.1);
			sigma[i] = (float) random.nextDouble(0.05, 0.2);
		}
		DescriptorNet teacher = DescriptorNet.random(arch, manager, Device.cpu(), seed);
		List<DescriptorNet> students = new ArrayList<>();
		for (int i = 1; i <= 3; i++) students.add(DescriptorNet.random(arch, manager, Device.cpu(), seed + i));
		return new ScaleModel(new TeacherTarget(teacher, mu, sigma), students, "random");
	}

	private static FloatImage noise(int w, int h, long seed) {
		SplittableRandom random = new SplittableRandom(seed);
		float[] data = new float[w * h];
		for (int i = 0; i < data.length; i++) data[i] = (float) random.nextGaussian();
		return FloatImage.of("noise", w, h, data);
	}

	@ParameterizedTest
	@ValueSource(ints = { 33, 65 })
	void stridedMapsEqualTheExactMapsAtTheGridPoints(int p) {
		ScaleModel scale = scale(p, p);
		int s = scale.architecture().outputStride(), w = 83, h = 70; // neither side a multiple of the stride
		FloatImage image = noise(w, h, 5);
		ScaleModel.Maps exact = scale.errorAndVariance(image, 256, MapMode.EXACT, Progress.NONE);
		ScaleModel.Maps strided = scale.errorAndVariance(image, 256, MapMode.STRIDED, Progress.NONE);
		int points = 0;
		for (int y = 0; y < h; y += s) {
			for (int x = 0; x < w; x += s) {
				int i = y * w + x;
				assertEquals(exact.error()[i], strided.error()[i], 1e-4 * (1 + Math.abs(exact.error()[i])), "e at " + x + "," + y);
				assertEquals(exact.variance()[i], strided.variance()[i], 1e-4 * (1 + Math.abs(exact.variance()[i])), "v at " + x + "," + y);
				points++;
			}
		}
		assertTrue(points > 20, "enough grid points: " + points);
		assertNotEquals(exact.error()[1], strided.error()[1], "between grid points the strided map is interpolated, not computed");
	}

	@Test
	void stridedMapsDoNotDependOnTheTilingOrTheWindow() {
		ScaleModel scale = scale(33, 3);
		int w = 77, h = 61;
		FloatImage image = noise(w, h, 9);
		ScaleModel.Maps whole = scale.errorAndVariance(image, 256, MapMode.STRIDED, Progress.NONE);
		ScaleModel.Maps tiled = scale.errorAndVariance(image, 16, MapMode.STRIDED, Progress.NONE);
		for (int i = 0; i < w * h; i++) assertEquals(whole.error()[i], tiled.error()[i], 1e-4 * (1 + Math.abs(whole.error()[i])), "pixel " + i);
		int[][] windows = { { 3, 5, 20, 17 }, { 50, 40, 27, 21 }, { 0, 0, 9, 9 } }; // left, top, width, height; off the grid, at the far border
		for (int[] win : windows) {
			ScaleModel.Maps part = scale.errorAndVariance(image, win[0], win[1], win[2], win[3], 12, MapMode.STRIDED, Progress.NONE);
			for (int y = 0; y < win[3]; y++) {
				for (int x = 0; x < win[2]; x++) {
					int i = (win[1] + y) * w + win[0] + x;
					assertEquals(whole.error()[i], part.error()[y * win[2] + x], 1e-4 * (1 + Math.abs(whole.error()[i])), "e at " + (win[0] + x) + "," + (win[1] + y));
					assertEquals(whole.variance()[i], part.variance()[y * win[2] + x], 1e-4 * (1 + Math.abs(whole.variance()[i])), "v at " + (win[0] + x) + "," + (win[1] + y));
				}
			}
		}
	}

	@ParameterizedTest
	@ValueSource(ints = { 33, 65 })
	void onASmoothImageTheInterpolatedMapIsCloseToTheExactOne(int p) {
		ScaleModel scale = scale(p, 11);
		int w = 96, h = 96;
		float[] data = new float[w * h];
		for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) data[y * w + x] = (float) (Math.sin(x / 25.0) + Math.cos(y / 30.0) + x * y / 6000.0);
		FloatImage image = FloatImage.of("smooth", w, h, data);
		float[] exact = scale.errorAndVariance(image, 256, MapMode.EXACT, Progress.NONE).error();
		float[] strided = scale.errorAndVariance(image, 256, MapMode.STRIDED, Progress.NONE).error();
		// the exact map varies over the image; the interpolation error is a small part of that variation
		double mean = 0;
		for (float v : exact) mean += v / exact.length;
		double spread = 0, miss = 0;
		for (int i = 0; i < exact.length; i++) {
			spread += (exact[i] - mean) * (exact[i] - mean);
			miss += (exact[i] - strided[i]) * (exact[i] - strided[i]);
		}
		double relative = Math.sqrt(miss / spread);
		assertTrue(spread > 0, "the exact map should vary");
		assertTrue(relative < 0.1, "RMS interpolation error should be under 10 % of the map's spread, got " + relative);
	}

	@Test
	void withoutPoolingBothModesAreTheExactMap() {
		ScaleModel scale = scale(17, 2);
		FloatImage image = noise(40, 35, 1);
		ScaleModel.Maps exact = scale.errorAndVariance(image, 256, MapMode.EXACT, Progress.NONE);
		ScaleModel.Maps strided = scale.errorAndVariance(image, 256, MapMode.STRIDED, Progress.NONE);
		assertArrayEquals(exact.error(), strided.error());
		assertArrayEquals(exact.variance(), strided.variance());
	}

	@Test
	void bilinearUpsamplingReproducesAPlaneAndTheGridValues() {
		int stride = 4, gw = 5, gh = 4;
		float[] grid = new float[gw * gh];
		for (int i = 0; i < gh; i++) for (int j = 0; j < gw; j++) grid[i * gw + j] = 3 * j - 2 * i + 1;
		// the window from pixel (2, 1) to (16, 12): its last row and column are grid points
		float[] out = ScaleModel.upsample(grid, gw, gh, 2, 1, 15, 12, stride);
		for (int y = 0; y < 12; y++) {
			for (int x = 0; x < 15; x++) assertEquals(3 * (2 + x) / 4.0 - 2 * (1 + y) / 4.0 + 1, out[y * 15 + x], 1e-5, "pixel " + x + "," + y);
		}
	}

	@Test
	void modesParseAsUsersTypeThemAndAnythingElseSaysWhatToType() {
		assertEquals(MapMode.STRIDED, MapMode.parse("Strided"));
		assertEquals(MapMode.EXACT, MapMode.parse(" exact"));
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MapMode.parse("fast"));
		assertTrue(e.getMessage().contains("exact") && e.getMessage().contains("strided"), e.getMessage());
	}
}
