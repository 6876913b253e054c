package io.github.stad.cli;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ctrl-C (SIGINT) is a cancellation, exit code 3 as for every cancelled run, not the JVM's 130: the first
 * asks the run to stop at its next step (a batch still writes the rows of the images it finished), the
 * second, or a run that does not stop within {@link #GRACE_MILLIS}, exits at once. Either way the shutdown
 * hooks run, so output locks are released.
 */
final class Interrupts {

	static final int CANCELLED = 3;
	static final long GRACE_MILLIS = 20_000;
	private static final AtomicInteger COUNT = new AtomicInteger();

	private Interrupts() {}

	static boolean requested() { return COUNT.get() > 0; }

	/** Installs the handler; where this JVM offers no signal handling, Ctrl-C keeps its default. */
	static void install(PrintStream err) {
		try {
			sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> onInterrupt(err));
		} catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
			// no SIGINT handling here: the default exit stays
		}
	}

	private static void onInterrupt(PrintStream err) {
		if (COUNT.incrementAndGet() > 1) exitNow(err);
		err.println("stad: cancelling after the current step (Ctrl-C again to stop at once)");
		Thread watchdog = new Thread(() -> {
			try {
				Thread.sleep(GRACE_MILLIS);
			} catch (InterruptedException e) {
				return;
			}
			exitNow(err);
		}, "stad-cancel-watchdog");
		watchdog.setDaemon(true);
		watchdog.start();
	}

	private static void exitNow(PrintStream err) {
		err.println("stad: cancelled");
		System.exit(CANCELLED);
	}
}
