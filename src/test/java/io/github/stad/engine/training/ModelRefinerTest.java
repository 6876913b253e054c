package io.github.stad.engine.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.stad.engine.Progress;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.model.AnomalyModel;
import io.github.stad.engine.net.TeacherWeights;
import io.github.stad.testutil.Synthetic;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Refining a tiny model with images of a pattern it flags: that pattern scores lower afterwards, the rest of the model stays. */
class ModelRefinerTest {

	static final TrainingSettings SETTINGS = TrainingSettings.builder().patchSizes(17).students(2).epochs(12)
			.crop(24, 4).networkSize(8, 16).learningRate(2e-3f).seed(7).useGpu(false).build();

	static FloatImage withPatch(String name, long seed) {
		return Synthetic.withSquare(Synthetic.texture(name, 48, 48, seed), 18, 18, 10, 255f);
	}

	@Test
	void refiningWithAFlaggedPatternLowersItsScoreAndKeepsTeachersAndProvenance() {
		List<FloatImage> normal = Synthetic.textures("normal", 6, 48, 48, 1);
		List<FloatImage> validation = Synthetic.textures("val", 2, 48, 48, 100);
		FloatImage probe = withPatch("probe", 777);
		AnomalyModel model = ModelTrainer.train(new TrainingImages(normal, validation), SETTINGS, TeacherWeights.Source.NONE, Map.of("normalData", "synthetic"), Progress.NONE).model();
		float before = model.score(probe, 256, Progress.NONE).imageScore();
		List<float[]> teacher = model.scales().get(0).teacher().exportWeights();
		List<float[]> student = model.scales().get(0).students().get(0).exportWeights();
		double threshold = model.threshold();

		List<FloatImage> added = List.of(withPatch("fa1", 11), withPatch("fa2", 12), withPatch("fa3", 13));
		List<FloatImage> training = new ArrayList<>(normal);
		training.addAll(added);
		try (AnomalyModel refined = ModelRefiner.refine(model, new TrainingImages(training, validation), SETTINGS, Map.of("addedImages", "3"), Progress.NONE)) {
			float after = refined.score(probe, 256, Progress.NONE).imageScore();
			assertTrue(after < before, "the added pattern should score lower after refining: " + before + " -> " + after);
			assertArrayEquals(teacher.get(0), refined.scales().get(0).teacher().exportWeights().get(0), "the teacher is not trained");
			assertFalse(java.util.Arrays.equals(student.get(0), refined.scales().get(0).students().get(0).exportWeights().get(0)), "the students continued");
			assertTrue(Double.isFinite(refined.threshold()) && refined.threshold() != threshold, "calibrated again: " + threshold + " -> " + refined.threshold());
			assertEquals(model.thresholdFpr(), refined.thresholdFpr(), "the threshold rule stays");
			assertNotNull(refined.provenance().get("refine1.at"));
			assertEquals("3", refined.provenance().get("refine1.addedImages"));
			assertEquals("9", refined.provenance().get("refine1.trainingImages"));
			assertEquals("synthetic", refined.provenance().get("normalData"), "the first training's provenance stays");
		}
	}
}
