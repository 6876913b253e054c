package io.github.stad.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Every program in src/bench/java is run by a script in bench/ or ci/: none is left behind unused. */
class BenchProgramsTest {

	private static final Pattern MAIN = Pattern.compile("(?m)^\\s*public static void main\\(String");

	@Test
	void everyBenchProgramIsRunByAScript() throws IOException {
		List<String> programs = programs(Path.of("src/bench/java"));
		assertFalse(programs.isEmpty(), "no programs found: run from the repository root");
		String scripts = scripts(Path.of("bench")) + scripts(Path.of("ci"));
		List<String> unused = new ArrayList<>();
		for (String program : programs) if (!scripts.contains(program)) unused.add(program);
		assertEquals(List.of(), unused, "programs no script in bench/ or ci/ runs: give each a script, or delete it and keep its numbers in docs/experiments.md");
	}

	/** Fully qualified names of the classes with a main method. */
	private static List<String> programs(Path root) throws IOException {
		try (Stream<Path> files = Files.walk(root)) {
			List<String> names = new ArrayList<>();
			for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
				if (MAIN.matcher(Files.readString(f)).find()) {
					String relative = root.relativize(f).toString();
					names.add(relative.substring(0, relative.length() - ".java".length()).replace('/', '.'));
				}
			}
			return names;
		}
	}

	private static String scripts(Path folder) throws IOException {
		StringBuilder text = new StringBuilder();
		try (Stream<Path> files = Files.walk(folder)) {
			for (Path f : files.filter(p -> p.toString().endsWith(".sh")).sorted().toList()) text.append(Files.readString(f)).append('\n');
		}
		return text.toString();
	}
}
