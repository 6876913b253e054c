package io.github.stad.jobs;

import static org.junit.jupiter.api.Assertions.*;

import io.github.stad.io.ImageEntry;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

class ShardTest {

	/** An MVTec-like set: type subfolders of unequal size. */
	static List<ImageEntry> set() {
		List<ImageEntry> set = new ArrayList<>();
		String[] types = { "crack", "good", "hole" };
		int[] counts = { 5, 11, 1 };
		for (int t = 0; t < types.length; t++) {
			for (int i = 0; i < counts[t]; i++) set.add(new ImageEntry(Path.of("/data/test", types[t], String.format("%03d.png", i)), types[t]));
		}
		return set;
	}

	static Set<String> labels(List<ImageEntry> inputs, Shard shard) {
		Set<String> out = new TreeSet<>();
		for (int p : shard.select(inputs)) out.add(BatchDetectJob.label(inputs.get(p)));
		return out;
	}

	@Test
	void everyImageIsInExactlyOneShardForEveryN() {
		List<ImageEntry> set = set();
		for (int n = 1; n <= 20; n++) {
			Set<Integer> seen = new HashSet<>();
			int smallest = Integer.MAX_VALUE, largest = 0;
			for (int k = 1; k <= n; k++) {
				Shard shard = new Shard(k, n);
				List<Integer> mine = shard.select(set);
				assertEquals(shard.size(set.size()), mine.size(), shard.toString());
				for (int p : mine) assertTrue(seen.add(p), "position " + p + " in two shards of " + n);
				smallest = Math.min(smallest, mine.size());
				largest = Math.max(largest, mine.size());
			}
			assertEquals(set.size(), seen.size(), "all images covered with N = " + n);
			assertTrue(largest - smallest <= 1, "balanced with N = " + n);
		}
	}

	@Test
	void theSplitDoesNotDependOnTheOrderTheImagesCameIn() {
		List<ImageEntry> set = set();
		List<ImageEntry> shuffled = new ArrayList<>(set);
		Collections.shuffle(shuffled, new Random(3));
		assertNotEquals(set, shuffled);
		for (int n : new int[] { 2, 3, 7 }) {
			for (int k = 1; k <= n; k++) assertEquals(labels(set, new Shard(k, n)), labels(shuffled, new Shard(k, n)), k + "/" + n);
		}
		assertEquals(Shard.inputChecksum(set), Shard.inputChecksum(shuffled));
		assertNotEquals(Shard.inputChecksum(set), Shard.inputChecksum(set.subList(1, set.size())), "another set, another checksum");
		// the positions returned are those of the list given, ascending: the row order of an unsharded run
		List<Integer> mine = new Shard(2, 3).select(shuffled);
		assertEquals(new ArrayList<>(new TreeSet<>(mine)), mine);
	}

	@Test
	void everyNthImageSpreadsTheSubfolders() {
		assertEquals(Set.of("crack/000.png", "crack/003.png", "good/001.png", "good/004.png", "good/007.png", "good/010.png"), labels(set(), new Shard(1, 3)));
	}

	@Test
	void parsesKOfNAndRefusesTheRest() {
		assertEquals(new Shard(2, 8), Shard.parse("2/8"));
		assertEquals(new Shard(3, 3), Shard.parse(" 3 / 3 "));
		assertTrue(Shard.parse("").isAll());
		assertTrue(Shard.parse(null).isAll());
		assertEquals("scores-2-of-8", new Shard(2, 8).fileStem());
		for (String bad : new String[] { "0/3", "4/3", "x/y", "3", "1/0", "-1/3", "1/3/5", "99999999999/3" }) {
			IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shard.parse(bad), bad);
			assertTrue(e.getMessage().startsWith("shard must be K/N"), e.getMessage());
		}
	}
}
