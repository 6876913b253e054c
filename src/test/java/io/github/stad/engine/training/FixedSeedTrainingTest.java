package io.github.stad.engine.training;

import static org.junit.jupiter.api.Assertions.*;

import io.github.stad.engine.Progress;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.net.TeacherWeights;
import io.github.stad.testutil.Synthetic;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

/**
 * Pins a fixed-seed --epochs training to the bit: the anomaly map of a test image, the threshold and
 * every student loss hash to the value the code gave before training was split into the stages of a
 * plan (two patch sizes, teacher adaptation on, a calibration sample). A refactoring of the trainer
 * that changes any number, any random stream or the order of the work fails here.
 */
class FixedSeedTrainingTest {

	/** Computed by this test on the trainer before the training plan (commit 2a2d675), on the CPU. */
	static final long GOLDEN = -1867443272623266106L;

	@Test
	void aFixedSeedEpochTrainingGivesTheSameMapAsBeforeTheTrainingPlan() {
		TrainingSettings settings = TrainingSettings.builder().patchSizes(17, 33).students(2).epochs(2).crop(24, 4).networkSize(8, 16)
				.learningRate(2e-3f).seed(11).useGpu(false).teacherAdaptationSteps(3).build();
		List<FloatImage> normal = Synthetic.textures("normal", 4, 40, 40, 1);
		List<FloatImage> validation = Synthetic.textures("val", 2, 40, 40, 100);
		long hash;
		try (ModelTrainer.Outcome outcome = ModelTrainer.train(new TrainingImages(normal, validation), settings, TeacherWeights.Source.NONE, Map.of(), Progress.NONE)) {
			hash = hash(outcome, Synthetic.withSquare(Synthetic.texture("test", 40, 40, 555), 16, 12, 8, 255f));
		}
		System.out.println("FixedSeedTrainingTest hash " + hash);
		assertEquals(GOLDEN, hash, "the map, threshold or losses of a fixed-seed training changed");
	}

	private static long hash(ModelTrainer.Outcome outcome, FloatImage image) {
		long h = 17;
		for (float v : outcome.model().score(image, 256, Progress.NONE).score().channel(0)) h = h * 31 + Float.floatToIntBits(v);
		h = h * 31 + Double.doubleToLongBits(outcome.model().threshold());
		for (Map.Entry<String, float[]> e : outcome.losses().entrySet()) {
			h = h * 31 + e.getKey().hashCode();
			for (float v : e.getValue()) h = h * 31 + Float.floatToIntBits(v);
		}
		return h;
	}
}
