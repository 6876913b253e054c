package io.github.stad.fiji;

import ij.IJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.macro.Interpreter;
import io.github.stad.engine.Progress;
import io.github.stad.engine.files.ModelBundle;
import io.github.stad.engine.model.AnomalyModel;
import io.github.stad.engine.net.Djl;
import org.scijava.app.StatusService;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.thread.ThreadService;
import org.scijava.plugin.Parameter;

import java.awt.GraphicsEnvironment;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * What every Anomaly Detection command shares: one error report (a dialog in the GUI, one log line
 * in macros and headless), status-bar progress, Esc to cancel, a warning for bare checkbox words in
 * macro options, and outputs that scripts read but Fiji does not pop up as extra windows
 * ({@link ScriptOutputs}). Subclasses only translate parameters and show results.
 * <p>
 * A plain {@link ContextCommand}, not a {@code DynamicCommand}: the command service hands back a
 * future only for commands it wraps itself, and Fiji's {@code --headless --run} waits on that future.
 */
public abstract class StadCommand extends ContextCommand {

	public static final String MENU = "Plugins>Anomaly Detection>";

	@Parameter
	protected LogService log;

	@Parameter
	protected StatusService status;

	@Parameter(required = false)
	private ThreadService threads;

	/** The command's work; throw with a message that says what to do. */
	protected abstract void execute() throws Exception;

	/** Title for dialogs and log lines. */
	protected abstract String title();

	@Override
	public final void run() {
		IJ.resetEscape();
		warnAboutBareCheckboxWords();
		try {
			execute();
		} catch (Progress.CancelledException e) {
			log.info(title() + ": " + e.getMessage());
			status.showStatus(title() + ": cancelled");
			cancel(e.getMessage());
			stopMacro();
		} catch (Exception | OutOfMemoryError e) {
			fail(message(e));
			if (!expected(e)) log.debug(title() + ": stack trace of the unexpected error", e); // for bug reports, never instead of the message
		} finally {
			status.showProgress(0, 0);
		}
	}

	/** Fiji ignores a bare {@code use_gpu}: say so in the log, in Fiji and in ImageJ 1 alike. */
	private void warnAboutBareCheckboxWords() {
		String warning = MacroOptions.bareWordWarning(MacroOptions.current(threads), MacroOptions.booleanParameters(getClass()));
		if (warning != null) log.warn(title() + ": " + warning);
	}

	/**
	 * Shows a result image so that a macro reads it next, as ImageJ 1 commands do: in a macro in batch mode
	 * (always so in Fiji headless) it joins the macro's images and becomes the current image of the macro's
	 * thread, which is not this one in Fiji (the command runs on a SciJava thread); otherwise it opens in a
	 * window where there is a GUI.
	 */
	protected void showResult(ImagePlus imp) {
		if (Interpreter.isBatchMode() && IJ.isMacro()) {
			imp.show(); // batch mode: no window; registered as the newest batch-mode image, current for this thread
			Thread macro = MacroOptions.macroThread(threads);
			if (macro != null && macro != Thread.currentThread()) WindowManager.setTempCurrentImage(macro, imp);
		} else if (canShow()) {
			imp.show();
		}
	}

	/** Reports a failure once, marks the command cancelled so that callers can tell, and stops a calling macro. */
	protected void fail(String message) {
		log.error(title() + ": " + message);
		status.showStatus(title() + " failed");
		if (isInteractive()) IJ.error(title(), message);
		cancel(message);
		stopMacro();
	}

	/**
	 * A failed or cancelled step must not let its macro go on with a missing result (Fiji's legacy layer
	 * returns to the macro as if the command had worked). Aborting makes the macro end where it failed, so
	 * its last lines, such as a final "OK", never run.
	 */
	static void stopMacro() {
		if (Interpreter.getInstance() != null) Interpreter.abort();
	}

