package io.github.stad.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.stad.engine.Progress;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.budget.StepBudget;
import io.github.stad.engine.teacher.DenseObjective;
import io.github.stad.engine.teacher.DenseTeacherTrainingTest;
import io.github.stad.engine.teacher.TeacherSettings;
import io.github.stad.engine.teacher.TeacherTraining;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The dense trainer's auxiliary-term hook, through the pretext heads of the experiment. */
class PretextAdaptationTest {

	private static TeacherSettings tiny() { return DenseTeacherTrainingTest.tiny().toBuilder().iterations(6).build(); }

	@Test
	void theHeadTrainsBesideTheTeacherAndChangesIt(@TempDir Path dir) throws IOException {
		List<FloatImage> images = DenseTeacherTrainingTest.noise(3, 48, 1, 5);
		TeacherSettings s = tiny();
		List<float[]> headBefore = new ArrayList<>();
		float[][] lastSeen = new float[1][];
		PretextAdaptation.PositionHead head = new PretextAdaptation.PositionHead(16, 12, 3, 1) {
			@Override
			public List<NDArray> parameters(NDManager manager) {
				List<NDArray> params = super.parameters(manager);
				for (NDArray p : params) headBefore.add(p.toFloatArray());
				return params;
			}

			@Override
			public NDArray loss(NDArray anchors, io.github.stad.engine.teacher.CropPairSampler.Batch batch, long seed, int step) {
				lastSeen[0] = firstLayer(); // the manager is closed after training: look while it runs
				return super.loss(anchors, batch, seed, step);
			}
		};
		TeacherTraining.Result with = TeacherTraining.run(new PretextAdaptation.WithHead(images, s, null, head), new StepBudget.Steps(6), TeacherTraining.Files.NONE, Progress.NONE);
		assertFalse(Arrays.equals(headBefore.get(0), lastSeen[0]), "the head's own Adam updates it");
		TeacherTraining.Result without = TeacherTraining.run(new DenseObjective(images, s, null), TeacherTraining.Files.NONE, Progress.NONE);
		assertFalse(Arrays.equals(with.weights().get(0), without.weights().get(0)), "its gradient reaches the teacher");
		TeacherTraining.Result again = TeacherTraining.run(new PretextAdaptation.WithHead(images, s, null, new PretextAdaptation.PositionHead(16, 12, 3, 1)), new StepBudget.Steps(6), TeacherTraining.Files.NONE, Progress.NONE);
		TeacherTraining.Result third = TeacherTraining.run(new PretextAdaptation.WithHead(images, s, null, new PretextAdaptation.PositionHead(16, 12, 3, 1)), new StepBudget.Steps(6), TeacherTraining.Files.NONE, Progress.NONE);
		for (int i = 0; i < with.weights().size(); i++) assertArrayEquals(third.weights().get(i), again.weights().get(i), "deterministic, tensor " + i);
		for (int i = 0; i < with.weights().size(); i++) assertArrayEquals(with.weights().get(i), again.weights().get(i), "deterministic, tensor " + i);

		Path run = dir.resolve("run.zip");
		TeacherTraining.run(new DenseObjective(images, s, null), TeacherTraining.Files.checkpointTo(run), Progress.NONE);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
				() -> TeacherTraining.run(new PretextAdaptation.WithHead(images, s, null, new PretextAdaptation.PositionHead(16, 12, 3, 1)), new StepBudget.Steps(6), new TeacherTraining.Files(run, run, Map.of()), Progress.NONE));
		assertTrue(e.getMessage().contains("cannot resume"), e.getMessage());
	}

	@Test
	void theHeadLearnsDirectionsOnAFixedBatch() {
		// Descriptors that encode their grid position: the head must reach well below chance (ln 8 ≈ 2.08).
		int g = 8, dim = 4;
		float[] descriptors = new float[g * g * dim];
		for (int i = 0; i < g; i++) for (int j = 0; j < g; j++) {
			int k = (i * g + j) * dim;
			descriptors[k] = i / (float) g;
			descriptors[k + 1] = j / (float) g;
		}
		try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
			PretextAdaptation.PositionHead head = new PretextAdaptation.PositionHead(dim, 16, 2, 1);
			List<NDArray> params = head.parameters(m);
			io.github.stad.engine.net.Adam adam = new io.github.stad.engine.net.Adam(params, new io.github.stad.engine.net.OptimiserSettings(1e-2f, 0), m);
			io.github.stad.engine.teacher.CropPairSampler.Batch batch = new io.github.stad.engine.teacher.CropPairSampler.Batch(null, null, null, null, null, null, null, 1, g, 0);
			float first = 0, last = 0;
			for (int step = 0; step < 300; step++) {
				try (NDManager sub = m.newSubManager(); ai.djl.training.GradientCollector c = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
					NDArray loss = head.loss(sub.create(descriptors).reshape(g * g, dim), batch, 1, step);
					if (step == 0) first = loss.getFloat();
					last = loss.getFloat();
					c.backward(loss);
				}
				adam.step();
			}
			assertTrue(first > 1.5 && last < 0.5, first + " -> " + last);
		}
	}

	@Test
	void windowStatisticsArePerGridPointAndChannel() {
		// One crop, 2 channels, input 4x4, p = 3, stride 1 -> a 2x2 grid; channel 0 = x, channel 1 = constant 5.
		int n = 4;
		float[] crops = new float[2 * n * n];
		for (int y = 0; y < n; y++) for (int x = 0; x < n; x++) {
			crops[y * n + x] = x;
			crops[n * n + y * n + x] = 5;
		}
		float[] s = PretextAdaptation.IntensityHead.windowStatistics(crops, 1, 2, n, 2, 3, 1);
		assertEquals(4 * 4, s.length);
		// grid point (0, 1): columns 1..3 -> mean 2, std sqrt(2/3); channel 1: mean 5, std 0
		assertEquals(2f, s[4], 1e-6);
		assertEquals((float) Math.sqrt(2 / 3.0), s[5], 1e-6);
		assertEquals(5f, s[6], 1e-6);
		assertEquals(0f, s[7], 1e-3);
		assertEquals(1f, s[8], 1e-6, "grid point (1, 0): columns 0..2");
	}

	@Test
	void theIntensityHeadTrainsTheTeacher() throws IOException {
		List<FloatImage> images = DenseTeacherTrainingTest.noise(3, 48, 1, 5);
		TeacherSettings s = tiny();
		TeacherTraining.Result with = TeacherTraining.run(new PretextAdaptation.WithHead(images, s, null, new PretextAdaptation.IntensityHead(16, 17, 1, 1, 1)), new StepBudget.Steps(6), TeacherTraining.Files.NONE, Progress.NONE);
		TeacherTraining.Result without = TeacherTraining.run(new DenseObjective(images, s, null), TeacherTraining.Files.NONE, Progress.NONE);
		assertFalse(Arrays.equals(with.weights().get(0), without.weights().get(0)), "its gradient reaches the teacher");
	}
}
