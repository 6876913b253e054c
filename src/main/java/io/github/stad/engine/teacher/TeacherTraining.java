package io.github.stad.engine.teacher;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.github.stad.engine.Progress;
import io.github.stad.engine.image.InputNormalisation;
import io.github.stad.engine.net.Adam;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.Djl;
import io.github.stad.engine.budget.StepBudget;
import io.github.stad.engine.budget.StepPlan;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The one loop of teacher pretraining, for every {@link TeacherObjective}: fresh or resumed state, Adam,
 * the objective's learning-rate schedule, cancel, progress, and atomic checkpoints every
 * {@code checkpointEvery} steps and at the last one. A checkpoint is a teacher file (usable as a teacher
 * at once) plus the optimiser state and the objective's extra parameters, so a run resumed from it
 * continues exactly as if it had never stopped.
 */
public final class TeacherTraining {

	/** The trained teacher; per step: total, Lk, Lm, Lc. */
	public record Result(Architecture architecture, List<float[]> weights, List<float[]> losses, InputNormalisation normalisation) {}

	/**
	 * Where a run writes and resumes: checkpoint file (null: none), checkpoint to continue from (null: a
	 * fresh run), and the provenance written into every checkpoint.
	 */
	public record Files(Path checkpoint, Path resumeFrom, Map<String, String> provenance) {
		public static final Files NONE = new Files(null, null, Map.of());

		public static Files checkpointTo(Path checkpoint) { return new Files(checkpoint, null, Map.of()); }
	}

	private TeacherTraining() {}

	/** {@code settings().iterations()} steps of the objective. */
	public static Result run(TeacherObjective objective, Files files, Progress progress) throws IOException {
		return run(objective, new StepBudget.Steps(objective.settings().iterations()), files, progress);
	}

	/** As many steps as {@code budget} gives (a deadline: the teacher adaptation inside a model's time budget). */
	public static Result run(TeacherObjective objective, StepBudget budget, Files files, Progress progress) throws IOException {
		TeacherCheckpoint resumed = files.resumeFrom() == null ? null : TeacherCheckpoint.read(files.resumeFrom());
		TeacherCheckpoint.State state = resumed != null ? checkResumable(objective, resumed, files.resumeFrom()) : freshState(objective);
		if (resumed != null) progress.log("Resuming " + objective.mode() + " teacher training at step " + state.iteration + " of " + objective.settings().iterations());
		InputNormalisation normalisation = state.normalisation();
		if (objective.note() != null) progress.log(objective.note());
		Device device = Djl.device(objective.settings().useGpu());
		try (NDManager manager = NDManager.newBaseManager(device, Djl.engine().getEngineName())) {
			List<NDArray> params = objective.prepare(normalisation, resumed == null ? null : new TeacherObjective.Resumed(resumed.teacherWeights(), resumed.decoder()), manager, device);
			Adam adam = new Adam(params, objective.settings().optimiser(), manager);
			if (resumed != null) adam.importState(resumed.optimiser(), state.iteration);
			StepPlan plan = new StepPlan(budget);
			for (int step = state.iteration; plan.another(step); step++) {
				progress.checkCancelled();
				float rate = objective.learningRate(objective.settings().optimiser().learningRate(), step, plan.planned(step));
				adam.setLearningRate(rate);
				Done done = step(objective, step, adam, manager);
				plan.stepDone();
				state.losses.add(done.loss());
				state.iteration = step + 1;
				report(objective, plan, step, done, rate, progress);
				if (files.checkpoint() != null && checkpointDue(objective.settings(), plan, step)) {
					TeacherCheckpoint.write(files.checkpoint(), objective.architecture(), objective.teacherWeights(), adam.exportState(), objective.extras(), state, files.provenance());
				}
			}
			for (NDArray p : params) p.setRequiresGradient(false);
			return new Result(objective.architecture(), objective.teacherWeights(), state.losses, normalisation);
		} finally {
			objective.close();
		}
	}

	/** A step done: {total, Lk, Lm, Lc} and the objective's text of its terms. */
	private record Done(float[] loss, String detail) {}

	/** One optimisation step in its own sub-manager. */
	private static Done step(TeacherObjective objective, int step, Adam adam, NDManager manager) {
		Engine engine = Djl.engine();
		Done done;
		try (NDManager sub = manager.newSubManager()) {
			try (GradientCollector collector = engine.newGradientCollector()) {
				TeacherObjective.StepLoss l = objective.loss(step, sub);
				collector.backward(l.total());
				l.terms()[0] = l.total().getFloat();
				done = new Done(l.terms(), l.detail());
			}
			adam.step();
		}
		if (!Float.isFinite(done.loss()[0])) throw new IllegalStateException("Teacher training diverged at step " + step + "; lower the learning rate");
		return done;
	}

	private static void report(TeacherObjective objective, StepPlan plan, int step, Done done, float rate, Progress progress) {
		int p = objective.settings().patchSize(), planned = plan.planned(step + 1);
		progress.loss("p=" + p + " teacher", step + 1, done.loss()[0]);
		progress.update(String.format("p=%d %s teacher: step %d/%s%d, loss %.4f (%s), lr %.2e", p, objective.mode(), step + 1, plan.exact() ? "" : "~", planned, done.loss()[0],
				done.detail(), rate), plan.exact() ? (step + 1.0) / planned : plan.fraction(step + 1));
	}

	private static boolean checkpointDue(TeacherSettings s, StepPlan plan, int step) {
		boolean last = plan.exact() && step + 1 == plan.planned(step);
		return last || (s.checkpointEvery() > 0 && (step + 1) % s.checkpointEvery() == 0);
	}

	private static TeacherCheckpoint.State freshState(TeacherObjective objective) {
		TeacherCheckpoint.State state = TeacherCheckpoint.State.fresh(objective.mode(), objective.settings(), objective.architecture().inputChannels(), objective.fitNormalisation());
		objective.describe(state);
		return state;
	}

	/** The checkpoint's state when it was made by the same objective with the same settings; else a refusal that says what differs. */
	private static TeacherCheckpoint.State checkResumable(TeacherObjective objective, TeacherCheckpoint resumed, Path from) {
		TeacherCheckpoint.State state = resumed.state();
		TeacherSettings s = objective.settings();
		String mode = state.mode == null ? "patch" : state.mode;
		boolean same = mode.equals(objective.mode()) && state.patchSize == s.patchSize() && state.width == s.network().width()
				&& state.descriptorDim == s.network().descriptorDim() && state.inputChannels == objective.architecture().inputChannels() && state.seed == s.seed();
		String other = same ? objective.mismatch(state, resumed.decoder()) : "";
		if (other != null) {
			throw new IllegalArgumentException(from + " was made with other settings (" + mode + " mode, p=" + state.patchSize + ", width " + state.width + ", seed " + state.seed + ", "
					+ state.inputChannels + " channel(s)" + (other.isEmpty() ? "" : ", " + other) + "); resume with the same settings as a " + objective.mode() + " run");
		}
		return state;
	}
}
