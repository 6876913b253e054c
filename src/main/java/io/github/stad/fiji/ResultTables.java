package io.github.stad.fiji;

import ij.measure.ResultsTable;
import io.github.stad.jobs.ResultRows;

import java.util.List;

/** Result rows as ImageJ results tables: numbers stay numbers, flags read yes/no, empty cells stay empty. */
final class ResultTables {

	private ResultTables() {}

	static <R> ResultsTable of(List<ResultRows.Column<R>> columns, List<R> rows) {
		ResultsTable rt = new ResultsTable();
		rt.showRowNumbers(false);
		for (R row : rows) {
			rt.incrementCounter();
			for (ResultRows.Column<R> c : columns) {
				Object v = c.value().apply(row);
				if (v instanceof Number n) rt.addValue(c.name(), n.doubleValue());
				else if (v instanceof Boolean b) rt.addValue(c.name(), b ? "yes" : "no");
				else rt.addValue(c.name(), v == null ? "" : v.toString());
			}
		}
		return rt;
	}
}
