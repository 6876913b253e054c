package io.github.stad.jobs;

import io.github.stad.engine.files.AtomicFiles;
import io.github.stad.engine.files.OutputLock;
import io.github.stad.io.CsvFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The files of a sharded `stad score` and their merge into the one scores.csv.
 * <p>
 * Shard K of N writes {@code scores-K-of-N.csv} (an {@code input_index} column, the position of the
 * image in the whole set, then the columns of scores.csv) and, after it, {@code scores-K-of-N.done}: the
 * shard, the size and checksum of the whole input set, the settings, the row count and the CSV's
 * SHA-256. Both are written atomically, and a rerun deletes its old {@code .done} first, so a task killed
 * half way leaves a shard without a marker (reported as incomplete), never a marker for a CSV it did
 * not finish. A shard only ever touches its own files and the maps of its own images, so rerunning one
 * task cannot disturb the others.
 */
public final class ScoreShards {

	/** Why a merge cannot be done: one line per bad shard, and the array task ids to resubmit. */
	public static final class IncompleteException extends IllegalStateException {
		private final List<Integer> resubmit;

		IncompleteException(String message, List<Integer> resubmit) {
			super(message);
			this.resubmit = List.copyOf(resubmit);
		}

		/** Shard numbers K (= SLURM array task ids) to run again. */
		public List<Integer> resubmit() { return resubmit; }
	}

	/** What a merge did. */
	public record Merged(Path scoresCsv, int shards, int images) {}

	static final String INDEX_COLUMN = "input_index";
	/** The image score to the bit (Float.floatToIntBits; empty for a failed image): the merge sorts on it exactly as an unsharded run sorts. */
	static final String SCORE_BITS_COLUMN = "image_score_bits";
	private static final Pattern SHARD_FILE = Pattern.compile("scores-(\\d+)-of-(\\d+)\\.(csv|done)");

	private ScoreShards() {}

	public static Path csvFile(Path outDir, Shard shard) { return outDir.resolve(shard.fileStem() + ".csv"); }

	public static Path doneFile(Path outDir, Shard shard) { return outDir.resolve(shard.fileStem() + ".done"); }

	/** Before a shard writes anything: its old marker goes, so a failed rerun cannot look complete. */
	static void startShard(Path outDir, Shard shard) throws IOException {
		Files.deleteIfExists(doneFile(outDir, shard));
	}

