package io.github.stad.fiji;

import io.github.stad.engine.model.AnomalyModel;
import io.github.stad.jobs.ThresholdChoice;
import org.scijava.plugin.Parameter;

/** The commands that outline regions share how the threshold is chosen and how small a region may be. */
public abstract class SegmentingCommand extends ModelCommand {

	@Parameter(label = "Threshold", choices = { "model", "value", "fpr" }, persist = false,
			description = "model: the model's default; value: the threshold value below; fpr: the score that the target fraction of normal pixels exceeds.")
	protected String threshold_mode = "model";

	@Parameter(label = "Threshold value", persist = false, description = "Used when the threshold is 'value'.")
	protected double threshold_value = 3;

	@Parameter(label = "Target false-positive rate", min = "0.000001", max = "0.5", persist = false, description = "Used when the threshold is 'fpr' (0.001 = 0.1 % of normal pixels).")
	protected double target_fpr = 0.01;

	@Parameter(label = "Minimum region size (pixels)", min = "1", persist = false, description = "Smaller regions are ignored.")
	protected int min_region_size = io.github.stad.engine.regions.Regions.DEFAULT_MIN_AREA;

	@Parameter(label = "Map mode", choices = { ModelCommand.AS_TRAINED, "exact", "strided" }, persist = false, description = ModelCommand.MAP_MODE_HELP)
	protected String map_mode = ModelCommand.AS_TRAINED;

	/** The threshold the parameters ask for; the mode is checked before the model is loaded. */
	protected ThresholdChoice thresholdChoice() {
		return ThresholdChoice.parse(threshold_mode);
	}

	protected double threshold(ThresholdChoice choice, AnomalyModel model) {
		return choice.resolve(model, threshold_value, target_fpr);
	}
}
