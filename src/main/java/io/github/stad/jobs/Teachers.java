package io.github.stad.jobs;

import io.github.stad.engine.files.TeacherFile;
import io.github.stad.engine.net.TeacherWeights;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Which teacher each scale gets: a file the user gave for that patch size, else the shipped default, else none (random). */
public final class Teachers {

	private Teachers() {}

	public static TeacherWeights.Source fromFiles(List<Path> files, boolean useDefaults) throws IOException {
		Map<String, TeacherWeights> given = new LinkedHashMap<>();
		for (Path f : files) {
			TeacherWeights t = TeacherFile.load(f);
			given.put(t.architecture().patchSize() + "/" + t.architecture().inputChannels(), t);
		}
		return (p, channels) -> {
			TeacherWeights t = given.get(p + "/" + channels);
			if (t != null || !useDefaults) return t;
			try {
				return TeacherFile.defaultTeacher(p, channels);
			} catch (IOException e) {
				throw new UncheckedIOException("The shipped default teacher could not be read: " + e.getMessage(), e);
			}
		};
	}
}
