package io.github.stad.engine.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.stad.engine.Progress;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.model.AnomalyModel;
import io.github.stad.engine.model.MapMode;
import io.github.stad.io.ImageReader;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

/** A model file written before the engine layout changed still loads and gives the same map (src/test/resources/format1). */
class OldBundleTest {

	@Test
	void aBundleWrittenBeforeTheMoveScoresAsBefore() throws Exception {
		Path dir = Path.of("src/test/resources/format1");
		FloatImage image = ImageReader.read(Path.of("sample-images/test/defect/scratch.png"));
		FloatImage expected = ImageReader.read(dir.resolve("scratch-map.tif"));
		try (AnomalyModel model = ModelBundle.load(dir.resolve("format1-tiny.zip"), false)) {
			assertArrayEquals(new int[] { 17, 33 }, model.patchSizes());
			assertEquals(2, model.studentCount());
			assertEquals(MapMode.EXACT, model.mapMode(), "files from before the map mode was recorded were calibrated on exact maps");
			float[] map = model.score(image, 256, Progress.NONE).score().channel(0);
			assertArrayEquals(expected.channel(0), map, 1e-4f);
		}
	}
}
