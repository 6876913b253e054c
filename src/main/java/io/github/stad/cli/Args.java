package io.github.stad.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** `--name value` options of one subcommand; every option must be known and given at most once. */
final class Args {

	/** A usage error: printed as one line, exit code 2. */
	static final class UsageException extends RuntimeException {
		UsageException(String message) { super(message); }
	}

	private final Map<String, String> values = new LinkedHashMap<>();
	private final Set<String> used = new HashSet<>();

	Args(List<String> args, Set<String> flags) {
		for (int i = 0; i < args.size(); i++) {
			String a = args.get(i);
			if (!a.startsWith("--")) throw new UsageException("unexpected argument '" + a + "'");
			String name = a.substring(2);
			String value;
			int eq = name.indexOf('=');
			if (eq >= 0) {
				value = name.substring(eq + 1);
				name = name.substring(0, eq);
			} else if (flags.contains(name)) {
				value = "true";
			} else {
				if (i + 1 >= args.size()) throw new UsageException("--" + name + " needs a value");
				value = args.get(++i);
			}
			if (values.put(name, value) != null) throw new UsageException("--" + name + " is given twice");
		}
	}

	String required(String name) {
		String v = optional(name, null);
		if (v == null) throw new UsageException("--" + name + " is required");
		return v;
	}

	String optional(String name, String fallback) {
		used.add(name);
		return values.getOrDefault(name, fallback);
	}

	Path path(String name) { return Path.of(required(name)); }

	boolean flag(String name) { return Boolean.parseBoolean(optional(name, "false")); }

	int integer(String name, int fallback) {
		String v = optional(name, null);
		if (v == null) return fallback;
		try {
			return Integer.parseInt(v.trim());
		} catch (NumberFormatException e) {
			throw new UsageException("--" + name + " must be a whole number, got '" + v + "'");
		}
	}

	double number(String name, double fallback) {
		String v = optional(name, null);
		if (v == null) return fallback;
		try {
			return Double.parseDouble(v.trim());
		} catch (NumberFormatException e) {
			throw new UsageException("--" + name + " must be a number, got '" + v + "'");
		}
	}

	int[] integers(String name, int[] fallback) {
		String v = optional(name, null);
		if (v == null) return fallback;
		String[] parts = v.split(",");
		int[] out = new int[parts.length];
		for (int i = 0; i < parts.length; i++) {
			try {
				out[i] = Integer.parseInt(parts[i].trim());
			} catch (NumberFormatException e) {
				throw new UsageException("--" + name + " must be comma-separated whole numbers, got '" + v + "'");
			}
		}
		return out;
	}

	List<Path> paths(String name) {
		String v = optional(name, null);
		List<Path> out = new ArrayList<>();
		if (v != null) for (String p : v.split(",")) if (!p.isBlank()) out.add(Path.of(p.trim()));
		return out;
	}

	/** Fails on options that no one asked for (typos). Call after reading all options. */
	void rejectUnknown() {
		for (String name : values.keySet()) {
			if (!used.contains(name)) throw new UsageException("unknown option --" + name);
		}
	}
}
