package io.github.stad.jobs;

import static org.junit.jupiter.api.Assertions.*;

import io.github.stad.io.ImageEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Shard files and their merge, on rows made up here (the real scoring is in cli.ShardedScoreTest). */
class ScoreShardsTest {

	static final Map<String, String> SETTINGS = Map.of("threshold", "2.5", "min_area", "10");

	static List<ImageEntry> inputs(int n) {
		List<ImageEntry> list = new ArrayList<>();
		for (int i = 0; i < n; i++) list.add(new ImageEntry(Path.of("/in", i % 2 == 0 ? "good" : "bad", "img" + i + ".png"), i % 2 == 0 ? "good" : "bad"));
		return list;
	}

	/** One row per input, including a failure whose message needs CSV quoting. */
	static List<ResultRows.ImageRow> rows(List<ImageEntry> inputs) {
		List<ResultRows.ImageRow> rows = new ArrayList<>();
		for (int i = 0; i < inputs.size(); i++) {
			String label = BatchDetectJob.label(inputs.get(i));
			rows.add(i == 3 ? ResultRows.ImageRow.failed(label, 2.5, "not a readable image: \"x\", line 1\nline 2")
					: new ResultRows.ImageRow(label, 0.5f + i, 2.5, i % 3 == 0, i % 3, 7, "", false));
		}
		return rows;
	}

	static void writeShards(Path dir, List<ImageEntry> inputs, int n, int... only) throws IOException {
		List<ResultRows.ImageRow> all = rows(inputs);
		for (int k = 1; k <= n; k++) {
			final int kk = k;
			if (only.length > 0 && java.util.Arrays.stream(only).noneMatch(x -> x == kk)) continue;
			Shard s = new Shard(k, n);
			List<Integer> positions = s.select(inputs);
			ScoreShards.writeShard(dir, s, inputs.size(), Shard.inputChecksum(inputs), SETTINGS, positions, positions.stream().map(all::get).toList());
		}
	}

	@Test
	void theMergeIsTheUnshardedCsvByteForByte(@TempDir Path dir) throws IOException {
		List<ImageEntry> in = inputs(11);
		Path single = dir.resolve("single.csv");
		List<ResultRows.ImageRow> sorted = new ArrayList<>(rows(in));
		sorted.sort(ResultRows.BY_SCORE); // as an unsharded run writes them
		ResultRows.writeCsv(ResultRows.SCORES, sorted, single);
		for (int n : new int[] { 1, 3, 4, 11, 13 }) {
			Path d = Files.createDirectories(dir.resolve("n" + n));
			writeShards(d, in, n);
			ScoreShards.Merged m = ScoreShards.merge(d, 0);
			assertEquals(11, m.images());
			assertEquals(n, m.shards());
			assertArrayEquals(Files.readAllBytes(single), Files.readAllBytes(m.scoresCsv()), "N = " + n);
		}
	}

	@Test
	void aMissingOrUnfinishedShardIsNamed(@TempDir Path dir) throws IOException {
		List<ImageEntry> in = inputs(7);
		writeShards(dir, in, 3, 1, 3);
		ScoreShards.IncompleteException e = assertThrows(ScoreShards.IncompleteException.class, () -> ScoreShards.merge(dir, 3));
		assertEquals(List.of(2), e.resubmit());
		assertTrue(e.getMessage().contains("shard 2/3: missing") && e.getMessage().contains("--array=2"), e.getMessage());
		assertFalse(Files.exists(dir.resolve("scores.csv")), "no merge from an incomplete set");

		// the task died after its CSV, before its marker
		writeShards(dir, in, 3, 2);
		Files.delete(ScoreShards.doneFile(dir, new Shard(2, 3)));
		e = assertThrows(ScoreShards.IncompleteException.class, () -> ScoreShards.merge(dir, 0));
		assertTrue(e.getMessage().contains("shard 2/3: not finished"), e.getMessage());

		// a CSV cut short or edited after its marker was written
		writeShards(dir, in, 3, 2);
		Path csv = ScoreShards.csvFile(dir, new Shard(3, 3));
		byte[] bytes = Files.readAllBytes(csv);
		Files.write(csv, java.util.Arrays.copyOf(bytes, bytes.length - 5));
		e = assertThrows(ScoreShards.IncompleteException.class, () -> ScoreShards.merge(dir, 0));
		assertEquals(List.of(3), e.resubmit());
		assertTrue(e.getMessage().contains("shard 3/3: scores-3-of-3.csv is not the file its marker describes"), e.getMessage());

		writeShards(dir, in, 3, 3);
		assertEquals(7, ScoreShards.merge(dir, 0).images());
	}

	@Test
	void aShardOfAnotherInputSetOrOtherSettingsIsForeign(@TempDir Path dir) throws IOException {
		List<ImageEntry> in = inputs(9);
		writeShards(dir, in, 3);
		// shard 2 rescored on a set with one image more
		List<ImageEntry> other = inputs(10);
		Shard two = new Shard(2, 3);
		List<Integer> p = two.select(other);
		ScoreShards.writeShard(dir, two, other.size(), Shard.inputChecksum(other), SETTINGS, p, p.stream().map(rows(other)::get).toList());
		ScoreShards.IncompleteException e = assertThrows(ScoreShards.IncompleteException.class, () -> ScoreShards.merge(dir, 0));
		assertEquals(List.of(2), e.resubmit());
		assertTrue(e.getMessage().contains("different input set"), e.getMessage());

		// shard 1 with another threshold
		writeShards(dir, in, 3, 2);
		Shard one = new Shard(1, 3);
		p = one.select(in);
		ScoreShards.writeShard(dir, one, in.size(), Shard.inputChecksum(in), Map.of("threshold", "3.0", "min_area", "10"), p, p.stream().map(rows(in)::get).toList());
		e = assertThrows(ScoreShards.IncompleteException.class, () -> ScoreShards.merge(dir, 0));
		assertEquals(List.of(1), e.resubmit());
	}

	@Test
	void shardsOfTwoSplitsNeedTheirNumber(@TempDir Path dir) throws IOException {
		List<ImageEntry> in = inputs(5);
		writeShards(dir, in, 2);
		writeShards(dir, in, 3, 1);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScoreShards.merge(dir, 0));
		assertTrue(e.getMessage().contains("--shards N"), e.getMessage());
		assertEquals(5, ScoreShards.merge(dir, 2).images());
		assertThrows(ScoreShards.IncompleteException.class, () -> ScoreShards.merge(dir, 3));
		assertThrows(IllegalArgumentException.class, () -> ScoreShards.merge(Files.createDirectories(dir.resolve("empty")), 0));
	}
}
