package io.github.stad.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.github.stad.fiji.ij1.CommandBridge;
import org.junit.jupiter.api.Test;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.module.ModuleItem;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every run() of an Anomaly Detection command in the example macros writes every key Fiji's recorder
 * writes (all inputs but files left empty): in Fiji a key left out stops the macro at a dialog.
 */
class MacroKeysTest {

	private static final Pattern RUN = Pattern.compile("run\\(\"([^\"]+)\"\\s*,(.*?)\\);", Pattern.DOTALL);
	private static final Pattern KEY = Pattern.compile("(?:^|[\\s\"])([a-z_]+)=");
	private static final Pattern NAME = Pattern.compile("\\b([A-Za-z_][A-Za-z0-9_]*)\\b");

	@Test
	void everyRunOfACommandInTheExampleMacrosWritesEveryRecordedKey() throws Exception {
		Context context = new Context(CommandService.class);
		try {
			List<String> missing = new ArrayList<>();
			int runs = 0;
			try (Stream<Path> macros = Files.list(Path.of("macros"))) {
				for (Path macro : macros.filter(p -> p.toString().endsWith(".ijm")).sorted().toList()) {
					String text = Files.readString(macro);
					Matcher m = RUN.matcher(text);
					while (m.find()) {
						CommandInfo info = command(context, m.group(1));
						if (info == null) continue; // an ImageJ command such as Image Sequence...
						runs++;
						Set<String> written = keysOf(m.group(2), text);
						for (String key : recordedKeys(info)) {
							if (!written.contains(key)) missing.add(macro.getFileName() + ": run(\"" + m.group(1) + "\") lacks " + key);
						}
					}
				}
			}
			assertFalse(runs == 0, "no command run found in macros/");
			assertEquals(List.of(), missing);
		} finally {
			context.dispose();
		}
	}

	private static CommandInfo command(Context context, String title) {
		for (CommandInfo info : context.service(CommandService.class).getCommands()) {
			if (info.getClassName().startsWith("io.github.stad.fiji.") && title.equals(info.getTitle())) return info;
		}
		return null;
	}

	/** What Fiji's recorder writes for a run from the dialog: every input except a file left empty (null). */
	private static List<String> recordedKeys(CommandInfo info) {
		return CommandBridge.userInputs(info).stream().filter(i -> i.getType() != File.class).map(ModuleItem::getName).toList();
	}

	/** The keys in the options of a run(): written there, or in every assignment of a variable it uses. */
	private static Set<String> keysOf(String options, String macro) {
		Set<String> keys = keys(options);
		Matcher names = NAME.matcher(options.replaceAll("\"[^\"]*\"", " "));
		while (names.find()) {
			Set<String> common = null;
			Matcher a = Pattern.compile("\\b" + names.group(1) + "\\s*=\\s*(\"[^;]*);").matcher(macro);
			while (a.find()) {
				Set<String> k = keys(a.group(1));
				if (common == null) common = k;
				else common.retainAll(k);
			}
			if (common != null) keys.addAll(common);
		}
		return keys;
	}

	private static Set<String> keys(String text) {
		Set<String> keys = new HashSet<>();
		Matcher m = KEY.matcher(text);
		while (m.find()) keys.add(m.group(1));
		return keys;
	}
}
