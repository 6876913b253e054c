package io.github.stad.fiji.ij1;

import ij.IJ;
import ij.Macro;
import ij.plugin.frame.Recorder;
import ij.gui.GenericDialog;
import ij.macro.Interpreter;
import ij.plugin.PlugIn;
import io.github.stad.fiji.BatchDetectCommand;
import io.github.stad.fiji.DetectAnomaliesCommand;
import io.github.stad.fiji.EvaluateCommand;
import io.github.stad.fiji.MacroOptions;
import io.github.stad.fiji.ModelInfoCommand;
import io.github.stad.fiji.RefineModelCommand;
import io.github.stad.fiji.SegmentAnomaliesCommand;
import io.github.stad.fiji.StadCommand;
import io.github.stad.fiji.TrainModelCommand;
import io.github.stad.fiji.TrainTeacherCommand;
import org.scijava.Cancelable;
import org.scijava.Context;
import org.scijava.app.event.StatusEvent;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.event.EventHandler;
import org.scijava.event.EventService;
import org.scijava.log.LogLevel;
import org.scijava.log.LogService;
import org.scijava.log.StderrLogService;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.ModuleService;
import org.scijava.service.Service;
import org.scijava.widget.FileWidget;

import java.io.File;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the SciJava commands in plain ImageJ 1, so that the same macro lines work there:
 * {@code run("Detect Anomalies...", "model_file=... use_gpu=true")}. Registered by the plugins.config of a
 * separate jar (Anomaly_Detection.jar), so Fiji, which has the commands already, never sees it.
 * Reads the same snake_case keys from the macro options exactly as Fiji's legacy layer does (only
 * {@code key=value}: a checkbox is {@code key=true}, a bare word is not), or asks with a GenericDialog
 * whose labels are those keys. What it records is what ran: every input as {@code key=value}, including
 * a value the command itself chose (the live threshold of Segment Anomalies…).
 */
public class CommandBridge implements PlugIn {

	static final Map<String, Class<? extends StadCommand>> COMMANDS = new LinkedHashMap<>();
	static {
		COMMANDS.put("train", TrainModelCommand.class);
		COMMANDS.put("detect", DetectAnomaliesCommand.class);
		COMMANDS.put("segment", SegmentAnomaliesCommand.class);
		COMMANDS.put("batch", BatchDetectCommand.class);
		COMMANDS.put("evaluate", EvaluateCommand.class);
		COMMANDS.put("info", ModelInfoCommand.class);
		COMMANDS.put("teacher", TrainTeacherCommand.class);
		COMMANDS.put("refine", RefineModelCommand.class);
	}

	private static Context context;

	@Override
	public void run(String arg) {
		String options = Macro.getOptions();
		Class<? extends StadCommand> type = COMMANDS.get(arg);
		if (type == null) {
			IJ.log("Anomaly Detection: unknown command '" + arg + "' in plugins.config");
			return;
		}
		Context ctx = context();
		CommandInfo info = ctx.service(CommandService.class).getCommand(type);
		Map<String, Object> inputs;
		boolean wasRecording = Recorder.record, recording = options == null && wasRecording;
		Recorder.record = false; // ImageJ would record the dialog's checkboxes as bare words, which Fiji ignores: record below instead
		try {
			inputs = options != null ? fromOptions(info, options) : fromDialog(info);
			if (inputs == null) return; // dialog cancelled
			Module module = run(ctx, info, inputs); // a failed or cancelled command logs why and stops its macro itself
			if (recording && !(module instanceof Cancelable c && c.isCanceled())) {
				for (Map.Entry<String, String> e : recordedOptions(info, module).entrySet()) Recorder.recordOption(e.getKey(), e.getValue());
			}
		} catch (IllegalArgumentException e) {
			report(info.getTitle(), e.getMessage(), options != null);
		} finally {
			Recorder.record = wasRecording;
		}
	}

	/** The inputs of a command after it ran, as the key=value pairs a macro needs to repeat it (checkboxes as key=true/false). */
	public static Map<String, String> recordedOptions(CommandInfo info, Module module) {
		Map<String, String> out = new LinkedHashMap<>();
		for (ModuleItem<?> item : userInputs(info)) {
			Object v = module.getInput(item.getName());
			if (v == null) continue;
			String text = v instanceof File f ? f.getPath() : v instanceof Double d ? trim(d) : v.toString();
			if (text.isEmpty()) continue;
			out.put(item.getName(), text);
		}
		return out;
	}

