package io.github.stad.engine;

import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A progress that adds to each message how long the rest will take, from the time spent so far and
 * the fraction done (so the rate is measured on this machine, in this run). Says nothing until a
 * little is done, when the guess would be noise.
 */
public final class TimeLeft implements Progress {

	/** Before this fraction and this much time, no guess is shown. */
	static final double MIN_FRACTION = 0.005;
	static final double MIN_SECONDS = 2;

	private final Progress inner;
	private final LongSupplier nanoClock;
	private final long start;

	/** @param nanoClock nanoseconds, e.g. {@code System::nanoTime} */
	public TimeLeft(Progress inner, LongSupplier nanoClock) {
		this.inner = inner;
		this.nanoClock = nanoClock;
		this.start = nanoClock.getAsLong();
	}

	/** Seconds since this progress was made. */
	public double elapsedSeconds() { return (nanoClock.getAsLong() - start) / 1e9; }

	/** The seconds the rest takes at the rate so far; NaN while too little is done to tell. */
	public double secondsLeft(double fraction) {
		double elapsed = elapsedSeconds();
		if (!(fraction >= MIN_FRACTION && fraction < 1) || elapsed < MIN_SECONDS) return Double.NaN;
		return elapsed / fraction * (1 - fraction);
	}

	@Override
	public void update(String message, double fraction) {
		double left = secondsLeft(fraction);
		inner.update(Double.isNaN(left) ? message : message + " · about " + duration(left) + " left", fraction);
	}

	@Override public boolean isCancelled() { return inner.isCancelled(); }
	@Override public void log(String message) { inner.log(message); }
	@Override public void loss(String series, int step, float value) { inner.loss(series, step, value); }

	/** A duration as a person reads it: "40 s", "3 min", "2 h 05 min". */
	public static String duration(double seconds) {
		long s = Math.round(seconds);
		if (s < 60) return s + " s";
		long minutes = Math.round(seconds / 60);
		if (minutes < 60) return minutes + " min";
		return String.format(Locale.ROOT, "%d h %02d min", minutes / 60, minutes % 60);
	}
}
