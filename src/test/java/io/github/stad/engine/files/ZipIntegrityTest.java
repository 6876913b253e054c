package io.github.stad.engine.files;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/** Every entry read is checked: its zip CRC always, its SHA-256 when the header (written last) records it; older files without it still read. */
public class ZipIntegrityTest {

	static final String HEADER = "test.json", WEIGHTS = "w.bin";

	static Path write(Path file) throws IOException {
		ZipArchive.Header h = new ZipArchive.Header();
		h.format = "test";
		h.formatVersion = 1;
		Map<String, ZipArchive.EntryWriter> entries = new LinkedHashMap<>();
		entries.put(WEIGHTS, out -> WeightsCodec.write(List.of(new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }), out));
		ZipArchive.write(file, HEADER, h, entries);
		return file;
	}

	static List<float[]> read(Path file) throws IOException {
		try (ZipArchive.Reader r = ZipArchive.open(file, "test file", "")) {
			r.header(HEADER, ZipArchive.Header.class, "test", 1);
			return r.weights(WEIGHTS, null);
		}
	}

	/** A copy with the weights entry replaced (stored, so that its bytes can be flipped in place) and the header edited. */
	static Path rewrite(Path from, Path to, byte[] weights, boolean keepChecksums) throws IOException {
		try (ZipFile in = new ZipFile(from.toFile()); ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(to))) {
			for (ZipEntry e : java.util.Collections.list(in.entries())) {
				byte[] b = e.getName().equals(WEIGHTS) ? weights : in.getInputStream(e).readAllBytes();
				if (e.getName().equals(HEADER) && !keepChecksums) b = new String(b, StandardCharsets.UTF_8).replaceFirst("(?s),\\s*\"sha256\": \\{[^}]*\\}", "").getBytes(StandardCharsets.UTF_8);
				ZipEntry n = new ZipEntry(e.getName());
				n.setMethod(ZipEntry.STORED);
				n.setSize(b.length);
				CRC32 crc = new CRC32();
				crc.update(b);
				n.setCrc(crc.getValue());
				out.putNextEntry(n);
				out.write(b);
				out.closeEntry();
			}
		}
		return to;
	}

	static byte[] weightsOf(Path file) throws IOException {
		try (ZipFile z = new ZipFile(file.toFile())) {
			return z.getInputStream(z.getEntry(WEIGHTS)).readAllBytes();
		}
	}

	/** Flips one bit of the stored entry's data, in the file itself, as a bad disk or copy would. */
	static void flipBitOfStoredEntry(Path file, byte[] content) throws IOException {
		byte[] raw = Files.readAllBytes(file);
		int at = indexOf(raw, content);
		assertTrue(at > 0, "the stored entry is in the file as it is");
		raw[at + content.length - 3] ^= 0x10;
		Files.write(file, raw);
	}

	/** Where {@code needle} first stands in {@code hay}, or -1 (to damage a stored entry in place). */
	public static int indexOf(byte[] hay, byte[] needle) {
		outer: for (int i = 0; i + needle.length <= hay.length; i++) {
			for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
			return i;
		}
		return -1;
	}

	@Test
	void theHeaderRecordsEachEntrysSha256AndReadsBack(@TempDir Path dir) throws IOException {
		Path f = write(dir.resolve("a.zip"));
		try (ZipFile z = new ZipFile(f.toFile())) {
			String header = new String(z.getInputStream(z.getEntry(HEADER)).readAllBytes(), StandardCharsets.UTF_8);
			assertTrue(header.matches("(?s).*\"sha256\": \\{\\s*\"w.bin\": \"[0-9a-f]{64}\".*"), header);
		}
		assertEquals(8, read(f).get(0).length);
	}

	@Test
	void aFlippedBitIsRefusedByTheCrcEvenWithoutAChecksumInTheHeader(@TempDir Path dir) throws IOException {
		Path f = write(dir.resolve("a.zip"));
		byte[] w = weightsOf(f);
		Path old = rewrite(f, dir.resolve("old.zip"), w, false);
		assertEquals(8, read(old).get(0).length, "a file without checksums (older versions) still reads");
		flipBitOfStoredEntry(old, w);
		IOException e = assertThrows(IOException.class, () -> read(old));
		assertTrue(e.getMessage().contains("is damaged (w.bin: its CRC does not match)") && e.getMessage().contains("re-copy"), e.getMessage());
	}

	@Test
	void junkAfterTheWeightsIsRefusedByTheChecksumAndWithoutOneByTheCodec(@TempDir Path dir) throws IOException {
		Path f = write(dir.resolve("a.zip"));
		byte[] w = weightsOf(f);
		byte[] junk = java.util.Arrays.copyOf(w, w.length + 4096);
		Path withSums = rewrite(f, dir.resolve("junk.zip"), junk, true);
		IOException e = assertThrows(IOException.class, () -> read(withSums));
		assertTrue(e.getMessage().contains("SHA-256 is not the one recorded"), e.getMessage());
		Path without = rewrite(f, dir.resolve("junk-old.zip"), junk, false);
		e = assertThrows(IOException.class, () -> read(without));
		assertTrue(e.getMessage().contains("4096 bytes after its weights"), e.getMessage());
	}
}
