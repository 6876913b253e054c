package io.github.stad.cli;

import static io.github.stad.cli.MainTest.SAMPLES;
import static io.github.stad.cli.MainTest.stad;
import static org.junit.jupiter.api.Assertions.*;

import io.github.stad.cli.MainTest.Run;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** `stad score --shard K/N` and `stad merge-scores` on the sample images: the merge gives what one unsharded run gives. */
class ShardedScoreTest {

	@TempDir
	static Path dir;
	static Path model, single;

	@BeforeAll
	static void trainAndScoreUnsharded() {
		model = dir.resolve("model.zip");
		Run r = stad(MainTest.tinyTraining(SAMPLES.resolve("normal").toString(), SAMPLES.resolve("validation").toString(), model));
		assertEquals(0, r.code(), r.err());
		single = dir.resolve("single");
		r = stad("score", "--model", model.toString(), "--input", SAMPLES.resolve("test").toString(), "--out", single.toString(), "--cpu");
		assertEquals(0, r.code(), r.err());
	}

	static Run shard(Path out, String shard) {
		return stad("score", "--model", model.toString(), "--input", SAMPLES.resolve("test").toString(), "--out", out.toString(), "--shard", shard, "--cpu");
	}

	/** Relative paths of the per-image files (maps, overlays, ROI sets). */
	static List<Path> imageOutputs(Path root) throws IOException {
		try (Stream<Path> s = Files.walk(root)) {
			return s.filter(Files::isRegularFile).map(root::relativize).filter(p -> !p.getFileName().toString().startsWith("scores")).sorted().toList();
		}
	}

	@Test
	void threeShardsInAnyOrderMergeIntoTheUnshardedOutputs() throws IOException {
		Path out = dir.resolve("sharded");
		for (String k : new String[] { "3", "1", "2" }) {
			Run r = shard(out, k + "/3");
			assertEquals(0, r.code(), r.err());
			assertTrue(r.out().contains("Shard " + k + "/3: 2 of 6 image(s)") && r.out().contains("PyTorch CPU threads"), r.out());
			assertTrue(Files.isRegularFile(out.resolve("scores-" + k + "-of-3.csv")) && Files.isRegularFile(out.resolve("scores-" + k + "-of-3.done")));
		}
		assertFalse(Files.exists(out.resolve("scores.csv")), "a shard never writes scores.csv");
		Run m = stad("merge-scores", out.toString());
		assertEquals(0, m.code(), m.err());
		assertTrue(m.out().contains("6 image(s) from 3 shard(s)"), m.out());
		assertArrayEquals(Files.readAllBytes(single.resolve("scores.csv")), Files.readAllBytes(out.resolve("scores.csv")));
		List<Path> files = imageOutputs(single);
		assertEquals(18, files.size(), files.toString());
		assertEquals(files, imageOutputs(out));
		for (Path f : files) {
			if (f.toString().endsWith(".tif")) assertArrayEquals(Files.readAllBytes(single.resolve(f)), Files.readAllBytes(out.resolve(f)), f.toString());
		}

		// a lost shard is named with the task to resubmit; rerunning it alone repairs the set
		Files.delete(out.resolve("scores-2-of-3.done"));
		m = stad("merge-scores", out.toString());
		assertEquals(1, m.code());
		assertTrue(m.err().contains("shard 2/3: not finished") && m.err().contains("Resubmit array task(s) 2"), m.err());
		assertEquals(1, m.err().strip().lines().count(), m.err());
		assertEquals(1, shard(out, "2/3").code(), "its maps are there: a rerun says so rather than replace them silently");
		Run rerun = stad("score", "--model", model.toString(), "--input", SAMPLES.resolve("test").toString(), "--out", out.toString(), "--shard", "2/3", "--cpu",
				"--overwrite"); // as bench/slurm/score_array.sbatch reruns a task
		assertEquals(0, rerun.code(), rerun.err());
		Run again = stad("merge-scores", out.toString(), "--shards", "3");
		assertEquals(1, again.code(), "the first merge's scores.csv is not replaced without --overwrite");
		assertTrue(again.err().contains("already exists") && again.err().contains("--overwrite"), again.err());
		assertEquals(0, stad("merge-scores", out.toString(), "--shards", "3", "--overwrite").code());
		assertArrayEquals(Files.readAllBytes(single.resolve("scores.csv")), Files.readAllBytes(out.resolve("scores.csv")));
	}

	@Test
	void moreShardsThanImagesLeavesSomeEmpty() throws IOException {
		Path out = dir.resolve("many");
		for (int k = 1; k <= 8; k++) assertEquals(0, shard(out, k + "/8").code(), "shard " + k);
		assertEquals(1, Files.readAllLines(out.resolve("scores-8-of-8.csv")).size(), "header only");
		assertEquals(0, stad("merge-scores", out.toString()).code());
		assertArrayEquals(Files.readAllBytes(single.resolve("scores.csv")), Files.readAllBytes(out.resolve("scores.csv")));
	}

	@Test
	void badShardsAreUsageErrors() {
		for (String bad : new String[] { "0/3", "4/3", "x/y" }) {
			Run r = shard(dir.resolve("bad"), bad);
			assertEquals(2, r.code(), bad + ": " + r.err());
			assertTrue(r.err().startsWith("stad: --shard must be K/N") && r.err().contains(bad), r.err());
		}
		assertFalse(Files.exists(dir.resolve("bad")), "nothing written");
		assertEquals(2, stad("merge-scores").code());
		assertEquals(2, stad("merge-scores", dir.toString(), "--shards", "x").code());
		Run r = stad("merge-scores", dir.resolve("no-shards-here").toString());
		assertEquals(1, r.code());
	}
}
