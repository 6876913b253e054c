package io.github.stad.engine.files;

import java.io.IOException;

/**
 * An output could not be written (disk full, permission, a file in the way) after the work that made it:
 * an error of the run, never a warning. The command line exits with its own code for it
 * ({@code 4}), distinct from bad arguments ({@code 2}) and bad input ({@code 1}).
 */
public class WriteFailedException extends IOException {

	public WriteFailedException(String message, Throwable cause) {
		super(message, cause);
	}
}
