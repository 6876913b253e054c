package io.github.stad.engine.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.ArrayList;
import java.util.List;

/**
 * Adam with L2 weight decay (as PyTorch's Adam: the decay is added to the gradient). Our own rather
 * than DJL's so that its state (moments and step count) can be checkpointed and a resumed run
 * continues exactly.
 */
public final class Adam {

	private final float weightDecay, beta1 = 0.9f, beta2 = 0.999f, epsilon = 1e-8f;
	private final List<NDArray> parameters;
	private final List<NDArray> firstMoments = new ArrayList<>(), secondMoments = new ArrayList<>();
	private float learningRate;
	private int steps;

	public Adam(List<NDArray> parameters, OptimiserSettings settings, NDManager stateManager) {
		this.parameters = List.copyOf(parameters);
		this.learningRate = settings.learningRate();
		this.weightDecay = settings.weightDecay();
		for (NDArray p : parameters) {
			firstMoments.add(stateManager.zeros(p.getShape()));
			secondMoments.add(stateManager.zeros(p.getShape()));
		}
	}

	/** One update from the parameters' accumulated gradients, which are then reset to zero. */
	public void step() {
		Djl.withoutGradients(this::update);
	}

	private void update() {
		steps++;
		double correction1 = 1 - Math.pow(beta1, steps), correction2 = 1 - Math.pow(beta2, steps);
		float stepSize = (float) (learningRate / correction1);
		float sqrtCorrection2 = (float) Math.sqrt(correction2);
		for (int i = 0; i < parameters.size(); i++) {
			NDArray p = parameters.get(i);
			// A result belongs to the manager of its first operand: every temporary is moved into the
			// scratch manager, or each step would leave three parameter-sized arrays behind (measured:
			// 24 GB after 400 steps of three p = 33 students).
			try (NDManager scratch = p.getManager().newSubManager(); NDArray grad = p.getGradient()) {
				grad.tempAttach(scratch);
				NDArray g = weightDecay != 0 ? grad.add(scratch(p.mul(weightDecay), scratch)) : grad;
				NDArray m = firstMoments.get(i), v = secondMoments.get(i);
				m.muli(beta1).addi(g.mul(1 - beta1));
				v.muli(beta2).addi(g.square().muli(1 - beta2));
				NDArray denominator = scratch(v.sqrt(), scratch).divi(sqrtCorrection2).addi(epsilon);
				p.subi(scratch(m.div(denominator), scratch).muli(stepSize));
				grad.muli(0); // PyTorch accumulates gradients across backward passes
			}
		}
	}

	private static NDArray scratch(NDArray temporary, NDManager scratch) {
		temporary.attach(scratch);
		return temporary;
	}

	/** Changes the learning rate from the next step on (learning-rate schedules). */
	public void setLearningRate(float rate) {
		if (!(rate >= 0 && Float.isFinite(rate))) throw new IllegalArgumentException("The learning rate must be a finite number ≥ 0, got " + rate);
		learningRate = rate;
	}

	/** The state to checkpoint: first moments, then second moments. */
	public List<float[]> exportState() {
		List<float[]> out = new ArrayList<>();
		for (NDArray m : firstMoments) out.add(m.toFloatArray());
		for (NDArray v : secondMoments) out.add(v.toFloatArray());
		return out;
	}

	public void importState(List<float[]> state, int stepCount) {
		if (state.size() != 2 * parameters.size()) throw new IllegalArgumentException("Optimiser state has " + state.size() + " tensors, expected " + 2 * parameters.size());
		for (int i = 0; i < parameters.size(); i++) {
			firstMoments.get(i).set(state.get(i));
			secondMoments.get(i).set(state.get(parameters.size() + i));
		}
		steps = stepCount;
	}

}
