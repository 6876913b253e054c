package io.github.stad.engine.net;

/** Adam's learning rate and weight decay (an L2 term added to the gradient, as PyTorch's Adam does). */
public record OptimiserSettings(float learningRate, float weightDecay) {

	public OptimiserSettings {
		if (!(learningRate >= 0 && Float.isFinite(learningRate))) throw new IllegalArgumentException("The learning rate must be a finite number ≥ 0, got " + learningRate);
		if (!(weightDecay >= 0 && Float.isFinite(weightDecay))) throw new IllegalArgumentException("The weight decay must be a finite number ≥ 0, got " + weightDecay);
	}
}
