package io.github.stad.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks every job makes before writing: an output never replaces a file the job reads. */
final class OutputGuard {

	private OutputGuard() {}

	static void refuseOverwrite(Path output, Path input) throws IOException {
		if (Files.exists(output) && Files.exists(input) && Files.isSameFile(output, input)) {
			throw new IllegalArgumentException(output + " is one of the input images; choose another output file");
		}
	}
}
