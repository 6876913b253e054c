package io.github.stad.fiji;

import io.github.stad.engine.model.AnomalyModel;
import io.github.stad.engine.model.MapMode;
import io.github.stad.jobs.ArgumentChecks;
import org.scijava.plugin.Parameter;
import org.scijava.widget.FileWidget;

import java.io.File;
import java.io.IOException;

/**
 * The commands that use a trained model share its parameters: the model file and where and in what
 * tiles it runs. (SciJava lists a superclass's parameters first, so these open every dialog.)
 */
public abstract class ModelCommand extends StadCommand {

	@Parameter(label = "Model file", style = FileWidget.OPEN_STYLE, persist = false, description = "A model made by Train Model… (.zip).")
	protected File model_file;

	@Parameter(label = "Use GPU", persist = false, description = "Use a CUDA GPU if DJL finds one; otherwise the CPU is used and the log says so.")
	protected boolean use_gpu;

	@Parameter(label = "Tile size", min = "" + ArgumentChecks.MIN_TILE, persist = false, description = "Large images are processed in tiles of this size to save memory.")
	protected int tile_size = 256;

	/** The map_mode choice that scores as the model was trained. */
	static final String AS_TRAINED = "model";

	/** The help of map_mode, the same wherever a command scores with a model (not every ModelCommand does, so each that does declares the field). */
	static final String MAP_MODE_HELP = "model: as the model was trained; exact: every pixel computed; strided: p = 33/65 on their 4/8-pixel grid, interpolated (several times faster).";

	/** A map_mode choice: null for {@link #AS_TRAINED}; a value the dialog cannot give (a macro's typo) says what to type. */
	protected static MapMode mapMode(String choice) {
		if (choice == null || choice.isBlank() || choice.strip().equalsIgnoreCase(AS_TRAINED)) return null;
		try {
			return MapMode.parse(choice);
		} catch (IllegalArgumentException e) {
			throw new IllegalArgumentException("map_mode: " + e.getMessage() + ", or model (as the model was trained)");
		}
	}

	/** The model of {@code model_file}, on the GPU when asked for and found. */
	protected AnomalyModel openModel() throws IOException {
		ArgumentChecks.FIJI.tile("tile", tile_size); // the rule of every front end and job
		return loadModel(model_file, use_gpu);
	}
}
