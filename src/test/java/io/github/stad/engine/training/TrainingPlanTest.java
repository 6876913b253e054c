package io.github.stad.engine.training;

import static org.junit.jupiter.api.Assertions.*;

import io.github.stad.engine.budget.StepBudget;
import io.github.stad.engine.training.TrainingPlan.Kind;
import io.github.stad.engine.training.TrainingPlan.Stage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** The plan made before any work: its stages in the order they run, their parts of the progress bar, and the step budgets. */
class TrainingPlanTest {

	@Test
	void stagesRunTeacherByTeacherThenStudentsThenCalibrationAndShareTheBarWithoutGaps() {
		TrainingSettings settings = TrainingSettings.builder().patchSizes(17, 33).epochs(3).teacherAdaptationSteps(4).build();
		List<Stage> stages = TrainingPlan.make(settings, () -> 0).stages();
		assertEquals(List.of(Kind.TEACHER_ADAPTATION, Kind.TEACHER_STATISTICS, Kind.TEACHER_ADAPTATION, Kind.TEACHER_STATISTICS,
				Kind.STUDENTS, Kind.STUDENTS, Kind.CALIBRATION), stages.stream().map(Stage::kind).toList());
		assertEquals(List.of(17, 17, 33, 33, 17, 33, 0), stages.stream().map(Stage::patchSize).toList());
		assertEquals(0, stages.get(0).from());
		for (int i = 1; i < stages.size(); i++) {
			assertEquals(stages.get(i - 1).to(), stages.get(i).from(), 1e-12, "the bar goes on where " + stages.get(i - 1).name() + " ended");
			assertTrue(stages.get(i).to() > stages.get(i).from(), stages.get(i).name() + " has a part of the bar");
		}
		assertEquals(1, stages.get(stages.size() - 1).to());
	}

	@Test
	void withoutAdaptationThereIsNoAdaptationStageAndTheLogLineNamesEveryStage() {
		TrainingPlan plan = TrainingPlan.make(TrainingSettings.builder().patchSizes(33).epochs(5).build(), () -> 0);
		assertFalse(plan.adaptsTeachers());
		assertEquals(List.of(Kind.TEACHER_STATISTICS, Kind.STUDENTS, Kind.CALIBRATION), plan.stages().stream().map(Stage::kind).toList());
		String line = plan.describe();
		assertTrue(line.contains("5 epochs"), line);
		for (Stage s : plan.stages()) assertTrue(line.contains(s.name()), line);
		assertThrows(IllegalStateException.class, () -> plan.stage(Kind.STUDENTS, 17));
	}

	@Test
	void epochsGiveStepCountsAndATimeBudgetGivesEachScaleItsShareOfWhatIsLeft() {
		TrainingPlan epochs = TrainingPlan.make(TrainingSettings.builder().patchSizes(17, 33).epochs(2).teacherAdaptationSteps(6).build(), () -> 0);
		assertEquals(new StepBudget.Steps(40), epochs.studentSteps(0, () -> 40));
		assertEquals(new StepBudget.Steps(6), epochs.adaptationSteps(1));

		AtomicLong now = new AtomicLong(1_000_000_000L);
		TrainingPlan timed = TrainingPlan.make(TrainingSettings.builder().patchSizes(17, 33).timeBudget(1).build(), now::get);
		now.addAndGet(10_000_000_000L); // 10 s of teacher statistics
		String line = timed.shareOut(6, 6);
		assertTrue(line.startsWith("Time budget 60 s: preparing the teachers (loading, timing, statistics) took 10 s, validation will take about 6 s, so student training gets 44 s (22 s per patch size)"), line);
		StepBudget.Until first = (StepBudget.Until) timed.studentSteps(0, () -> { throw new AssertionError("no epochs with a time budget"); });
		assertEquals(now.get() + 22_000_000_000L, first.deadline(), 1000);
		now.set(first.deadline());
		StepBudget.Until second = (StepBudget.Until) timed.studentSteps(1, () -> 0);
		assertEquals(now.get() + 22_000_000_000L, second.deadline(), 1000, "the last scale gets all that is left before calibration");
	}

	@Test
	void theTeacherStatisticsGetTheirShareOfATimeBudgetOverThePatchSizesAndNoLimitWithEpochs() {
		TrainingPlan timed = TrainingPlan.make(TrainingSettings.builder().patchSizes(17, 33).timeBudget(10).build(), () -> 0);
		assertEquals(TrainingPlan.STATISTICS_SHARE * 600 / 2, timed.statisticsSeconds(), 1e-9);
		assertTrue(timed.describe().contains("teacher statistics at most " + Math.round(100 * TrainingPlan.STATISTICS_SHARE) + " %"), timed.describe());
		assertEquals(Double.POSITIVE_INFINITY, TrainingPlan.make(TrainingSettings.builder().patchSizes(17).epochs(2).build(), () -> 0).statisticsSeconds());
	}

	@Test
	void aBudgetThatLeavesTheStudentsLessThanAQuarterIsRefusedWithTheSmallestThatWorks() {
		AtomicLong now = new AtomicLong();
		TrainingPlan plan = TrainingPlan.make(TrainingSettings.builder().patchSizes(17).timeBudget(1).build(), now::get);
		now.set(40_000_000_000L);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> plan.shareOut(10, 20));
		assertTrue(e.getMessage().contains("at least 2 minutes"), e.getMessage()); // (40 + 20) / 0.75 = 80 s
	}

	@Test
	void aRefinementPlanContinuesTheModelsStudentsAndKeepsTheMostValidationMayTakeFromTheStart() {
		AtomicLong now = new AtomicLong(5_000_000_000L);
		// the settings' patch sizes are not the model's: the plan follows the model
		TrainingPlan plan = TrainingPlan.refinement(TrainingSettings.builder().patchSizes(17, 33, 65).timeBudget(1).build(), new int[] { 17, 65 }, now::get);
		List<Stage> stages = plan.stages();
		assertEquals(List.of(Kind.STUDENTS, Kind.STUDENTS, Kind.CALIBRATION), stages.stream().map(Stage::kind).toList());
		assertEquals(List.of(17, 65, 0), stages.stream().map(Stage::patchSize).toList());
		assertEquals(0, stages.get(0).from());
		assertEquals(stages.get(0).to(), stages.get(1).from(), 1e-12);
		assertEquals(stages.get(1).to(), stages.get(2).from(), 1e-12);
		assertEquals(1, stages.get(2).to());
		now.addAndGet(1_000_000_000L);
		StepBudget.Until first = (StepBudget.Until) plan.studentSteps(0, () -> 0);
		// 60 s less 15 % for validation less the 1 s gone, over two scales
		assertEquals(now.get() + (long) ((60 * (1 - ModelTrainer.VALIDATION_SHARE) - 1) / 2 * 1e9), first.deadline(), 1000);
		assertEquals(new StepBudget.Steps(7), TrainingPlan.refinement(TrainingSettings.builder().epochs(2).build(), new int[] { 33 }, now::get).studentSteps(0, () -> 7));
	}
}
