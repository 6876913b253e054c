package io.github.stad.engine.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.stad.engine.net.Architecture;
import org.junit.jupiter.api.Test;

/** Each patch size's default crops, explicit crops for all of them, and what an epoch is. */
class StudentScheduleTest {

	private static StudentSchedule schedule(int crop, int batch) {
		return TrainingSettings.builder().crop(crop, batch).build().schedule();
	}

	@Test
	void defaultsArePerPatchSizeAndGivenValuesApplyToAll() {
		StudentSchedule d = TrainingSettings.defaults().schedule();
		assertEquals(8, d.cropFor(17));
		assertEquals(16, d.batchFor(17));
		for (int p : new int[] { 33, 65 }) {
			assertEquals(32, d.cropFor(p), "p " + p);
			assertEquals(4, d.batchFor(p), "p " + p);
		}
		StudentSchedule given = schedule(48, 3);
		for (int p : Architecture.SUPPORTED_PATCH_SIZES) {
			assertEquals(48, given.cropFor(p));
			assertEquals(3, given.batchFor(p));
		}
		StudentSchedule onlyCrop = schedule(16, StudentSchedule.PER_PATCH_SIZE);
		assertEquals(16, onlyCrop.cropFor(33));
		assertEquals(4, onlyCrop.batchFor(33));
	}

	@Test
	void badCropOrBatchIsRefusedWithTheDefaultsNamed() {
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> schedule(-1, 4));
		assertTrue(e.getMessage().contains("crop size") && e.getMessage().contains("per patch size"), e.getMessage());
		e = assertThrows(IllegalArgumentException.class, () -> schedule(32, StudentSchedule.MAX_BATCH + 1));
		assertTrue(e.getMessage().contains("batch size"), e.getMessage());
	}

	@Test
	void anEpochOfSixtyFourSquareCropsIsOneCropPerImage() {
		for (int p : Architecture.SUPPORTED_PATCH_SIZES) {
			Architecture a = new Architecture(p, 1, 8, 8);
			for (int batch : new int[] { 1, 2, 8 }) {
				assertEquals((5 * 30 + batch - 1) / batch, StudentTrainer.stepsFor(a, 30, 256, schedule(64, batch), 5), "p " + p + ", batch " + batch);
			}
		}
	}

	@Test
	void anEpochIsTheSameNumberOfDescriptorsHoweverTheyAreCut() {
		for (int p : Architecture.SUPPORTED_PATCH_SIZES) {
			Architecture a = new Architecture(p, 1, 8, 8);
			for (int minSide : new int[] { 6, 20, 40, 256 }) {
				long perEpoch = 30L * square(StudentTrainer.gridSize(a, StudentTrainer.EPOCH_CROP, minSide));
				for (StudentSchedule s : new StudentSchedule[] { TrainingSettings.defaults().schedule(), schedule(16, 5), schedule(24, 1) }) {
					long perStep = (long) s.batchFor(p) * square(StudentTrainer.gridSize(a, s.cropFor(p), minSide));
					long steps = StudentTrainer.stepsFor(a, 30, minSide, s, 3);
					String what = "p " + p + ", side " + minSide + ", " + s.batchFor(p) + " × " + s.cropFor(p);
					assertTrue(steps * perStep >= 3 * perEpoch, what + ": " + steps + " steps are too few");
					assertTrue((steps - 1) * perStep < 3 * perEpoch, what + ": " + steps + " steps are too many");
				}
			}
		}
	}

	@Test
	void theDefaultsTakeOneStepPerImageAndEpochAtEveryPatchSize() {
		// 16 × 8² at p = 17 is 1 024 descriptors, one 64² crop's 32² grid; 4 × 32² at p = 33 (4 × 8²) and p = 65 (4 × 4²) likewise
		for (int p : Architecture.SUPPORTED_PATCH_SIZES) {
			assertEquals(90, StudentTrainer.stepsFor(new Architecture(p, 1, 8, 8), 30, 256, TrainingSettings.defaults().schedule(), 3), "p " + p);
		}
		assertEquals(1, StudentTrainer.stepsFor(new Architecture(17, 1, 8, 8), 1, 256, schedule(64, 1024), 1), "at least one step");
		StudentSchedule onlyBatch = schedule(StudentSchedule.PER_PATCH_SIZE, 2);
		assertEquals(8, onlyBatch.cropFor(17));
		assertEquals(2, onlyBatch.batchFor(65));
	}

	private static long square(int n) { return (long) n * n; }
}
