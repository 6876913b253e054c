package io.github.stad.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.github.stad.engine.files.OutputLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Ctrl-C on a real `stad train` process: exit code 3 (cancelled, as the README says), no model, no lock left. */
class InterruptTest {

	@Test
	void ctrlCDuringTrainingExitsWithThreeAndLeavesNothing(@TempDir Path dir) throws Exception {
		org.junit.jupiter.api.Assumptions.assumeFalse(System.getProperty("os.name").startsWith("Windows"), "SIGINT is a POSIX signal");
		Path out = dir.resolve("model.zip");
		List<String> args = new ArrayList<>(Arrays.asList(MainTest.tinyTraining(MainTest.SAMPLES.resolve("normal").toString(),
				MainTest.SAMPLES.resolve("validation").toString(), out)));
		args.set(args.indexOf("--epochs") + 1, "100000"); // far longer than the test waits
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g", "-Dai.djl.offline=true",
				"-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
		command.addAll(args);
		Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
		StringBuilder seen = new StringBuilder();
		try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
			for (String line; (line = r.readLine()) != null;) {
				seen.append(line).append('\n');
				if (line.contains("student")) break; // the students are training
			}
			assertTrue(p.isAlive(), seen.toString());
			assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor());
			for (String line; (line = r.readLine()) != null;) seen.append(line).append('\n');
		}
		assertTrue(p.waitFor(90, TimeUnit.SECONDS), seen.toString());
		assertEquals(3, p.exitValue(), seen.toString());
		assertTrue(seen.toString().contains("stad: Cancelled"), seen.toString());
		assertFalse(Files.exists(out), "no model from a cancelled training");
		assertFalse(Files.exists(OutputLock.fileFor(out)), "its lock is released");
	}
}
