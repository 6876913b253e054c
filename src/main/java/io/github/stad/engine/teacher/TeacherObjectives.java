package io.github.stad.engine.teacher;

import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.net.TeacherWeights;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The registry of teacher objectives: which {@link TeacherObjective} each {@link TeacherSettings.Mode} trains. */
public final class TeacherObjectives {

	private TeacherObjectives() {}

	/**
	 * What objectives read besides their settings: the photographs (not normalised), a teacher to start from
	 * (or null), the pretrained network of patch-mode Lk (or null), and the folder of precomputed targets
	 * of the distil mode (or null).
	 */
	public record Sources(List<FloatImage> photos, TeacherWeights initial, Distiller distiller, Path targets) {
		public static Sources photos(List<FloatImage> photos) { return new Sources(photos, null, null, null); }

		public Sources startingFrom(TeacherWeights teacher) { return new Sources(photos, teacher, distiller, targets); }
	}

	public static TeacherObjective create(TeacherSettings s, Sources in) throws IOException {
		if (in.distiller() != null && s.mode() != TeacherSettings.Mode.PATCH) throw new IllegalArgumentException("A network to distil from on patches (--distill) needs --mode patch; the distil mode reads precomputed --targets");
		if (in.targets() != null && s.mode() != TeacherSettings.Mode.DISTIL) throw new IllegalArgumentException("Precomputed targets (--targets) are read by --mode distil only");
		return switch (s.mode()) {
			case PATCH -> new PatchObjective(in.photos(), s, in.initial(), in.distiller());
			case DENSE -> new DenseObjective(in.photos(), s, in.initial());
			case COLOUR -> new ColourObjective(in.photos(), s, in.initial());
			case DISTIL -> distillation(s, in);
		};
	}

	private static TeacherObjective distillation(TeacherSettings s, Sources in) throws IOException {
		if (in.targets() == null) throw new IllegalArgumentException("The distil mode needs the folder of P's precomputed features (--targets DIR, made by bench/distill/targets.py)");
		DistillationTargets targets = DistillationTargets.open(in.targets());
		// Images are named after their file without the extension, as the targets are.
		List<String> names = in.photos().stream().map(FloatImage::name).toList();
		return new DistillationObjective(in.photos(), targets, targets.maps(names), s, in.initial());
	}
}
