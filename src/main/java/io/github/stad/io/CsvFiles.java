package io.github.stad.io;

import io.github.stad.engine.files.AtomicFiles;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

	/** Reads what {@link #write} wrote, cell for cell (quoted fields may hold commas, quotes and line breaks). */
	public static List<String[]> read(Path file) throws IOException {
		String text = Files.readString(file, StandardCharsets.UTF_8);
		List<String[]> rows = new ArrayList<>();
		List<String> row = new ArrayList<>();
		StringBuilder cell = new StringBuilder();
		boolean quoted = false;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (quoted) {
				if (c != '"') cell.append(c);
				else if (i + 1 < text.length() && text.charAt(i + 1) == '"') cell.append(text.charAt(++i));
				else quoted = false;
			} else if (c == '"') {
				quoted = true;
			} else if (c == ',') {
				row.add(cell.toString());
				cell.setLength(0);
			} else if (c == '\n') {
				row.add(cell.toString());
				cell.setLength(0);
				rows.add(row.toArray(String[]::new));
				row.clear();
			} else if (c != '\r') {
				cell.append(c);
			}
		}
		if (quoted) throw new IOException(file + " ends inside a quoted field (a half-written file?)");
		if (cell.length() > 0 || !row.isEmpty()) {
			row.add(cell.toString());
			rows.add(row.toArray(String[]::new));
		}
		return rows;
	}

	static String csvField(String s) {
		if (s == null) return "";
		boolean quote = s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0
				|| (!s.isEmpty() && (Character.isWhitespace(s.charAt(0)) || Character.isWhitespace(s.charAt(s.length() - 1))));
		return quote ? '"' + s.replace("\"", "\"\"") + '"' : s;
	}
}
