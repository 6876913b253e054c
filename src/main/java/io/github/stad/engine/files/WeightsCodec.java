package io.github.stad.engine.files;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary form of a network's weights inside model and teacher files: a magic number, the tensor
 * count, then per tensor its length and little-endian floats. Independent of DJL's own format so a
 * file stays readable whatever the engine version.
 */
public final class WeightsCodec {

	private static final int MAGIC = 0x53544457; // "STDW"
	private static final int VERSION = 1;

	private WeightsCodec() {}

	public static void write(List<float[]> tensors, OutputStream out) throws IOException {
		DataOutputStream data = new DataOutputStream(out);
		data.writeInt(MAGIC);
		data.writeInt(VERSION);
		data.writeInt(tensors.size());
		for (float[] t : tensors) {
			data.writeInt(t.length);
			ByteBuffer buffer = ByteBuffer.allocate(4 * t.length).order(ByteOrder.LITTLE_ENDIAN);
			buffer.asFloatBuffer().put(t);
			data.write(buffer.array());
		}
		data.flush();
	}

	/** Reads tensors of any length (up to a sanity limit). */
	public static List<float[]> read(InputStream in, String what) throws IOException {
		return read(in, what, null);
	}

	/**
	 * Reads tensors whose count and lengths must equal {@code expectedLengths} (null: any), refusing a
	 * mismatch before anything large is allocated. The stream must end with the last tensor.
	 */
	public static List<float[]> read(InputStream in, String what, long[] expectedLengths) throws IOException {
		DataInputStream data = new DataInputStream(in);
		try {
			if (data.readInt() != MAGIC) throw new IOException(what + " is not a weights file of this plugin");
			int version = data.readInt();
			if (version != VERSION) throw new IOException(what + " has weights format " + version + "; this version reads " + VERSION + ". Update the plugin.");
			int count = data.readInt();
			if (count < 0 || count > 1000) throw new IOException(what + " is corrupt (tensor count " + count + ")");
			if (expectedLengths != null && count != expectedLengths.length) {
				throw new IOException(what + " does not match its architecture (" + count + " tensors, expected " + expectedLengths.length + "); the file is damaged or was edited");
			}
			List<float[]> tensors = new ArrayList<>(count);
			for (int i = 0; i < count; i++) {
				int length = data.readInt();
				if (length < 0 || length > 100_000_000) throw new IOException(what + " is corrupt (tensor length " + length + ")");
				if (expectedLengths != null && length != expectedLengths[i]) {
					throw new IOException(what + " does not match its architecture (tensor " + i + " has " + length + " values, expected " + expectedLengths[i] + "); the file is damaged or was edited");
				}
				byte[] bytes = new byte[4 * length];
				data.readFully(bytes);
				float[] t = new float[length];
				ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(t);
				tensors.add(t);
			}
			long extra = data.skip(Long.MAX_VALUE); // an entry holds its tensors and nothing else: junk after them is damage
			if (extra > 0) throw new IOException(what + " has " + extra + " bytes after its weights; the file is damaged or was edited (re-copy or re-train it)");
			return tensors;
		} catch (java.io.EOFException e) {
			throw new IOException(what + " is truncated; the file is incomplete (re-copy or re-train it)", e);
		}
	}
}
