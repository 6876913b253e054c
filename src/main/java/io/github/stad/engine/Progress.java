package io.github.stad.engine;

/**
 * How long-running engine work reports progress and learns that it should stop. Implementations
 * forward to a console, ImageJ's status bar or a SciJava task; {@link #NONE} ignores everything.
 */
public interface Progress {

	/** @param fraction overall completion in [0, 1], or a negative value when unknown */
	void update(String message, double fraction);

	/** Polled between steps; when true the engine stops with a {@link CancelledException}. */
	default boolean isCancelled() { return false; }

	/** Throws {@link CancelledException} if cancellation was requested. */
	default void checkCancelled() {
		if (isCancelled()) throw new CancelledException();
	}

	/** Plain log lines (warnings, summaries). */
	default void log(String message) {}

	/** The loss of one optimisation step of a training series ("p=17 student 1"), for live loss curves. */
	default void loss(String series, int step, float value) {}

	Progress NONE = (message, fraction) -> {};

	/** A view of this progress that maps [0,1] of a sub-task onto [from, to] of the whole. */
	default Progress range(double from, double to) {
		Progress outer = this;
		return new Progress() {
			@Override public void update(String message, double fraction) { outer.update(message, fraction < 0 ? -1 : from + (to - from) * fraction); }
			@Override public boolean isCancelled() { return outer.isCancelled(); }
			@Override public void log(String message) { outer.log(message); }
			@Override public void loss(String series, int step, float value) { outer.loss(series, step, value); }
		};
	}

	/** Thrown when the user cancelled; nothing was written. */
	final class CancelledException extends RuntimeException {
		public CancelledException() { super("Cancelled by the user; nothing was written."); }

		/** @param message what was kept, for work that saves what it finished (a batch's scores.csv) */
		public CancelledException(String message) { super(message); }
	}
}
