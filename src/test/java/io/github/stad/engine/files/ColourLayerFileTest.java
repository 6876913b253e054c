package io.github.stad.engine.files;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.Chroma;
import io.github.stad.engine.net.DescriptorNet;
import io.github.stad.engine.net.Djl;
import io.github.stad.engine.net.TeacherWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

class ColourLayerFileTest {

	static TeacherWeights gray(long seed) {
		Architecture arch = new Architecture(17, 1, 8, 16);
		try (NDManager m = NDManager.newBaseManager(Device.cpu(), Djl.engine().getEngineName()); DescriptorNet net = DescriptorNet.random(arch, m, Device.cpu(), seed)) {
			return new TeacherWeights(arch, net.exportWeights(), "gray " + seed);
		}
	}

	/** The gray teacher spread over RGB plus a chroma part: what colour training produces. */
	static TeacherWeights coloured(TeacherWeights gray) {
		TeacherWeights spread = TeacherFile.toRgb(gray);
		int out = 8, kk = 36; // p = 17: first layer 6×6, width 8
		float[] u = new float[out * kk], v = new float[out * kk];
		for (int i = 0; i < u.length; i++) {
			u[i] = (float) Math.sin(i);
			v[i] = (float) Math.cos(3 * i);
		}
		List<float[]> w = new ArrayList<>(spread.weights());
		w.set(0, Chroma.join(Chroma.luminancePart(w.get(0), out, kk), u, v, out, kk));
		return new TeacherWeights(spread.architecture(), w, "coloured");
	}

	@Test
	void aColourLayerRoundTripsOntoItsGrayTeacher(@TempDir Path dir) throws IOException {
		TeacherWeights g = gray(1), rgb = coloured(g);
		Path file = dir.resolve("layer.zip");
		TeacherFile.saveColourLayer(rgb, g, Map.of("data", "test"), file);
		assertTrue(Files.size(file) < 10_000, "a layer is small: " + Files.size(file));
		try (ZipArchive.Reader zip = ZipArchive.open(file, TeacherFile.COLOUR_WHAT, "")) {
			TeacherWeights back = TeacherFile.withColourLayer(g, zip);
			assertEquals(rgb.architecture(), back.architecture());
			for (int i = 0; i < rgb.weights().size(); i++) assertArrayEquals(rgb.weights().get(i), back.weights().get(i), 1e-6f, "tensor " + i);
		}
		// On another gray teacher the layer is refused: it belongs to the weights it was trained with.
		try (ZipArchive.Reader zip = ZipArchive.open(file, TeacherFile.COLOUR_WHAT, "")) {
			IOException e = assertThrows(IOException.class, () -> TeacherFile.withColourLayer(gray(2), zip));
			assertTrue(e.getMessage().contains("another gray teacher"), e.getMessage());
		}
	}

	@Test
	void aTeacherThatIsNotAColourFormOfTheGrayOneIsRefused(@TempDir Path dir) {
		TeacherWeights g = gray(1), rgb = coloured(g);
		List<float[]> changed = new ArrayList<>(rgb.weights());
		float[] later = changed.get(2).clone();
		later[0] += 1;
		changed.set(2, later);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
				() -> TeacherFile.saveColourLayer(new TeacherWeights(rgb.architecture(), changed, "changed"), g, Map.of(), dir.resolve("x.zip")));
		assertTrue(e.getMessage().contains("beyond its first layer"), e.getMessage());
		List<float[]> lum = new ArrayList<>(rgb.weights());
		float[] first = lum.get(0).clone();
		for (int i = 0; i < 36; i++) first[i] += 0.5f; // the red channel of output 0 only: changes its luminance part
		lum.set(0, first);
		e = assertThrows(IllegalArgumentException.class, () -> TeacherFile.saveColourLayer(new TeacherWeights(rgb.architecture(), lum, "lum"), g, Map.of(), dir.resolve("y.zip")));
		assertTrue(e.getMessage().contains("luminance part"), e.getMessage());
		assertFalse(Files.exists(dir.resolve("x.zip")) || Files.exists(dir.resolve("y.zip")), "nothing written");
	}
}
