package io.github.stad.fiji;

import ij.text.TextWindow;
import io.github.stad.engine.files.ModelBundle;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import java.io.File;
import java.util.Map;

/** Plugins › Anomaly Detection › Model Info…: a model file's settings, threshold and provenance, without loading its networks. */
@Plugin(type = Command.class, headless = true, menuPath = StadCommand.MENU + "Model Info...")
public class ModelInfoCommand extends StadCommand {

	@Parameter(label = "Model file", style = FileWidget.OPEN_STYLE, persist = false, description = "A model made by Train Model… (.zip).")
	private File model_file;

	@Parameter(type = ItemIO.OUTPUT, label = "Model information")
	private String info;

	@Override
	protected String title() { return "Model Info"; }

	@Override
	protected void execute() throws Exception {
		if (!given(model_file)) throw new IllegalArgumentException("Choose a model file (model_file)");
		StringBuilder text = new StringBuilder();
		for (Map.Entry<String, Object> e : ModelBundle.describe(model_file.toPath()).entrySet()) {
			if (e.getValue() instanceof Map<?, ?> m) {
				for (Map.Entry<?, ?> p : m.entrySet()) text.append(e.getKey()).append('.').append(p.getKey()).append('\t').append(p.getValue()).append('\n');
			} else {
				text.append(e.getKey()).append('\t').append(e.getValue()).append('\n');
			}
		}
		info = text.toString();
		if (hasGui()) new TextWindow("Model Info: " + model_file.getName(), "key\tvalue", info, 640, 480);
		else for (String line : info.split("\n")) log.info(title() + ": " + line.replace('\t', ' ').replaceFirst(" ", ": "));
	}
}
