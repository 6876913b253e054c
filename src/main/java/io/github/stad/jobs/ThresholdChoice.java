package io.github.stad.jobs;

import io.github.stad.engine.model.AnomalyModel;

import java.util.Locale;

/** How a segmentation threshold is chosen: the model's default, a given value, or a target false-positive rate. */
public enum ThresholdChoice {
	MODEL, VALUE, FPR;

	/** The names used in dialogs and macros. */
	public static final String[] NAMES = { "model", "value", "fpr" };

	public static ThresholdChoice parse(String name) {
		String n = name == null ? "model" : name.trim().toLowerCase(Locale.ROOT);
		return switch (n) {
			case "", "model", "default", "model default" -> MODEL;
			case "value", "fixed", "fixed value" -> VALUE;
			case "fpr", "false-positive rate", "false positive rate" -> FPR;
			default -> throw new IllegalArgumentException("Unknown threshold mode '" + name + "'; use model, value or fpr");
		};
	}

	/** The threshold this choice gives for the model; value and fpr are only read by the mode that uses them. */
	public double resolve(AnomalyModel model, double value, double fpr) {
		return switch (this) {
			case MODEL -> model.threshold();
			case VALUE -> {
				if (!Double.isFinite(value)) throw new IllegalArgumentException("Give a finite threshold value (threshold_value), got " + value);
				yield value;
			}
			case FPR -> model.thresholdForFpr(fpr);
		};
	}
}
