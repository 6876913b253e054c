package io.github.stad.bench;

import io.github.stad.io.ImageEntry;
import io.github.stad.io.ImageSets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fixed subset of the quality harness (bench/quality.sh, docs/benchmarks.md "Quality harness"):
 * a split.csv that lists the original images at full resolution (absolute paths, nothing is copied)
 * for every k-th train and every k-th validation image and, per test label (each defect type and
 * "good"), a fixed number of images evenly spread over that label's rows in split order. Defective
 * rows whose mask marks no pixel (four MT_Uneven images) are left out, since the product counts
 * them as defect-free. No randomness: the same split.csv always gives the same subset. Not a test.
 * usage: QualitySubset SPLIT_CSV OUT_CSV TRAIN_EVERY VAL_EVERY TEST_PER_DEFECT_TYPE TEST_GOOD
 */
public final class QualitySubset {

	private QualitySubset() {}

	public static void main(String[] args) throws IOException {
		Path csv = Path.of(args[0]), out = Path.of(args[1]);
		int trainEvery = Integer.parseInt(args[2]), valEvery = Integer.parseInt(args[3]);
		int perType = Integer.parseInt(args[4]), good = Integer.parseInt(args[5]);
		List<ImageEntry> train = every(ImageSets.fromCsv(csv, "train"), trainEvery), val = every(ImageSets.fromCsv(csv, "val"), valEvery);
		List<ImageEntry> test = ImageSets.fromCsv(csv, "test");
		List<String> labels = test.stream().map(ImageEntry::defectType).toList();
		List<Boolean> usable = test.stream().map(e -> isGood(e.defectType()) || e.hasMask()).toList();
		List<ImageEntry> picked = pickTest(labels, usable, perType, good).stream().map(test::get).toList();
		List<String> rows = new ArrayList<>();
		rows.add("image,mask,split,label");
		for (ImageEntry e : train) rows.add(row(e, "train"));
		for (ImageEntry e : val) rows.add(row(e, "val"));
		for (ImageEntry e : picked) rows.add(row(e, "test"));
		if (out.toAbsolutePath().getParent() != null) Files.createDirectories(out.toAbsolutePath().getParent());
		Files.write(out, rows);
		Map<String, Integer> counts = new LinkedHashMap<>();
		for (ImageEntry e : picked) counts.merge(e.defectType(), 1, Integer::sum);
		System.out.printf("train %d, val %d, test %d %s (full resolution) -> %s%n", train.size(), val.size(), picked.size(), counts, out);
	}

	static boolean isGood(String label) {
		String l = label.toLowerCase(Locale.ROOT);
		return l.equals("good") || l.equals("free");
	}

	/** Rows 0, k, 2k, … of a list. */
	static <T> List<T> every(List<T> rows, int k) {
		if (k < 1) throw new IllegalArgumentException("k must be at least 1, got " + k);
		List<T> r = new ArrayList<>();
		for (int i = 0; i < rows.size(); i += k) r.add(rows.get(i));
		return r;
	}

	/**
	 * Indices of the test rows to keep: for every label in order of first appearance, {@code good}
	 * rows if it is "good"/"free" and {@code perType} rows otherwise, at the evenly spaced positions
	 * ⌊(i + ½)·n / count⌋ of that label's usable rows (n of them; all of them when n ≤ count).
	 * Ascending, so the subset keeps the split's order.
	 */
	static List<Integer> pickTest(List<String> labels, List<Boolean> usable, int perType, int good) {
		Map<String, List<Integer>> byLabel = new LinkedHashMap<>();
		for (int i = 0; i < labels.size(); i++) {
			if (usable.get(i)) byLabel.computeIfAbsent(labels.get(i), k -> new ArrayList<>()).add(i);
		}
		List<Integer> picked = new ArrayList<>();
		for (Map.Entry<String, List<Integer>> e : byLabel.entrySet()) {
			List<Integer> rows = e.getValue();
			int count = Math.min(rows.size(), isGood(e.getKey()) ? good : perType);
			for (int i = 0; i < count; i++) picked.add(rows.get((int) ((i + 0.5) * rows.size() / count)));
		}
		picked.sort(null);
		return picked;
	}

	private static String row(ImageEntry e, String split) {
		String mask = e.hasMask() ? e.mask().toAbsolutePath().normalize().toString() : "";
		return e.image().toAbsolutePath().normalize() + "," + mask + "," + split + "," + e.defectType();
	}
}
