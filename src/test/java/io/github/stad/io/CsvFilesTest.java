package io.github.stad.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

class CsvFilesTest {

	@TempDir
	Path dir;

	@Test
	void readsBackWhatItWrote() throws IOException {
		List<String[]> rows = List.of(
				new String[] { "image", "note" },
				new String[] { "a,b.tif", "say \"hi\"" },
				new String[] { "two\nlines", "" },
				new String[] { " padded", "x\r\ny" });
		Path csv = dir.resolve("t.csv");
		CsvFiles.write(rows, csv);
		List<String[]> back = CsvFiles.read(csv);
		assertEquals(rows.size(), back.size());
		for (int i = 0; i < rows.size(); i++) assertArrayEquals(rows.get(i), back.get(i), "row " + i);
	}

	@Test
	void rowsKnowTheLineTheyStartOnAndWhetherTheyAreBlank() throws IOException {
		Path csv = Files.writeString(dir.resolve("s.csv"), "\uFEFFimage,split\r\n\"a\nb.png\",train\n  \nc.png,val\rd.png,test", StandardCharsets.UTF_8);
		List<CsvFiles.Row> rows = CsvFiles.readRows(csv);
		assertEquals(List.of(1, 2, 4, 5, 6), rows.stream().map(CsvFiles.Row::line).toList());
		assertEquals(List.of("image", "split"), rows.get(0).cells(), "the byte-order mark is dropped");
		assertEquals(List.of("a\nb.png", "train"), rows.get(1).cells());
		assertEquals(List.of(false, false, true, false, false), rows.stream().map(CsvFiles.Row::blank).toList());
		assertEquals(List.of("d.png", "test"), rows.get(4).cells(), "a last line without a line break is a row");
	}

	@Test
	void anUnclosedQuoteNamesItsLine() throws IOException {
		Path csv = Files.writeString(dir.resolve("half.csv"), "image,split\n\"a.png,train\nb.png,train\n", StandardCharsets.UTF_8);
		String message = assertThrows(CsvFiles.FormatException.class, () -> CsvFiles.readRows(csv)).getMessage();
		assertTrue(message.contains("half.csv line 2") && message.contains("never closed"), message);
	}
}
