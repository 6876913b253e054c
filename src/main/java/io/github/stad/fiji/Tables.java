package io.github.stad.fiji;

import ij.measure.ResultsTable;

import java.awt.GraphicsEnvironment;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The result tables of the commands, by title, for macros everywhere. With a display they open as
 * ImageJ tables that {@code Table.get(column, row, title)} reads; headless, ImageJ 1 keeps no named
 * tables at all ({@code ResultsTable.show} returns at once there, and {@code Table.*} finds tables only
 * through their windows), so a macro reads the same values with
 * {@code call("io.github.stad.fiji.Tables.get", title, column, row)}, which works in every mode.
 */
public final class Tables {

	private static final Map<String, ResultsTable> LATEST = new ConcurrentHashMap<>();

	private Tables() {}

	/** Keeps a command's table as the latest of its title and opens it where tables can be shown. */
	static void publish(ResultsTable table, String title) {
		LATEST.put(title, table);
		if (StadCommand.canShow()) table.show(title);
	}

	/** A cell of the latest table of this title: a number in full precision, or the text; for {@code call()} in macros. */
	public static String get(String title, String column, String row) {
		ResultsTable t = table(title);
		int r = parseRow(row, t, title);
		if (!t.columnExists(column)) throw new IllegalArgumentException("The \"" + title + "\" table has no column \"" + column + "\"; it has " + String.join(", ", t.getHeadings()));
		double v = t.getValue(column, r);
		return Double.isNaN(v) ? t.getStringValue(column, r) : Double.toString(v);
	}

	/** The number of rows of the latest table of this title, for {@code call()} in macros. */
	public static String size(String title) {
		return Integer.toString(table(title).size());
	}

	private static ResultsTable table(String title) {
		ResultsTable t = LATEST.get(title);
		if (t == null) {
			throw new IllegalArgumentException("No \"" + title + "\" table yet: run the command that makes it first"
					+ (GraphicsEnvironment.isHeadless() ? "" : " (or read the table window with Table.get)"));
		}
		return t;
	}

	private static int parseRow(String row, ResultsTable t, String title) {
		int r;
		try {
			r = (int) Math.round(Double.parseDouble(row.trim()));
		} catch (NumberFormatException e) {
			throw new IllegalArgumentException("The row must be a number from 0, got '" + row + "'");
		}
		if (r < 0 || r >= t.size()) throw new IllegalArgumentException("Row " + r + " is outside the \"" + title + "\" table (" + t.size() + " row(s), counted from 0)");
		return r;
	}
}
