package io.github.stad.engine;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Memory checks made before allocating: what a request needs against what this JVM (Java arrays)
 * or this machine (the networks' native tensors) can give, so that a setting or an image that
 * cannot fit is refused with both numbers instead of ending in an OutOfMemoryError or the kernel's kill.
 */
public final class Memory {

	private Memory() {}

	/** Java heap that can still be allocated: the maximum less what is in use. */
	public static long availableHeap() {
		Runtime r = Runtime.getRuntime();
		return r.maxMemory() - (r.totalMemory() - r.freeMemory());
	}

	/** The machine's physical memory (native tensors live outside the Java heap), or the heap maximum if unknown. */
	public static long physical() {
		if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
			long total = os.getTotalMemorySize();
			if (total > 0) return total;
		}
		return Runtime.getRuntime().maxMemory();
	}

	/** Bytes as people read them: "3.2 GB", "850 MB". */
	public static String format(double bytes) {
		if (bytes >= 1e12) return String.format(Locale.ROOT, "%,.0f GB", bytes / 1e9);
		if (bytes >= 1e9) return String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
		return String.format(Locale.ROOT, "%.0f MB", Math.max(1, bytes / 1e6));
	}

	/** Refuses a request of {@code needed} bytes of Java heap with a message that starts with {@code what} and ends with {@code hint}. */
	public static void requireHeap(double needed, String what, String hint) {
		long free = availableHeap();
		if (needed > free) {
			System.gc(); // what looks used may be garbage; ask once before refusing
			free = availableHeap();
		}
		if (needed > free) throw new IllegalArgumentException(what + " needs about " + format(needed) + " of memory, but only " + format(free) + " is free; " + hint);
	}
}