	private static String trim(double d) {
		return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
	}

	/** Runs a command in this thread, as ImageJ 1 plugins run: a macro's batch-mode images stay visible to it. */
	public static Module run(Context ctx, CommandInfo info, Map<String, Object> inputs) {
		Module module = ctx.service(ModuleService.class).createModule(info); // also injects the services
		if (module == null) throw new IllegalStateException("Could not create " + info.getTitle() + " (see the Console)");
		for (Map.Entry<String, Object> e : inputs.entrySet()) {
			module.setInput(e.getKey(), e.getValue());
			module.resolveInput(e.getKey());
		}
		module.run();
		return module;
	}

	/** The inputs a user sets (not services or outputs). */
	public static List<ModuleItem<?>> userInputs(CommandInfo info) {
		List<ModuleItem<?>> items = new java.util.ArrayList<>();
		for (ModuleItem<?> item : info.inputs()) {
			Class<?> t = item.getType();
			if (Service.class.isAssignableFrom(t) || Context.class.isAssignableFrom(t)) continue;
			items.add(item);
		}
		return items;
	}

	/**
	 * Parses {@code key=value} macro options as Fiji's legacy layer does: a missing key keeps the command's
	 * default, a checkbox is true only as {@code key=true}. A bare checkbox word is accepted as a key (so
	 * older macros still run) but reads false; the command logs a warning about it.
	 */
	public static Map<String, Object> fromOptions(CommandInfo info, String options) {
		Map<String, Object> inputs = new LinkedHashMap<>();
		for (ModuleItem<?> item : userInputs(info)) {
			String key = item.getName();
			Class<?> t = item.getType();
			if (t == boolean.class || t == Boolean.class) {
				inputs.put(key, MacroOptions.booleanValue(options, key)); // as in Fiji: a bare word is not true (the command warns about it)
				continue;
			}
			String value = Macro.getValue(options, key, null);
			if (value == null) continue;
			inputs.put(key, convert(item, value));
		}
		for (String word : words(options)) {
			if (userInputs(info).stream().noneMatch(i -> i.getName().equals(word))) {
				throw new IllegalArgumentException("Unknown parameter '" + word + "'; " + info.getTitle() + " takes " + String.join(", ", userInputs(info).stream().map(ModuleItem::getName).toList()));
			}
		}
		return inputs;
	}

	/** The keys of an options string: words before '=' and bare checkbox words, skipping [bracketed] values. */
	static List<String> words(String options) {
		return MacroOptions.words(options);
	}

	static Object convert(ModuleItem<?> item, String value) {
		Class<?> t = item.getType();
		String v = value.trim();
		try {
			if (t == File.class) return v.isEmpty() ? null : new File(v);
			if (t == int.class || t == Integer.class) return (int) Math.round(Double.parseDouble(v));
			if (t == double.class || t == Double.class) return Double.parseDouble(v);
			if (t == float.class || t == Float.class) return Float.parseFloat(v);
			if (t == long.class || t == Long.class) return Math.round(Double.parseDouble(v));
		} catch (NumberFormatException e) {
			throw new IllegalArgumentException(item.getName() + " must be a number, got '" + value + "'");
		}
		if (t == String.class) {
			List<?> choices = item.getChoices();
			if (choices != null && !choices.isEmpty() && !choices.contains(v)) {
				throw new IllegalArgumentException(item.getName() + " must be one of " + choices + ", got '" + value + "'");
			}
			return v;
		}
		throw new IllegalArgumentException(item.getName() + " has a type (" + t.getSimpleName() + ") that macros cannot set");
	}

