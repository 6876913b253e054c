package io.github.stad.engine.teacher;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.stad.engine.Progress;
import io.github.stad.engine.files.TeacherFile;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.DescriptorNet;
import io.github.stad.engine.net.Djl;
import io.github.stad.engine.net.TeacherWeights;
import io.github.stad.testutil.Synthetic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

class TeacherTrainingTest {

	static NDManager manager() { return NDManager.newBaseManager(Device.cpu(), Djl.engine().getEngineName()); }

	@Test
	void tripletLossWithAnchorSwapOnHandMadeDescriptors() {
		try (NDManager m = manager()) {
			// a=(0,0), p=(1,0), n=(2,0): δ+ = 1; ‖a−n‖² = 4 but ‖p−n‖² = 1, so the swap makes δ− = 1: loss = 1 + 1 − 1 = 1.
			NDArray a = m.create(new float[] { 0, 0 }, new Shape(1, 2));
			NDArray p = m.create(new float[] { 1, 0 }, new Shape(1, 2));
			NDArray n = m.create(new float[] { 2, 0 }, new Shape(1, 2));
			assertEquals(1f, TeacherLosses.triplet(a, p, n, 1f).getFloat(), 1e-6);
			// Far negative: δ+ = 1, δ− = min(25, 16) = 16: hinge gives 0.
			NDArray p2 = m.create(new float[] { 0, 1 }, new Shape(1, 2));
			NDArray n2 = m.create(new float[] { 0, 5 }, new Shape(1, 2));
			assertEquals(0f, TeacherLosses.triplet(a, p2, n2, 1f).getFloat(), 1e-6);
			// Batch mean: (1 + 0) / 2.
			assertEquals(0.5f, TeacherLosses.triplet(a.concat(a), p.concat(p2), n.concat(n2), 1f).getFloat(), 1e-6);
		}
	}

	@Test
	void tripletGradientPullsThePositiveTowardsTheAnchor() {
		try (NDManager m = manager()) {
			NDArray a = m.create(new float[] { 0, 0 }, new Shape(1, 2));
			NDArray p = m.create(new float[] { 1, 0 }, new Shape(1, 2));
			NDArray n = m.create(new float[] { 2, 0 }, new Shape(1, 2));
			p.setRequiresGradient(true);
			try (GradientCollector c = Engine.getEngine("PyTorch").newGradientCollector()) {
				c.backward(TeacherLosses.triplet(a, p, n, 1f));
			}
			// L = 1 + ‖a−p‖² − ‖p−n‖²: dL/dp = 2(p−a) − 2(p−n) = (4, 0); moving p towards a lowers the loss.
			assertArrayEquals(new float[] { 4, 0 }, p.getGradient().toFloatArray(), 1e-5f);
		}
	}

	@Test
	void compactnessIsZeroForDecorrelatedAndPositiveForRedundantDescriptors() {
		try (NDManager m = manager()) {
			// Columns (1,−1,1,−1) and (1,1,−1,−1) are centred and orthogonal: correlation 0.
			NDArray decorrelated = m.create(new float[] { 1, 1, -1, 1, 1, -1, -1, -1 }, new Shape(4, 2));
			assertEquals(0f, TeacherLosses.compactness(decorrelated).getFloat(), 1e-5);
			// Two identical columns: c12 = c21 = 1.
			NDArray redundant = m.create(new float[] { 1, 1, -1, -1, 2, 2, 0, 0 }, new Shape(4, 2));
			assertEquals(2f, TeacherLosses.compactness(redundant).getFloat(), 1e-4);
			// Anti-correlated columns are just as redundant: c12 = c21 = −1, squared 1 each.
			NDArray anti = m.create(new float[] { 1, -1, -1, 1, 2, -2, 0, 0 }, new Shape(4, 2));
			assertEquals(2f, TeacherLosses.compactness(anti).getFloat(), 1e-4);
			// Partly correlated: columns (1,2,3,4) and (1,3,2,4) have c = 0.8, so 2 · 0.64.
			NDArray partial = m.create(new float[] { 1, 1, 2, 3, 3, 2, 4, 4 }, new Shape(4, 2));
			assertEquals(1.28f, TeacherLosses.compactness(partial).getFloat(), 1e-4);
		}
	}

