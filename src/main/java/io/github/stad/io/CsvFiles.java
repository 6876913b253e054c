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
		return readRows(file).stream().map(row -> row.cells().toArray(String[]::new)).toList();
	}

	/** One row of a CSV file: its cells, the line it starts on (1-based, for messages), and whether its text is only white space. */
	public record Row(int line, List<String> cells, boolean blank) {}

	/** A CSV file that cannot be parsed, with the line to fix. */
	public static final class FormatException extends IOException {
		FormatException(String message) {
			super(message);
		}
	}

	/**
	 * Reads a CSV file row by row: RFC 4180 quoting (quoted cells may hold commas, doubled quotes and line
	 * breaks), rows end at \n, \r\n or \r, a leading byte-order mark is dropped, a blank line is a row of one cell.
	 */
	public static List<Row> readRows(Path file) throws IOException {
		String text = Files.readString(file, StandardCharsets.UTF_8);
		List<Row> rows = new ArrayList<>();
		List<String> cells = new ArrayList<>();
		StringBuilder cell = new StringBuilder();
		boolean quoted = false, blank = true;
		int line = 1, rowLine = 1;
		for (int i = text.startsWith("\uFEFF") ? 1 : 0; i < text.length(); i++) {
			char c = text.charAt(i);
			boolean lineBreak = c == '\n' || (c == '\r' && (i + 1 == text.length() || text.charAt(i + 1) != '\n'));
			if (quoted) {
				if (c != '"') cell.append(c);
				else if (i + 1 < text.length() && text.charAt(i + 1) == '"') cell.append(text.charAt(++i));
				else quoted = false;
			} else if (lineBreak) {
				cells.add(cell.toString());
				rows.add(new Row(rowLine, List.copyOf(cells), blank));
				cells.clear();
				cell.setLength(0);
				blank = true;
				rowLine = line + 1;
			} else if (c == '"') {
				quoted = true;
			} else if (c == ',') {
				cells.add(cell.toString());
				cell.setLength(0);
			} else if (c != '\r') {
				cell.append(c);
			}
			if (!Character.isWhitespace(c)) blank = false;
			if (lineBreak) line++;
		}
		if (quoted) {
			throw new FormatException(file + " line " + rowLine + ": a quoted cell is never closed (a half-written file?). Close it with a \" or remove the quote.");
		}
		if (cell.length() > 0 || !cells.isEmpty()) {
			cells.add(cell.toString());
			rows.add(new Row(rowLine, List.copyOf(cells), blank));
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
