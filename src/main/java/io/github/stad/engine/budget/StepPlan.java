package io.github.stad.engine.budget;

/**
 * Runs a {@link StepBudget}: whether another step fits, and how many steps the learning-rate schedule
 * should plan for. With a deadline the plan is the steps done plus those that fit in the time left at the
 * average step time so far, so the cosine of {@link io.github.stad.engine.net.LearningRateSchedule} reaches its end near the deadline.
 */
public final class StepPlan {
	private final StepBudget budget;
	private long start = -1, lastStepEnd;
	private int done;

	public StepPlan(StepBudget budget) { this.budget = budget; }

	/** True for a fixed step count (the plan is exact and reproducible). */
	public boolean exact() { return budget instanceof StepBudget.Steps; }

	/** Whether step {@code step} (0-based) should run. */
	public boolean another(int step) {
		if (budget instanceof StepBudget.Steps s) return step < s.count();
		StepBudget.Until u = (StepBudget.Until) budget;
		long now = u.clock().getAsLong();
		if (start < 0) start = lastStepEnd = now;
		if (step < u.minimum()) return true;
		// Stop when the next step (as long as the average so far) would end past the deadline.
		return now + perStep() <= u.deadline();
	}

	/** Call after each step. */
	public void stepDone() {
		done++;
		if (budget instanceof StepBudget.Until u) lastStepEnd = u.clock().getAsLong();
	}

	private long perStep() { return done == 0 ? 0 : (lastStepEnd - start) / done; }

	/** Total steps planned, as known after {@code step} steps: exact, or the steps done plus those that fit in the time left. */
	public int planned(int step) {
		if (budget instanceof StepBudget.Steps s) return s.count();
		StepBudget.Until u = (StepBudget.Until) budget;
		long per = perStep();
		if (per <= 0) return Math.max(u.minimum(), step + 1);
		long left = Math.max(0, u.deadline() - lastStepEnd);
		return (int) Math.max(Math.max(u.minimum(), step + 1), Math.min(Integer.MAX_VALUE, done + left / per));
	}

	/** Fraction of the budget used after {@code step} steps, for progress bars. */
	public double fraction(int step) {
		if (budget instanceof StepBudget.Steps s) return (double) step / s.count();
		StepBudget.Until u = (StepBudget.Until) budget;
		double total = u.deadline() - start;
		return total <= 0 ? 1 : Math.min(1, (lastStepEnd - start) / total);
	}

	/** Seconds to the deadline after the last step (0 for a step count). */
	public double secondsLeft() {
		if (!(budget instanceof StepBudget.Until u)) return 0;
		return Math.max(0, u.deadline() - lastStepEnd) / 1e9;
	}
}
