package io.github.stad.jobs;

import static org.junit.jupiter.api.Assertions.*;

import io.github.stad.engine.Progress;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.model.AnomalyModel;
import io.github.stad.engine.training.ModelTrainer;
import io.github.stad.engine.training.TrainingImages;
import io.github.stad.engine.training.TrainingSettings;
import io.github.stad.io.ImageEntry;
import io.github.stad.io.ImageSets;
import io.github.stad.testutil.Synthetic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** A batch says what the whole set will take once the first image is done. */
class TimeEstimateTest {

	@Test
	void theExpectedTimeIsTheFirstImagesTimesTheCount() {
		String line = BatchDetectJob.expectedTime(10, 12, 1000, 500);
		assertTrue(line.startsWith("Expected time for the 10 images: about 2 min"), line);
		assertTrue(line.contains("1000x500, took 12 s, 24.0 s per megapixel"), line);
	}

	@Test
	void aBatchLogsItsExpectedTimeAfterTheFirstImageAndBeforeTheSecond(@TempDir Path dir) throws Exception {
		TrainingSettings s = TrainingSettings.builder().patchSizes(17).students(2).epochs(1).crop(16, 2).networkSize(4, 8).useGpu(false).build();
		List<FloatImage> normal = Synthetic.textures("n", 2, 40, 40, 1);
		List<ImageEntry> inputs = ImageSets.fromFolder(Path.of("sample-images/test/good"));
		assertTrue(inputs.size() >= 2, "the sample set has two defect-free test images");
		List<String> events = Collections.synchronizedList(new ArrayList<>());
		Progress recording = new Progress() {
			@Override public void update(String message, double fraction) { if (message.matches("Scoring \\S+ \\(\\d+/\\d+\\).*")) events.add(message); }
			@Override public void log(String message) { events.add(message); }
		};
		try (ModelTrainer.Outcome o = ModelTrainer.train(new TrainingImages(normal, Synthetic.textures("v", 1, 40, 40, 9)), s, (p, c) -> null, Map.of(), Progress.NONE)) {
			AnomalyModel model = o.model();
			BatchDetectJob.run(model, ScoreRequest.builder(dir.resolve("out")).inputs(inputs).guard(OutputGuard.cli(false)).build(ArgumentChecks.CLI), recording);
		}
		int expected = indexOf(events, "Expected time for the " + inputs.size() + " images: about ");
		int second = indexOf(events, "Scoring " + inputs.get(1).image().getFileName() + " (2/");
		assertTrue(expected >= 0 && second > expected, "the estimate comes after the first image, before the second: " + events);
		assertEquals(1, events.stream().filter(e -> e.startsWith("Expected time")).count(), "said once: " + events);
	}

	private static int indexOf(List<String> events, String prefix) {
		for (int i = 0; i < events.size(); i++) if (events.get(i).startsWith(prefix)) return i;
		return -1;
	}
}