	@Test
	void distillationIsTheMeanSquaredDistance() {
		try (NDManager m = manager()) {
			NDArray decoded = m.create(new float[] { 1, 2, 3, 4 }, new Shape(2, 2));
			NDArray target = m.create(new float[] { 1, 0, 0, 4 }, new Shape(2, 2));
			// (0 + 4) and (9 + 0): mean 6.5
			assertEquals(6.5f, TeacherLosses.distillation(decoded, target).getFloat(), 1e-6);
		}
	}

	static TeacherSettings tiny() {
		return TeacherSettings.builder(17).networkSize(8, 16).batch(16).learningRate(2e-3f).seed(3).useGpu(false).build();
	}

	static List<FloatImage> photos() {
		List<FloatImage> images = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			// Distinct textures: the triplet loss needs negatives that differ from the anchors.
			FloatImage t = Synthetic.texture("t" + i, 40, 40, i);
			float[] px = t.channel(0).clone();
			for (int k = 0; k < px.length; k++) px[k] = px[k] * (0.3f + 0.4f * i) + 20 * i * ((k / 40) % (3 + i));
			images.add(FloatImage.of("photo" + i, 40, 40, px));
		}
		return images;
	}

	@Test
	void aFewIterationsReduceTheLoss() throws IOException {
		TeacherSettings settings = tiny().toBuilder().iterations(60).build();
		TeacherTraining.Result r = TeacherTraining.run(new PatchObjective(photos(), settings, null, null), TeacherTraining.Files.NONE, Progress.NONE);
		double first = 0, last = 0;
		for (int i = 0; i < 10; i++) {
			first += r.losses().get(i)[0];
			last += r.losses().get(r.losses().size() - 1 - i)[0];
		}
		assertTrue(last < first * 0.8, "loss should fall: " + first / 10 + " -> " + last / 10);
		for (float[] l : r.losses()) assertEquals(settings.losses().lambdaM() * l[2] + settings.losses().lambdaC() * l[3], l[0], 1e-3 * (1 + Math.abs(l[0])), "total = λm·Lm + λc·Lc");
	}

	@Test
	void fineTuningStartsFromTheGivenTeacher() throws IOException {
		Architecture arch = new Architecture(17, 1, 8, 16);
		List<float[]> start;
		try (NDManager m = manager(); DescriptorNet net = DescriptorNet.random(arch, m, ai.djl.Device.cpu(), 5)) {
			start = net.exportWeights();
		}
		TeacherWeights initial = new TeacherWeights(arch, start, "test teacher");
		// With a learning rate of 0 the weights stay exactly where they started.
		TeacherTraining.Result frozen = TeacherTraining.run(new PatchObjective(photos(), tiny().toBuilder().iterations(2).learningRate(0).build(), initial, null), TeacherTraining.Files.NONE, Progress.NONE);
		for (int i = 0; i < start.size(); i++) assertArrayEquals(start.get(i), frozen.weights().get(i), "tensor " + i);
		TeacherTraining.Result fromRandom = TeacherTraining.run(new PatchObjective(photos(), tiny().toBuilder().iterations(2).learningRate(0).build(), null, null), TeacherTraining.Files.NONE, Progress.NONE);
		assertFalse(java.util.Arrays.equals(start.get(0), fromRandom.weights().get(0)));
		TeacherWeights wrong = new TeacherWeights(new Architecture(33, 1, 8, 16), List.of(), "p33 teacher");
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
				() -> TeacherTraining.run(new PatchObjective(photos(), tiny().toBuilder().iterations(2).build(), wrong, null), TeacherTraining.Files.NONE, Progress.NONE));
		assertTrue(e.getMessage().contains("p33 teacher"), e.getMessage());
	}

	@Test
	void resumingFromACheckpointContinuesExactly(@TempDir Path dir) throws IOException {
		Path straight = dir.resolve("straight.zip"), half = dir.resolve("half.zip");
		TeacherTraining.Result full = TeacherTraining.run(new PatchObjective(photos(), tiny().toBuilder().iterations(8).checkpointEvery(4).build(), null, null), new TeacherTraining.Files(straight, null, Map.of()), Progress.NONE);
		TeacherTraining.run(new PatchObjective(photos(), tiny().toBuilder().iterations(4).build(), null, null), new TeacherTraining.Files(half, null, Map.of()), Progress.NONE);
		TeacherTraining.Result resumed = TeacherTraining.run(new PatchObjective(photos(), tiny().toBuilder().iterations(8).build(), null, null), new TeacherTraining.Files(null, half, Map.of()), Progress.NONE);
		assertEquals(full.losses().size(), resumed.losses().size());
		for (int i = 0; i < full.weights().size(); i++) assertArrayEquals(full.weights().get(i), resumed.weights().get(i), "tensor " + i);
		for (int i = 0; i < full.losses().size(); i++) assertArrayEquals(full.losses().get(i), resumed.losses().get(i));
		// The checkpoint is a teacher file as it stands.
		TeacherWeights t = TeacherFile.load(straight);
		assertEquals(17, t.architecture().patchSize());
		assertArrayEquals(full.weights().get(0), t.weights().get(0));

		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
				() -> TeacherTraining.run(new PatchObjective(photos(), tiny().toBuilder().seed(99).iterations(8).build(), null, null), new TeacherTraining.Files(null, half, Map.of()), Progress.NONE));
		assertTrue(e.getMessage().contains("other settings"), e.getMessage());
	}

	@Test
	void tooSmallImagesAndMissingDistillerAreRefused() {
		List<FloatImage> small = List.of(Synthetic.texture("small", 16, 30, 1));
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TeacherTraining.run(new PatchObjective(small, tiny(), null, null), TeacherTraining.Files.NONE, Progress.NONE));
		assertTrue(e.getMessage().contains("too small"), e.getMessage());
		e = assertThrows(IllegalArgumentException.class, () -> TeacherTraining.run(new PatchObjective(photos(), tiny().toBuilder().lambdas(1, 1, 1).build(), null, null), TeacherTraining.Files.NONE, Progress.NONE));
		assertTrue(e.getMessage().contains("--distill"), e.getMessage());
	}

	@Test
	void distillationTrainsAgainstATorchScriptNetwork() throws Exception {
		Path model = Path.of(getClass().getResource("/distill/tiny_features.pt").toURI());
		try (TorchScriptDistiller p = new TorchScriptDistiller(model.toString(), 32, 255f, Device.cpu())) {
			assertEquals(16, p.outputDim());
			TeacherTraining.Result r = TeacherTraining.run(new PatchObjective(photos(), tiny().toBuilder().lambdas(1, 0, 0).iterations(40).build(), null, p), TeacherTraining.Files.NONE, Progress.NONE);
			double first = 0, last = 0;
			for (int i = 0; i < 5; i++) {
				first += r.losses().get(i)[1];
				last += r.losses().get(r.losses().size() - 1 - i)[1];
			}
			assertTrue(first > 0 && last < 0.7 * first, "Lk should fall: " + first / 5 + " -> " + last / 5);
		}
	}

	@Test
	void aMissingOrForeignDistillationModelIsRefused(@TempDir Path dir) throws IOException {
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TorchScriptDistiller(dir.resolve("none.pt").toString(), 224, 255f, Device.cpu()));
		assertTrue(e.getMessage().contains("not found"), e.getMessage());
		Path junk = dir.resolve("junk.pt");
		java.nio.file.Files.writeString(junk, "not a model");
		Exception e2 = assertThrows(Exception.class, () -> new TorchScriptDistiller(junk.toString(), 224, 255f, Device.cpu()).close());
		assertTrue(e2.getMessage() != null && e2.getMessage().contains("junk.pt"), e2.getMessage());
	}
}