	/** A GenericDialog of the same keys; returns null when cancelled. */
	static Map<String, Object> fromDialog(CommandInfo info) {
		GenericDialog gd = new GenericDialog(info.getTitle());
		List<ModuleItem<?>> items = userInputs(info);
		for (ModuleItem<?> item : items) {
			String label = Character.toUpperCase(item.getName().charAt(0)) + item.getName().substring(1);
			Class<?> t = item.getType();
			Object d = item.getDefaultValue();
			if (t == File.class) {
				String path = d == null ? "" : d.toString();
				if (FileWidget.DIRECTORY_STYLE.equals(item.getWidgetStyle())) gd.addDirectoryField(label, path, 40);
				else gd.addFileField(label, path, 40);
			} else if (t == boolean.class || t == Boolean.class) {
				gd.addCheckbox(label, Boolean.TRUE.equals(d));
			} else if (t == String.class && item.getChoices() != null && !item.getChoices().isEmpty()) {
				String[] choices = item.getChoices().stream().map(Object::toString).toArray(String[]::new);
				gd.addChoice(label, choices, d == null ? choices[0] : d.toString());
			} else if (t == String.class) {
				gd.addStringField(label, d == null ? "" : d.toString(), 30);
			} else {
				double value = d instanceof Number n ? n.doubleValue() : 0;
				gd.addNumericField(label, value, t == int.class || t == long.class ? 0 : decimals(value));
			}
		}
		gd.addHelp("https://github.com/stad/student-teacher-anomaly-detection/blob/main/docs/macro-reference.md");
		gd.showDialog();
		if (gd.wasCanceled()) return null;
		Map<String, Object> inputs = new LinkedHashMap<>();
		for (ModuleItem<?> item : items) {
			Class<?> t = item.getType();
			if (t == File.class) {
				String s = gd.getNextString().trim();
				inputs.put(item.getName(), s.isEmpty() ? null : new File(s));
			} else if (t == boolean.class || t == Boolean.class) {
				inputs.put(item.getName(), gd.getNextBoolean());
			} else if (t == String.class && item.getChoices() != null && !item.getChoices().isEmpty()) {
				inputs.put(item.getName(), gd.getNextChoice());
			} else if (t == String.class) {
				inputs.put(item.getName(), gd.getNextString());
			} else {
				inputs.put(item.getName(), convert(item, Double.toString(gd.getNextNumber())));
			}
		}
		return inputs;
	}

	private static int decimals(double v) {
		for (int d = 1; d <= 6; d++) if (Math.abs(v * Math.pow(10, d) - Math.round(v * Math.pow(10, d))) < 1e-9) return Math.max(d, 2);
		return 6;
	}

	private static void report(String title, String message, boolean macro) {
		IJ.log(title + ": ERROR: " + message);
		if (macro) Interpreter.abort();
		else IJ.error(title, message);
	}

	/** One SciJava context for the session: the plugin index is read from this jar's class loader, DJL starts once. */
	static synchronized Context context() {
		if (context == null) {
			Thread t = Thread.currentThread();
			ClassLoader old = t.getContextClassLoader();
			t.setContextClassLoader(CommandBridge.class.getClassLoader());
			try {
				context = new Context();
			} finally {
				t.setContextClassLoader(old);
			}
			context.service(EventService.class).subscribe(new StatusForwarder());
			LogService log = context.service(LogService.class);
			if (log instanceof StderrLogService console) console.setPrintStreams(level -> level <= LogLevel.INFO ? NOWHERE : System.err); // once, in the Log
			log.addLogListener(message -> {
				if (message.level() <= LogLevel.INFO) {
					String prefix = message.level() == LogLevel.ERROR ? "ERROR: " : message.level() == LogLevel.WARN ? "WARNING: " : "";
					IJ.log(prefix + message.text());
				}
			});
		}
		return context;
	}

	/** Where the console copy of a line that ImageJ's Log (or, in -batch, standard output) already has goes. */
	private static final java.io.PrintStream NOWHERE = new java.io.PrintStream(java.io.OutputStream.nullOutputStream());

	/** ImageJ 1 has no SciJava status bar: forward status and progress to its own. */
	public static final class StatusForwarder {
		@EventHandler
		public void onStatus(StatusEvent e) {
			if (e.getStatusMessage() != null) IJ.showStatus(e.getStatusMessage());
			if (e.getProgressMaximum() > 0) IJ.showProgress(e.getProgressValue(), e.getProgressMaximum());
			else if (e.getProgressValue() == 0) IJ.showProgress(1.0);
		}
	}
}
