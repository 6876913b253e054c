package io.github.stad.engine.training;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDManager;
import io.github.stad.engine.Progress;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.model.AnomalyModel;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.DescriptorNet;
import io.github.stad.engine.net.Djl;
import io.github.stad.engine.budget.StepBudget;
import io.github.stad.engine.net.TeacherWeights;
import io.github.stad.testutil.Synthetic;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The training stage that fine-tunes a teacher on the normal images before the students. */
class TeacherAdaptationTest {

	static final Architecture ARCH = new Architecture(17, 1, 8, 16);
	static final List<FloatImage> IMAGES = Synthetic.textures("normal", 4, 48, 48, 3);

	static TeacherWeights start() {
		try (NDManager m = NDManager.newBaseManager(Djl.device(false), Djl.engine().getEngineName());
				DescriptorNet net = DescriptorNet.random(ARCH, m, m.getDevice(), 11)) {
			return new TeacherWeights(ARCH, net.exportWeights(), "test teacher");
		}
	}

	static boolean same(List<float[]> a, List<float[]> b) {
		if (a.size() != b.size()) return false;
		for (int i = 0; i < a.size(); i++) if (!java.util.Arrays.equals(a.get(i), b.get(i))) return false;
		return true;
	}

	static int steps(TeacherWeights w) {
		Matcher m = Pattern.compile("\\((\\d+) dense steps\\)").matcher(w.source());
		assertTrue(m.find(), "the source names the steps: " + w.source());
		return Integer.parseInt(m.group(1));
	}

	@Test
	void changesTheTeacherReproduciblyAndSaysSo() {
		TeacherWeights start = start();
		TeacherWeights a = TeacherAdaptation.adapt(start, IMAGES, new StepBudget.Steps(3), 5, false, Progress.NONE);
		TeacherWeights b = TeacherAdaptation.adapt(start, IMAGES, new StepBudget.Steps(3), 5, false, Progress.NONE);
		assertEquals(ARCH, a.architecture());
		assertFalse(same(start.weights(), a.weights()), "three steps must move the weights");
		assertTrue(same(a.weights(), b.weights()), "same seed and images on the CPU: the same teacher");
		assertEquals(3, steps(a));
		assertTrue(a.source().startsWith("test teacher, adapted to the 4 normal image(s)"), a.source());
	}

	@Test
	void aDeadlineEndsItAfterAtLeastTheMinimum() {
		AtomicLong now = new AtomicLong();
		StepBudget.Until budget = new StepBudget.Until(20_000_000_000L, () -> now.addAndGet(1_000_000_000L), 2); // every reading 1 s later
		int steps = steps(TeacherAdaptation.adapt(start(), IMAGES, budget, 5, false, Progress.NONE));
		assertTrue(steps >= 2 && steps <= 12, "about 20 s of 2 s steps, at least the minimum of 2: " + steps);
		StepBudget.Until spent = new StepBudget.Until(0, () -> now.addAndGet(1_000_000_000L), 2);
		assertEquals(2, steps(TeacherAdaptation.adapt(start(), IMAGES, spent, 5, false, Progress.NONE)), "past the deadline: the minimum");
	}

	@Test
	void imagesTooSmallForItsCropsLeaveTheTeacherAsItWasWithAMessage() {
		List<String> log = new ArrayList<>();
		Progress progress = new Progress() {
			@Override public void update(String message, double fraction) {}
			@Override public void log(String message) { log.add(message); }
		};
		TeacherWeights start = start();
		// p = 17, stride 1: a 2 × 2 grid needs 18 pixels a side.
		TeacherWeights same = TeacherAdaptation.adapt(start, Synthetic.textures("tiny", 2, 17, 40, 1), new StepBudget.Steps(3), 5, false, progress);
		assertSame(start, same);
		assertTrue(log.stream().anyMatch(l -> l.contains("skipped at p=17") && l.contains("18 pixels")), log.toString());
		assertEquals(0, TeacherAdaptation.grid(ARCH, Synthetic.textures("tiny", 1, 17, 40, 1), 0));
		assertEquals(2, TeacherAdaptation.grid(ARCH, Synthetic.textures("small", 1, 18, 40, 1), 0), "18 pixels: a 2 × 2 grid without shift");
		assertEquals(0, TeacherAdaptation.grid(ARCH, Synthetic.textures("small", 1, 18, 40, 1), 1), "but not with a shift of one stride each way");
	}

	@Test
	void settingsOutsideTheirRangeAreRefused() {
		assertThrows(IllegalArgumentException.class, () -> new TeacherAdaptation.Settings(-0.1, 0));
		assertThrows(IllegalArgumentException.class, () -> new TeacherAdaptation.Settings(Double.NaN, 0));
		assertThrows(IllegalArgumentException.class, () -> new TeacherAdaptation.Settings(TeacherAdaptation.MAX_SHARE + 0.01, 0));
		assertThrows(IllegalArgumentException.class, () -> new TeacherAdaptation.Settings(0.2, -1));
		assertThrows(IllegalArgumentException.class, () -> TrainingSettings.builder().teacherAdaptationShare(0.9).build());
	}

	@Test
	void aModelTrainedWithItKeepsTheAdaptedTeacherAndWithoutItTheGivenOne() {
		TeacherWeights given = start();
		TeacherWeights.Source source = (p, c) -> p == 17 && c == 1 ? given : null;
		TrainingSettings base = TrainingSettings.builder().patchSizes(17).students(1).epochs(1).crop(24, 2).networkSize(8, 16).seed(3).useGpu(false).build();
		List<FloatImage> validation = Synthetic.textures("val", 1, 48, 48, 100);
		try (ModelTrainer.Outcome plain = ModelTrainer.train(new TrainingImages(IMAGES, validation), base, source, Map.of(), Progress.NONE);
				ModelTrainer.Outcome adapted = ModelTrainer.train(new TrainingImages(IMAGES, validation), base.toBuilder().teacherAdaptationSteps(2).build(), source, Map.of(), Progress.NONE)) {
			AnomalyModel p = plain.model(), a = adapted.model();
			assertTrue(same(given.weights(), p.scales().get(0).teacher().exportWeights()), "no adaptation: the given teacher");
			assertFalse(same(given.weights(), a.scales().get(0).teacher().exportWeights()), "adaptation: another teacher");
			assertEquals("test teacher", p.provenance().get("teacher.p17"));
			assertTrue(a.provenance().get("teacher.p17").contains("adapted to the 4 normal image(s) (2 dense steps)"), a.provenance().toString());
		}
	}
}