	static String message(Throwable e) {
		if (e instanceof OutOfMemoryError) {
			return "Out of memory. Give ImageJ more memory (Edit > Options > Memory & Threads), or use a smaller tile_size or smaller images.";
		}
		if (e instanceof NoSuchFileException n) return n.getReason() != null ? n.getReason() : "File not found: " + n.getFile();
		if (e instanceof UncheckedIOException u) return message(u.getCause());
		String m = e.getMessage();
		if (m == null || m.isBlank()) m = e.getClass().getSimpleName();
		if (!expected(e)) {
			m = "Unexpected " + e.getClass().getSimpleName() + ": " + m; // a bug rather than bad input: say so
		}
		return m.replace('\n', ' ');
	}

	/** Bad input or a file problem, as opposed to a bug. */
	private static boolean expected(Throwable e) {
		return e instanceof IOException || e instanceof UncheckedIOException || e instanceof IllegalArgumentException || e instanceof IllegalStateException
				|| e instanceof OutOfMemoryError;
	}

	/** A person at a GUI, not a macro, a script in batch mode or a headless JVM: errors get a dialog. */
	static boolean isInteractive() {
		return hasGui() && !IJ.isMacro();
	}

	/** ImageJ's window is up and windows are shown (also while a macro runs, unless in batch mode). */
	static boolean hasGui() {
		return !GraphicsEnvironment.isHeadless() && IJ.getInstance() != null && !Interpreter.isBatchMode();
	}

	/** Whether showing an image or table means something: a GUI, or a macro in batch mode that reads it back. */
	static boolean canShow() {
		return !GraphicsEnvironment.isHeadless() && (IJ.getInstance() != null || Interpreter.isBatchMode());
	}

	/** Progress on the status bar and log; cancelled by Esc, by cancelling the command, or by interrupting its thread. */
	protected Progress progress() {
		return new Progress() {
			private long last;

			@Override
			public void update(String message, double fraction) {
				long now = System.nanoTime();
				if (now - last < 100_000_000L && fraction < 1) return; // the status bar needs no more than 10 updates a second
				last = now;
				if (fraction < 0) status.showStatus(message);
				else status.showStatus((int) Math.round(fraction * 1000), 1000, message);
			}

			@Override
			public boolean isCancelled() {
				return isCanceled() || IJ.escapePressed() || Thread.currentThread().isInterrupted();
			}

			@Override
			public void log(String message) {
				if (message.startsWith("WARNING: ")) log.warn(title() + ": " + message.substring("WARNING: ".length()));
				else log.info(title() + ": " + message);
			}
		};
	}

	/** The image to work on: the given file, or else the active image. */
	protected static ImagePlus imageOrActive(File file, String parameter) throws IOException {
		if (file != null && !file.getPath().isBlank()) {
			Path p = file.toPath();
			if (!p.toFile().isFile()) throw new NoSuchFileException(p.toAbsolutePath().toString(), null, "Image file not found: " + p.toAbsolutePath());
			ij.io.Opener opener = new ij.io.Opener();
			opener.setSilentMode(true);
			ImagePlus imp = opener.openImage(p.toAbsolutePath().toString());
			if (imp == null) throw new IOException(p.getFileName() + " could not be opened as an image (" + p.toAbsolutePath() + "); save it as TIFF or PNG");
			return imp;
		}
		ImagePlus imp = WindowManager.getCurrentImage();
		if (imp == null) throw new IllegalArgumentException("No image is open: open one, or give " + parameter + " (needed in headless mode)");
		return imp;
	}

	/** Loads a model, saying which device it will compute on. */
	protected AnomalyModel loadModel(File file, boolean useGpu) throws IOException {
		if (file == null || file.getPath().isBlank()) throw new IllegalArgumentException("Choose a model file (model_file), made by Train Model…");
		status.showStatus("Loading " + file.getName());
		AnomalyModel model = ModelBundle.load(file.toPath(), useGpu); // starts DJL once, under the plugin's class loader
		String note = Djl.deviceNote(useGpu);
		if (useGpu && note.contains("falling back")) log.warn(title() + ": " + note);
		else log.info(title() + ": " + note);
		return model;
	}

	static boolean given(File f) {
		return f != null && !f.getPath().isBlank();
	}

	/** Shows an image where that makes sense (GUI, or a macro in batch mode, which keeps it for the macro). */
	static void show(ImagePlus imp) {
		if (canShow()) imp.show();
	}
}
