package io.github.stad.fiji;

import ij.IJ;
import org.scijava.command.CommandModule;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.process.AbstractPreprocessorPlugin;
import org.scijava.module.process.PreprocessorPlugin;
import org.scijava.plugin.Plugin;

import java.io.File;

/**
 * An optional file that a macro or a headless run leaves out means "none". Without this, SciJava's file
 * preprocessor steps in whenever such a file is the only input left unset (a macro that writes every
 * other key, as the recorder does, e.g. Segment Anomalies… on the active image): it opens a file chooser
 * in the middle of a macro, and headless it cancels the command without a word. Runs after Fiji's macro
 * options are read and before that file preprocessor (priority -9999.5); a person at the menu still gets
 * the command's dialog.
 */
@Plugin(type = PreprocessorPlugin.class, priority = -9999.25)
public class OptionalFiles extends AbstractPreprocessorPlugin {

	@Override
	public void process(Module module) {
		if (!(module instanceof CommandModule cm) || !(cm.getCommand() instanceof StadCommand)) return;
		if (StadCommand.hasGui() && !IJ.isMacro()) return; // the dialog asks for them
		for (ModuleItem<?> item : module.getInfo().inputs()) {
			if (File.class.equals(item.getType()) && !item.isRequired() && !module.isInputResolved(item.getName())) module.resolveInput(item.getName());
		}
	}
}
