package io.github.stad.io;

import io.github.stad.engine.files.AtomicFiles;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** CSV tables as spreadsheets and scripts read them. */
public final class CsvFiles {

	private CsvFiles() {}

	/** Saves rows as UTF-8 CSV (RFC 4180 quoting: fields with commas, quotes, line breaks or edge spaces are quoted). */
	public static void write(List<String[]> rows, Path target) throws IOException {
		AtomicFiles.write(target, temp -> {
			try (BufferedWriter out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
				for (String[] row : rows) {
					for (int i = 0; i < row.length; i++) {
						if (i > 0) out.write(',');
						out.write(csvField(row[i]));
					}
					out.write('\n');
				}
			}
		});
	}

	static String csvField(String s) {
		if (s == null) return "";
		boolean quote = s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0
				|| (!s.isEmpty() && (Character.isWhitespace(s.charAt(0)) || Character.isWhitespace(s.charAt(s.length() - 1))));
		return quote ? '"' + s.replace("\"", "\"\"") + '"' : s;
	}
}
