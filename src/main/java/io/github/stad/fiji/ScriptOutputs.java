package io.github.stad.fiji;

import org.scijava.Priority;
import org.scijava.command.CommandModule;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.process.AbstractPostprocessorPlugin;
import org.scijava.module.process.PostprocessorPlugin;
import org.scijava.plugin.Plugin;

/**
 * The outputs of the Anomaly Detection commands are for scripts: the command already showed what a
 * user should see. Marks them resolved before the display postprocessor would open a window for
 * each (tables, numbers), except the ImagePlus outputs that Fiji's legacy layer shows.
 */
@Plugin(type = PostprocessorPlugin.class, priority = Priority.VERY_HIGH)
public class ScriptOutputs extends AbstractPostprocessorPlugin {

	@Override
	public void process(Module module) {
		if (!(module instanceof CommandModule cm) || !(cm.getCommand() instanceof StadCommand command)) return;
		for (ModuleItem<?> item : module.getInfo().outputs()) {
			if (!command.leftForFiji(item)) module.resolveOutput(item.getName());
		}
	}
}
