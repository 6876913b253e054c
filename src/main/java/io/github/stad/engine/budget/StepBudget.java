package io.github.stad.engine.budget;

import java.util.function.LongSupplier;

/**
 * How long a training (students, or a teacher adapted to the normal images) runs: a fixed number of optimisation steps (reproducible to the bit
 * on the CPU), or as many steps as fit before a deadline (as good as the machine allows in the time
 * the user gives; the step count then depends on the machine's speed and is recorded in the model).
 */
public sealed interface StepBudget {

	/** Exactly this many steps. */
	record Steps(int count) implements StepBudget {
		public Steps {
			if (count < 1) throw new IllegalArgumentException("Need at least one training step, got " + count);
		}
	}

	/** Steps until {@code deadline} (nanoseconds of {@code clock}), at least {@code minimum}. */
	record Until(long deadline, LongSupplier clock, int minimum) implements StepBudget {}

	/** System.nanoTime, the clock of real trainings (tests give their own). */
	LongSupplier WALL_CLOCK = System::nanoTime;
}
