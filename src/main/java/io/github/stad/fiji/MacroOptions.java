package io.github.stad.fiji;

import ij.Macro;
import org.scijava.ItemIO;
import org.scijava.plugin.Parameter;
import org.scijava.thread.ThreadService;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Macro options as Fiji's legacy layer reads them into SciJava parameters: only {@code key=value}
 * pairs count, so a checkbox is {@code key=true} or {@code key=false} and a bare word such as
 * {@code use_gpu} is ignored there. The ImageJ 1 bridge reads them the same way, and every command
 * warns about such a bare word, so that the mistake is visible in both.
 */
public final class MacroOptions {

	private MacroOptions() {}

	/** A boolean parameter is true only when written {@code key=true} (case-insensitive); a bare key or any other value is false. */
	public static boolean booleanValue(String options, String key) {
		return "true".equalsIgnoreCase(Macro.getValue(options, key, "false").trim());
	}

	/** The keys of an options string: words before '=' and bare words, skipping [bracketed] values; lower case. */
	public static List<String> words(String options) {
		List<String> keys = new ArrayList<>();
		for (Token t : tokens(options)) keys.add(t.key());
		return keys;
	}

	/** The bare words (written without '=') of an options string that name one of these boolean parameters. */
	public static List<String> bareBooleanWords(String options, List<String> booleanKeys) {
		List<String> found = new ArrayList<>();
		if (options == null) return found;
		for (Token t : tokens(options)) if (!t.hasValue() && booleanKeys.contains(t.key()) && !found.contains(t.key())) found.add(t.key());
		return found;
	}

	/** The warning for bare boolean words, or null when there are none. */
	public static String bareWordWarning(String options, List<String> booleanKeys) {
		List<String> bare = bareBooleanWords(options, booleanKeys);
		if (bare.isEmpty()) return null;
		String fix = String.join(" ", bare.stream().map(k -> k + "=true").toList());
		return "the macro options name " + String.join(", ", bare) + " without a value; Fiji reads only key=value, so "
				+ (bare.size() == 1 ? "it is" : "they are") + " taken as false. Write " + fix + " (or =false).";
	}

	/** The names of the boolean input parameters of a command class (its own and its superclasses'). */
	public static List<String> booleanParameters(Class<?> type) {
		List<String> names = new ArrayList<>();
		for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
			for (Field f : c.getDeclaredFields()) {
				Parameter p = f.getAnnotation(Parameter.class);
				if (p == null || p.type() == ItemIO.OUTPUT) continue;
				if (f.getType() == boolean.class || f.getType() == Boolean.class) names.add(f.getName());
			}
		}
		return names;
	}

	/**
	 * The macro options of the macro call that runs this thread, or null outside a macro: ImageJ keeps
	 * them per thread, and a SciJava command may run on a worker thread started by the macro's thread.
	 */
	static String current(ThreadService threads) {
		Thread t = macroThread(threads);
		return t == null ? null : optionsOf(t);
	}

	/** The thread whose macro call runs this command: this thread or the nearest parent holding macro options; null outside a macro. */
	static Thread macroThread(ThreadService threads) {
		Thread t = Thread.currentThread();
		if (Macro.getOptions() != null) return t;
		for (int depth = 0; threads != null && depth < 8; depth++) {
			t = threads.getParent(t);
			if (t == null) return null;
			if (optionsOf(t) != null) return t;
		}
		return null;
	}

	/** ImageJ 1 has no public getter for another thread's options; read its table, and give up quietly if that changes. */
	private static String optionsOf(Thread thread) {
		if (thread == Thread.currentThread()) return Macro.getOptions();
		try {
			Field table = Macro.class.getDeclaredField("table");
			table.setAccessible(true);
			Object value = ((java.util.Map<?, ?>) table.get(null)).get(thread);
			return value instanceof String s ? s : null;
		} catch (ReflectiveOperationException | RuntimeException e) {
			return null;
		}
	}

	private record Token(String key, boolean hasValue) {}

	private static List<Token> tokens(String options) {
		List<Token> out = new ArrayList<>();
		int i = 0, n = options.length();
		while (i < n) {
			while (i < n && options.charAt(i) == ' ') i++;
			int start = i;
			while (i < n && options.charAt(i) != ' ' && options.charAt(i) != '=') i++;
			String key = options.substring(start, i).toLowerCase(Locale.ROOT);
			boolean value = i < n && options.charAt(i) == '=';
			if (value) {
				i++;
				if (i < n && options.charAt(i) == '[') {
					int close = options.indexOf(']', i);
					i = close < 0 ? n : close + 1;
				} else {
					while (i < n && options.charAt(i) != ' ') i++;
				}
			}
			if (!key.isEmpty()) out.add(new Token(key, value));
		}
		return out;
	}
}
