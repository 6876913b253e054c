package io.github.stad.engine.budget;

/**
 * How long a model trains: a time budget in minutes for the whole training (teacher statistics,
 * student steps and validation; the student steps get what the rest leaves), or a fixed number of
 * epochs of student training (each as many descriptors as one 64² crop of every training image,
 * {@code StudentTrainer.stepsFor}; reproducible to the bit on
 * the CPU). Exactly one of the two is set.
 */
public record TrainingBudget(int epochs, double minutes) {

	/** The default: about 20 minutes, what a first training on 50 images of 256² should take on a laptop. */
	public static final TrainingBudget DEFAULT = ofMinutes(20);

	public TrainingBudget {
		if (epochs < 0) throw new IllegalArgumentException("Epochs must be at least 1, got " + epochs);
		if (!(minutes >= 0) || Double.isInfinite(minutes)) throw new IllegalArgumentException("The time budget must be a positive number of minutes, got " + minutes);
		if ((epochs > 0) == (minutes > 0)) throw new IllegalArgumentException("Give either a number of epochs or a time budget, not both");
	}

	public static TrainingBudget ofEpochs(int epochs) {
		if (epochs < 1) throw new IllegalArgumentException("Epochs must be at least 1, got " + epochs);
		return new TrainingBudget(epochs, 0);
	}

	public static TrainingBudget ofMinutes(double minutes) {
		if (!(minutes > 0) || Double.isInfinite(minutes)) throw new IllegalArgumentException("The time budget must be a positive number of minutes, got " + minutes);
		return new TrainingBudget(0, minutes);
	}

	public boolean timed() { return minutes > 0; }

	@Override
	public String toString() { return timed() ? minutes + " min" : epochs + " epochs"; }
}
