package io.github.stad.engine.teacher;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.stad.engine.image.InputNormalisation;
import io.github.stad.engine.net.Architecture;

import java.util.List;

/**
 * What one kind of teacher pretraining optimises: its batches and loss terms, the parameters it trains and
 * what it keeps in checkpoints. {@link TeacherTraining} runs every objective in the same loop (checkpoints,
 * exact resume, optimiser, schedule, progress, cancel). Adding a kind of pretraining is one new
 * implementation and one line in {@link TeacherObjectives}.
 */
public interface TeacherObjective {

	/** The checkpoint's mode ("patch", "dense", "colour", "distil"), which a resumed run must match. */
	String mode();

	TeacherSettings settings();

	/** The network being trained. */
	Architecture architecture();

	/** The photographs' normalisation, for a fresh run (a resumed one keeps its checkpoint's). */
	InputNormalisation fitNormalisation();

	/** Records the settings that fix the batches in a fresh state (beyond the common ones). */
	default void describe(TeacherCheckpoint.State state) {}

	/** Null when a checkpoint's objective-specific state fits these settings, else what differs (for the refusal). */
	default String mismatch(TeacherCheckpoint.State state, List<float[]> extras) { return null; }

	/**
	 * Creates the network and the trainable parameters in {@code manager} and returns the parameters the
	 * optimiser updates. {@code resumed} is null for a fresh run (random weights, or the objective's starting
	 * teacher).
	 */
	List<NDArray> prepare(InputNormalisation normalisation, Resumed resumed, NDManager manager, Device device);

	/** The loss of step {@code step}, computed in {@code sub} inside the loop's gradient collector. */
	StepLoss loss(int step, NDManager sub);

	/** The learning rate of a step; the optimiser's own (constant) unless the objective schedules one. */
	default float learningRate(float peak, int step, int planned) { return peak; }

	/** The teacher's weights now, as they are written to teacher files. */
	List<float[]> teacherWeights();

	/** Parameters kept in checkpoints beside the teacher (decoder, chroma), or null. */
	default List<float[]> extras() { return null; }

	/** A line for the log before training (e.g. photographs left out), or null. */
	default String note() { return null; }

	/** Releases what {@link #prepare} opened outside the manager (none by default). */
	default void close() {}

	/** A checkpoint's weights and the parameters kept beside them. */
	record Resumed(List<float[]> teacherWeights, List<float[]> extras) {}

	/**
	 * One step's loss: the array to differentiate, the record {total, Lk, Lm, Lc} (total filled by the
	 * loop) and a short text of the terms for the progress line.
	 */
	record StepLoss(NDArray total, float[] terms, String detail) {}
}
