package io.github.stad.jobs;

import io.github.stad.io.ImageEntry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shard K of N of an input set (K = 1…N, as a SLURM array task id): the images at positions
 * K−1, K−1+N, K−1+2N, … of the set sorted by relative path. Every task computes the same partition
 * from the set alone, whatever order the file system lists it in, without talking to the others;
 * taking every N-th image (not a block) spreads the subfolders, and so the work, evenly.
 */
public record Shard(int index, int count) {

	/** The whole set: the unsharded run. */
	public static final Shard ALL = new Shard(1, 1);

	private static final Pattern FORM = Pattern.compile("\\s*(\\d+)\\s*/\\s*(\\d+)\\s*");

	public Shard {
		if (count < 1 || index < 1 || index > count) {
			throw new IllegalArgumentException("shard must be K/N with 1 <= K <= N (K = 1 for the first shard), got " + index + "/" + count);
		}
	}

	/** "K/N"; an empty or null text is the whole set. */
	public static Shard parse(String text) {
		if (text == null || text.isBlank()) return ALL;
		Matcher m = FORM.matcher(text);
		if (!m.matches()) throw new IllegalArgumentException("shard must be K/N with whole numbers 1 <= K <= N, e.g. 2/8, got '" + text + "'");
		try {
			return new Shard(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
		} catch (NumberFormatException e) {
			throw new IllegalArgumentException("shard must be K/N with whole numbers 1 <= K <= N, e.g. 2/8, got '" + text + "'");
		}
	}

	public boolean isAll() { return count == 1; }

	@Override
	public String toString() { return index + "/" + count; }

	/** Base name of this shard's files: {@code scores-K-of-N}. */
	public String fileStem() { return "scores-" + index + "-of-" + count; }

	/**
	 * Positions (in {@code inputs} as given, which is the row order of an unsharded scores.csv) of the
	 * images of this shard, ascending.
	 */
	public List<Integer> select(List<ImageEntry> inputs) {
		List<Integer> sorted = sortedPositions(inputs);
		List<Integer> mine = new ArrayList<>();
		for (int i = index - 1; i < sorted.size(); i += count) mine.add(sorted.get(i));
		mine.sort(null);
		return mine;
	}

	/** How many images a shard of {@code total} gets. */
	public int size(int total) {
		return total < index ? 0 : (total - index) / count + 1;
	}

	/**
	 * SHA-256 of the sorted relative paths: equal for the same set wherever it is mounted and however it is
	 * listed, so that a shard scored on another set is recognised at the merge.
	 */
	public static String inputChecksum(List<ImageEntry> inputs) {
		try {
			MessageDigest sha = MessageDigest.getInstance("SHA-256");
			for (int p : sortedPositions(inputs)) sha.update((BatchDetectJob.label(inputs.get(p)) + "\n").getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(sha.digest());
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	// Type folder first, then file name, then the full path (two CSV rows may share a label): the order
	// ImageSets gives a folder, independent of the order it came in.
	private static List<Integer> sortedPositions(List<ImageEntry> inputs) {
		Comparator<Integer> order = Comparator.comparing((Integer i) -> inputs.get(i).defectType())
				.thenComparing(i -> inputs.get(i).image().getFileName().toString())
				.thenComparing(i -> inputs.get(i).image().toAbsolutePath().normalize().toString());
		List<Integer> positions = new ArrayList<>();
		for (int i = 0; i < inputs.size(); i++) positions.add(i);
		positions.sort(order);
		return positions;
	}
}
