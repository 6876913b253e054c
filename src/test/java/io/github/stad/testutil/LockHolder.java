package io.github.stad.testutil;

import io.github.stad.engine.files.OutputLock;

import java.nio.file.Path;

/** A second real process for the concurrency tests: takes the lock of an output, says so, and holds it until its input closes. */
public final class LockHolder {

	private LockHolder() {}

	public static void main(String[] args) throws Exception {
		try (OutputLock lock = OutputLock.acquire(Path.of(args[0]), "the test output", System.out::println)) {
			System.out.println("locked");
			System.out.flush();
			while (System.in.read() >= 0) {
				// hold until the test closes our input (or kills us)
			}
		}
	}

	/** Starts a holder JVM on the test class path and waits until it holds the lock. */
	public static Process start(Path output) throws java.io.IOException {
		String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process p = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), output.toString())
				.redirectErrorStream(true).start();
		java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
		String line = r.readLine();
		if (!"locked".equals(line)) {
			p.destroyForcibly();
			throw new IllegalStateException("the lock holder did not start: " + line);
		}
		return p;
	}
}
