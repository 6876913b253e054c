package io.github.stad.cli;

import io.github.stad.engine.Progress;

import java.io.PrintStream;

/** Progress on the console: at most one line every few seconds, plus every log line. */
final class ConsoleProgress implements Progress {

	private final PrintStream out;
	private long lastPrint;
	private String lastMessage = "";

	ConsoleProgress(PrintStream out) { this.out = out; }

	@Override
	public synchronized void update(String message, double fraction) {
		long now = System.nanoTime();
		if (now - lastPrint < 3_000_000_000L && fraction < 1) return;
		if (message.equals(lastMessage)) return;
		lastPrint = now;
		lastMessage = message;
		out.println(fraction >= 0 ? String.format("[%3.0f%%] %s", 100 * fraction, message) : "       " + message);
	}

	@Override
	public void log(String message) { out.println(message); }

	/** Ctrl-C asks the run to stop at its next step (see {@link Interrupts}). */
	@Override
	public boolean isCancelled() { return Interrupts.requested(); }
}
