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
 * user should see ({@link StadCommand#showResult}, {@link Tables}). Marks them resolved before the
 * display postprocessor would open a window for each (tables, numbers) or, in Fiji, the legacy layer
 * would show the anomaly map a second time, on its own thread, where a macro does not find it.
 */
@Plugin(type = PostprocessorPlugin.class, priority = Priority.VERY_HIGH)
public class ScriptOutputs extends AbstractPostprocessorPlugin {

	@Override
	public void process(Module module) {
		if (!(module instanceof CommandModule cm) || !(cm.getCommand() instanceof StadCommand)) return;
		for (ModuleItem<?> item : module.getInfo().outputs()) module.resolveOutput(item.getName());
	}
}