	/**
	 * Writes the shard's CSV, then its marker.
	 *
	 * @param positions the position of each row's image in the whole input set
	 */
	static void writeShard(Path outDir, Shard shard, int totalInputs, String inputChecksum, Map<String, String> settings,
			List<Integer> positions, List<ResultRows.ImageRow> rows) throws IOException {
		if (positions.size() != rows.size()) throw new IllegalArgumentException("one position per row");
		List<String[]> text = ResultRows.text(ResultRows.SCORES, rows);
		List<String[]> withIndex = new ArrayList<>(text.size());
		for (int i = 0; i < text.size(); i++) {
			String bits = i == 0 ? SCORE_BITS_COLUMN : rows.get(i - 1).failed() ? "" : Integer.toString(Float.floatToIntBits(rows.get(i - 1).imageScore()));
			withIndex.add(prepend(i == 0 ? INDEX_COLUMN : Integer.toString(positions.get(i - 1)), prepend(bits, text.get(i))));
		}
		Path csv = csvFile(outDir, shard);
		CsvFiles.write(withIndex, csv);
		Map<String, String> done = new LinkedHashMap<>();
		done.put("shard", shard.toString());
		done.put("inputs", Integer.toString(totalInputs));
		done.put("input_sha256", inputChecksum);
		for (Map.Entry<String, String> s : settings.entrySet()) done.put("setting." + s.getKey(), s.getValue());
		done.put("rows", Integer.toString(rows.size()));
		done.put("csv_sha256", sha256(csv));
		String body = done.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue() + "\n").collect(Collectors.joining());
		AtomicFiles.write(doneFile(outDir, shard), temp -> Files.writeString(temp, body, StandardCharsets.UTF_8));
	}

	/**
	 * Checks that shards 1…N of {@code outDir} are all there, finished, of one input set and one set of
	 * settings, and together hold every image exactly once; then writes {@code scores.csv} with the rows
	 * in the order of an unsharded run, byte for byte the same file.
	 *
	 * @param expectedShards N, or 0 to take it from the shard files (there must then be only one N)
	 * @throws IncompleteException naming each missing, unfinished or foreign shard
	 */
	public static Merged merge(Path outDir, int expectedShards) throws IOException {
		return merge(outDir, expectedShards, OutputGuard.noOverwrite(), System.err::println);
	}

	/** As above; an existing scores.csv is replaced only when the guard allows overwriting, and never while another run holds its lock. */
	public static Merged merge(Path outDir, int expectedShards, OutputGuard guard, java.util.function.Consumer<String> warn) throws IOException {
		if (!Files.isDirectory(outDir)) throw new IllegalArgumentException("Not a folder: " + outDir);
		int n = expectedShards > 0 ? expectedShards : shardCount(outDir);
		List<String> problems = new ArrayList<>();
		TreeSet<Integer> resubmit = new TreeSet<>();
		Map<Integer, Map<String, String>> markers = new TreeMap<>();
		for (int k = 1; k <= n; k++) {
			Shard shard = new Shard(k, n);
			Path done = doneFile(outDir, shard), csv = csvFile(outDir, shard);
			if (!Files.isRegularFile(done)) {
				problems.add("shard " + shard + ": " + (Files.exists(csv) ? "not finished (" + csv.getFileName() + " without " + done.getFileName() + ")"
						: "missing (no " + done.getFileName() + ")"));
				resubmit.add(k);
				continue;
			}
			markers.put(k, readMarker(done));
		}
		// the input set and settings most shards agree on; the others were scored on something else
		String reference = majority(markers.values().stream().map(ScoreShards::identity).toList());
		Map<Integer, String[]> rowsByIndex = new TreeMap<>();
		for (Map.Entry<Integer, Map<String, String>> e : markers.entrySet()) {
			int k = e.getKey();
			Shard shard = new Shard(k, n);
			Map<String, String> m = e.getValue();
			String problem = check(outDir, shard, m, reference, rowsByIndex);
			if (problem != null) {
				problems.add("shard " + shard + ": " + problem);
				resubmit.add(k);
			}
		}
		if (!problems.isEmpty()) {
			String ks = resubmit.stream().map(String::valueOf).collect(Collectors.joining(","));
			throw new IncompleteException(String.join("; ", problems) + ". Resubmit array task(s) " + ks + " (sbatch --array=" + ks + " …), then merge again",
					new ArrayList<>(resubmit));
		}
		int total = Integer.parseInt(markers.get(1).get("inputs"));
		if (rowsByIndex.size() != total) {
			throw new IllegalStateException("the shards hold " + rowsByIndex.size() + " of " + total + " images; rerun every shard");
		}
		Path scores = outDir.resolve("scores.csv");
		guard.checkFile(scores, "the merged table scores.csv"); // a scores.csv the user already had stays, unless --overwrite
		try (OutputLock lock = OutputLock.acquire(scores, "the table", warn)) {
			guard.checkFile(scores, "the merged table scores.csv"); // again under the lock
			CsvFiles.write(mergedRows(rowsByIndex, total), scores);
		}
		return new Merged(scores, n, total);
	}

	private static List<String[]> mergedRows(Map<Integer, String[]> rowsByIndex, int total) {
		List<String[]> merged = new ArrayList<>(total + 1);
		merged.add(ResultRows.SCORES.stream().map(ResultRows.Column::name).toArray(String[]::new));
		// In input order, then sorted as an unsharded run sorts (ResultRows.BY_SCORE, stable): the same file.
		List<String[]> rows = new ArrayList<>(rowsByIndex.values());
		rows.sort(Comparator.comparing((String[] r) -> r[0].isEmpty())
				.thenComparing(Comparator.comparingDouble((String[] r) -> r[0].isEmpty() ? Double.NEGATIVE_INFINITY : Float.intBitsToFloat(Integer.parseInt(r[0]))).reversed()));
		for (String[] r : rows) merged.add(Arrays.copyOfRange(r, 1, r.length));
		return merged;
	}

	/** The one N among the shard files of the folder. */
	static int shardCount(Path outDir) throws IOException {
		TreeSet<Integer> counts = new TreeSet<>();
		try (DirectoryStream<Path> ds = Files.newDirectoryStream(outDir, "scores-*-of-*.*")) {
			for (Path p : ds) {
				Matcher m = SHARD_FILE.matcher(p.getFileName().toString());
				if (m.matches()) counts.add(Integer.parseInt(m.group(2)));
			}
		}
		if (counts.isEmpty()) throw new IllegalArgumentException("No shard files (scores-K-of-N.csv) in " + outDir + "; run stad score --shard K/N first");
		if (counts.size() > 1) {
			throw new IllegalArgumentException("Shards of different splits in " + outDir + " (of " + counts.stream().map(String::valueOf).collect(Collectors.joining(", of "))
					+ "); give --shards N");
		}
		return counts.first();
	}

	/** One shard against the reference; adds its rows (by input index) and returns null when it is sound. */
	private static String check(Path outDir, Shard shard, Map<String, String> m, String reference, Map<Integer, String[]> rowsByIndex) throws IOException {
		if (!shard.toString().equals(m.get("shard"))) return "its marker says shard " + m.get("shard");
		if (!identity(m).equals(reference)) return "scored on a different input set or with other settings than the other shards";
		Path csv = csvFile(outDir, shard);
		if (!Files.isRegularFile(csv)) return csv.getFileName() + " is missing";
		if (!sha256(csv).equals(m.get("csv_sha256"))) return csv.getFileName() + " is not the file its marker describes (changed or replaced since)";
		int total, rows;
		try {
			total = Integer.parseInt(m.get("inputs"));
			rows = Integer.parseInt(m.get("rows"));
		} catch (NumberFormatException e) {
			return "its marker is damaged";
		}
		List<String[]> table = CsvFiles.read(csv);
		String[] header = prepend(INDEX_COLUMN, prepend(SCORE_BITS_COLUMN, ResultRows.SCORES.stream().map(ResultRows.Column::name).toArray(String[]::new)));
		if (table.isEmpty() || !Arrays.equals(table.get(0), header)) return csv.getFileName() + " does not have the columns " + String.join(",", header);
		if (table.size() - 1 != rows || rows != shard.size(total)) return "has " + (table.size() - 1) + " rows, expected " + shard.size(total);
		for (String[] row : table.subList(1, table.size())) {
			int index;
			try {
				index = Integer.parseInt(row[0]);
			} catch (NumberFormatException e) {
				return "bad input_index '" + row[0] + "'";
			}
			if (index < 0 || index >= total || rowsByIndex.containsKey(index)) return "input_index " + index + " is out of range or in another shard too";
			if (!row[1].isEmpty()) {
				try {
					Integer.parseInt(row[1]);
				} catch (NumberFormatException e) {
					return "bad " + SCORE_BITS_COLUMN + " '" + row[1] + "'";
				}
			}
			rowsByIndex.put(index, Arrays.copyOfRange(row, 1, row.length));
		}
		return null;
	}

	/** What must be equal across the shards of one run: the input set and the settings. */
	private static String identity(Map<String, String> marker) {
		return marker.entrySet().stream().filter(e -> e.getKey().equals("inputs") || e.getKey().equals("input_sha256") || e.getKey().startsWith("setting."))
				.map(e -> e.getKey() + "=" + e.getValue()).sorted().collect(Collectors.joining("\n"));
	}

	private static String majority(List<String> values) {
		Map<String, Integer> votes = new LinkedHashMap<>();
		for (String v : values) votes.merge(v, 1, Integer::sum);
		return votes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("");
	}

	private static Map<String, String> readMarker(Path done) throws IOException {
		Map<String, String> m = new LinkedHashMap<>();
		for (String line : Files.readAllLines(done, StandardCharsets.UTF_8)) {
			int eq = line.indexOf('=');
			if (eq > 0) m.put(line.substring(0, eq), line.substring(eq + 1));
		}
		return m;
	}

	private static String[] prepend(String first, String[] rest) {
		String[] out = new String[rest.length + 1];
		out[0] = first;
		System.arraycopy(rest, 0, out, 1, rest.length);
		return out;
	}

	static String sha256(Path file) throws IOException {
		try {
			MessageDigest sha = MessageDigest.getInstance("SHA-256");
			try (var in = Files.newInputStream(file)) {
				byte[] buf = new byte[1 << 16];
				for (int r; (r = in.read(buf)) > 0;) sha.update(buf, 0, r);
			}
			return HexFormat.of().formatHex(sha.digest());
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}
}
