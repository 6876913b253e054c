package io.github.stad.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The quality harness's fixed subset (bench/quality.sh): deterministic, every label covered, unusable rows left out. */
class QualitySubsetTest {

	/** Test labels laid out like the magnetic-tile split: blocks per type, "good" last; rows 3 and 40 have empty masks. */
	private static List<String> labels() {
		List<String> l = new ArrayList<>();
		l.addAll(Collections.nCopies(20, "blowhole"));
		l.addAll(Collections.nCopies(3, "fray"));
		l.addAll(Collections.nCopies(30, "uneven"));
		l.addAll(Collections.nCopies(50, "good"));
		return l;
	}

	private static List<Boolean> usable(int n, int... unusable) {
		List<Boolean> u = new ArrayList<>(Collections.nCopies(n, true));
		for (int i : unusable) u.set(i, false);
		return u;
	}

	@Test
	void picksAFixedNumberPerLabelEvenlySpreadAndSkipsUnusableRows() {
		List<String> labels = labels();
		List<Boolean> usable = usable(labels.size(), 3, 40);
		List<Integer> picked = QualitySubset.pickTest(labels, usable, 5, 10);
		assertEquals(picked, QualitySubset.pickTest(labels, usable, 5, 10), "same input, same subset");
		Map<String, Integer> counts = new LinkedHashMap<>();
		for (int i : picked) {
			assertTrue(usable.get(i), "row " + i + " has an empty mask");
			counts.merge(labels.get(i), 1, Integer::sum);
		}
		assertEquals(Map.of("blowhole", 5, "fray", 3, "uneven", 5, "good", 10), counts, "every label; all rows of a small one");
		List<Integer> sorted = new ArrayList<>(picked);
		Collections.sort(sorted);
		assertEquals(sorted, picked, "kept in split order");
		assertEquals(picked.size(), picked.stream().distinct().count());
		// good rows 53..102, 10 of 50: every 5th, centred (53 + 2, 53 + 7, …)
		assertEquals(List.of(55, 60, 65, 70, 75, 80, 85, 90, 95, 100), picked.subList(picked.size() - 10, picked.size()));
		// blowhole without row 3: 19 usable rows, positions 1, 5, 9, 13, 17 of them
		assertEquals(List.of(1, 6, 10, 14, 18), picked.subList(0, 5));
	}

	@Test
	void everyKthRowStartsAtTheFirst() {
		List<Integer> rows = new ArrayList<>();
		for (int i = 0; i < 10; i++) rows.add(i);
		assertEquals(List.of(0, 4, 8), QualitySubset.every(rows, 4));
		assertEquals(rows, QualitySubset.every(rows, 1));
	}

	@Test
	void probeSampleDependsOnlyOnImageStrideAndMaskAndFavoursDefects() {
		int gw = 200, gh = 100, s = 1;
		boolean[] defect = new boolean[gw * gh];
		for (int g = 0; g < defect.length / 2; g++) defect[g] = true;
		boolean[] a = TeacherProbe.keep(3, true, gw, gh, s, defect), b = TeacherProbe.keep(3, true, gw, gh, s, defect);
		assertTrue(java.util.Arrays.equals(a, b));
		int kd = 0, kn = 0;
		for (int g = 0; g < a.length; g++) if (a[g]) { if (defect[g]) kd++; else kn++; }
		// rates 1/16 and 1/64 of 10 000 points each
		assertTrue(Math.abs(kd - 625) < 100, "defect points kept: " + kd);
		assertTrue(Math.abs(kn - 156) < 50, "normal points kept: " + kn);
		boolean[] all = TeacherProbe.keep(0, false, 10, 10, 8, null);
		for (boolean k : all) assertTrue(k, "p = 65 (stride 8) keeps every grid point");
	}
}
