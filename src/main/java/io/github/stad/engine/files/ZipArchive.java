package io.github.stad.engine.files;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The one zip layer of every file this plugin writes (model bundles, teacher files, teacher
 * checkpoints): a JSON header that names its format and version, plus named entries (weights and
 * training state). Writes are atomic. Reads apply one policy to every format: the header must name
 * the expected format, a newer version is refused with "update the plugin", and no entry may inflate
 * beyond a size limit (a tiny zip can declare gigabytes).
 */
public final class ZipArchive {

	/** The format name and version that every header starts with. */
	public static class Header {
		public String format;
		public int formatVersion;
		/** SHA-256 (hex) of every other entry, checked when it is read; absent in files written before it was recorded. */
		public Map<String, String> sha256;
	}

	/** Writes one entry's bytes. */
	@FunctionalInterface
	public interface EntryWriter {
		void write(OutputStream out) throws IOException;
	}

	/** Largest JSON header read (real ones are a few kB). */
	static final long MAX_JSON_BYTES = 16L << 20;
	/** Largest weights entry read: well above the biggest network the settings allow. */
	static final long MAX_ENTRY_BYTES = 1L << 30;

	static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

	private ZipArchive() {}

	/**
	 * Writes the entries, in order, and then the header as {@code headerName} with the SHA-256 of each
	 * entry (so the header comes last in the zip; readers find entries by name), atomically.
	 */
	public static void write(Path file, String headerName, Header header, Map<String, EntryWriter> entries) throws IOException {
		AtomicFiles.write(file, temp -> {
			try (ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(temp)))) {
				Map<String, String> sums = new LinkedHashMap<>();
				for (Map.Entry<String, EntryWriter> e : entries.entrySet()) {
					zip.putNextEntry(new ZipEntry(e.getKey()));
					MessageDigest sha = sha256();
					e.getValue().write(new DigestOutputStream(new NonClosing(zip), sha));
					zip.closeEntry();
					sums.put(e.getKey(), HexFormat.of().formatHex(sha.digest()));
				}
				header.sha256 = sums;
				zip.putNextEntry(new ZipEntry(headerName));
				zip.write(GSON.toJson(header).getBytes(StandardCharsets.UTF_8));
				zip.closeEntry();
			}
		});
	}

	static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	/** An entry writer that closes its stream must not close the zip. */
	private static final class NonClosing extends FilterOutputStream {
		NonClosing(OutputStream out) { super(out); }

		@Override
		public void write(byte[] b, int off, int len) throws IOException { out.write(b, off, len); }

		@Override
		public void close() throws IOException { flush(); }
	}

	/** An open archive to read entries from; {@code what} names it in every message ("model file", "teacher file"). */
	public static final class Reader implements AutoCloseable {
		private final String name, what;
		private final ZipFile zip;
		private final Map<String, byte[]> inMemory;
		/** From the header once read: the SHA-256 every entry must have (null for older files). */
		private Map<String, String> sha256;

		private Reader(String name, String what, ZipFile zip, Map<String, byte[]> inMemory) {
			this.name = name;
			this.what = what;
			this.zip = zip;
			this.inMemory = inMemory;
		}

		/** The file's name as messages show it. */
		public String name() { return name; }

		public boolean has(String entry) {
			return zip != null ? zip.getEntry(entry) != null : inMemory.containsKey(entry);
		}

		/** The entry's bytes, refusing a missing entry or one that inflates beyond {@code limit}. */
		public byte[] bytes(String entry, long limit) throws IOException {
			if (!has(entry)) throw new IOException(name + " is incomplete: " + entry + " is missing");
			if (zip == null) {
				byte[] b = inMemory.get(entry);
				if (b.length > limit) throw tooLarge(entry, limit);
				return checked(entry, b);
			}
			ZipEntry z = zip.getEntry(entry);
			byte[] b;
			try (InputStream in = zip.getInputStream(z)) {
				b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
			} catch (ZipException e) {
				throw damaged(entry, e.getMessage(), e);
			}
			if (b.length > limit) throw tooLarge(entry, limit);
			// ZipFile does not check the CRC: a flipped bit would load as slightly different weights
			CRC32 crc = new CRC32();
			crc.update(b);
			if (z.getCrc() != -1 && crc.getValue() != z.getCrc()) throw damaged(entry, "its CRC does not match", null);
			return checked(entry, b);
		}

		/** The bytes, if the header recorded their SHA-256 and they match it. */
		private byte[] checked(String entry, byte[] b) throws IOException {
			String expected = sha256 == null ? null : sha256.get(entry);
			if (expected != null && !expected.equalsIgnoreCase(HexFormat.of().formatHex(sha256().digest(b)))) {
				throw damaged(entry, "its SHA-256 is not the one recorded in the header", null);
			}
			return b;
		}

		private IOException damaged(String entry, String why, Exception cause) {
			return new IOException(name + " is damaged (" + entry + ": " + why + "); re-copy it or make it again", cause);
		}

		private IOException tooLarge(String entry, long limit) {
			return new IOException(name + "!" + entry + " is larger than any " + what + " of this plugin can be (over " + (limit >> 20)
					+ " MB); the file is damaged or not a " + what + " of this plugin");
		}

		/**
		 * The JSON header, checked by the one version policy.
		 * @param format     the format name the header must carry
		 * @param newest     the newest version this plugin reads
		 */
		public <T extends Header> T header(String entry, Class<T> type, String format, int newest) throws IOException {
			if (!has(entry)) throw new IOException(name + " is not a " + what + " of this plugin (no " + entry + " inside)");
			T h;
			try {
				h = GSON.fromJson(new String(bytes(entry, MAX_JSON_BYTES), StandardCharsets.UTF_8), type);
			} catch (JsonParseException e) {
				throw new IOException(name + " has an unreadable " + entry + " (" + e.getMessage() + ")", e);
			}
			if (h == null || !format.equals(h.format)) throw new IOException(name + " is not a " + what + " of this plugin (format '" + (h == null ? null : h.format) + "')");
			if (h.formatVersion > newest) throw new IOException(name + " was written by a newer version of the plugin (" + what + " format " + h.formatVersion + "); update the plugin");
			if (h.formatVersion < 1) throw new IOException(name + " has an invalid format version " + h.formatVersion);
			if (h.sha256 != null) sha256 = Map.copyOf(h.sha256);
			return h;
		}

		/** A JSON entry that is not a header (training state). */
		public <T> T json(String entry, Class<T> type) throws IOException {
			try {
				return GSON.fromJson(new String(bytes(entry, MAX_JSON_BYTES), StandardCharsets.UTF_8), type);
			} catch (JsonParseException e) {
				throw new IOException(name + " has an unreadable " + entry + " (" + e.getMessage() + ")", e);
			}
		}

		/** Weight tensors whose lengths must be exactly {@code expectedLengths} (null: any), checked before allocating. */
		public List<float[]> weights(String entry, long[] expectedLengths) throws IOException {
			return WeightsCodec.read(new ByteArrayInputStream(bytes(entry, MAX_ENTRY_BYTES)), name + "!" + entry, expectedLengths);
		}

		@Override
		public void close() throws IOException {
			if (zip != null) zip.close();
		}
	}

	/** Opens a file, refusing a missing file or one that is no zip with a message about {@code what}. */
	public static Reader open(Path file, String what, String missingHint) throws IOException {
		if (Files.isDirectory(file)) throw new IOException(file + " is a folder, not a " + what + "; give the .zip file itself");
		if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, capitalised(what) + " not found: " + file + (missingHint.isEmpty() ? "" : "; " + missingHint));
		try {
			return new Reader(file.toString(), what, new ZipFile(file.toFile()), null);
		} catch (ZipException e) {
			throw new IOException(file + " is not a " + what + " of this plugin, or it is truncated (not a readable zip: " + e.getMessage() + ")", e);
		}
	}

	/** Reads a zip stream (class-path resources) into memory, every entry bounded as in a file. */
	public static Reader read(InputStream stream, String name, String what) throws IOException {
		Map<String, byte[]> entries = new LinkedHashMap<>();
		try (ZipInputStream zip = new ZipInputStream(stream)) {
			for (ZipEntry e; (e = zip.getNextEntry()) != null;) {
				byte[] b = zip.readNBytes((int) (MAX_ENTRY_BYTES + 1));
				if (b.length > MAX_ENTRY_BYTES) throw new IOException(name + "!" + e.getName() + " is too large for a " + what);
				entries.put(e.getName(), b);
			}
		}
		if (entries.isEmpty()) throw new IOException(name + " is not a " + what + " of this plugin (not a zip, or empty)");
		return new Reader(name, what, null, entries);
	}

	private static String capitalised(String s) {
		return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
	}
}
