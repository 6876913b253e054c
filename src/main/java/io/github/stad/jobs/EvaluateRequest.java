package io.github.stad.jobs;

import io.github.stad.engine.model.MapMode;
import io.github.stad.io.ImageEntry;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Everything one evaluation needs besides where its maps come from (a model that scores now, or the maps a
 * batch detection wrote), named: the test images with their masks, the output folder, the false-positive
 * rate that AU-PRO is integrated up to, the tile size and map mode of scoring, and the output guard. Both
 * front ends fill a {@link #builder}; {@link Builder#build} checks the values in this one place, named as
 * the caller spells them ({@code --max-fpr} or {@code max_fpr}); {@link EvaluateJob} runs it.
 */
public record EvaluateRequest(List<ImageEntry> tests, Path outDir, double maxFpr, int tileSize, MapMode maps, OutputGuard guard) {

	/** AU-PRO up to a false-positive rate of 30 %, as in MVTec AD. */
	public static final double DEFAULT_MAX_FPR = 0.3;

	public EvaluateRequest {
		tests = List.copyOf(tests);
		Objects.requireNonNull(outDir, "outDir");
		Objects.requireNonNull(guard, "guard");
	}

	/** A request to write into {@code outDir}; the test images may follow once the front end has resolved them. */
	public static Builder builder(Path outDir) { return new Builder(outDir); }

	/** The values as the user gave them; nothing is checked before {@link #check} or {@link #build}. */
	public static final class Builder {
		private final Path outDir;
		private List<ImageEntry> tests = List.of();
		private double maxFpr = DEFAULT_MAX_FPR;
		private int tileSize = ScoreRequest.DEFAULT_TILE;
		private MapMode maps; // null: as the model was calibrated
		private OutputGuard guard = OutputGuard.noOverwrite();

		private Builder(Path outDir) { this.outDir = outDir; }

		/** The test images, with their masks already matched (defect-free images have none). */
		public Builder tests(List<ImageEntry> images) { tests = images; return this; }
		public Builder maxFpr(double rate) { maxFpr = rate; return this; }
		public Builder tile(int side) { tileSize = side; return this; }
		/** How a model scoring now computes the maps; null: as the model was calibrated. */
		public Builder maps(MapMode mode) { maps = mode; return this; }
		public Builder guard(OutputGuard g) { guard = g; return this; }

		/** Checks each value given so far against its limit, named as {@code check} spells it: front ends call it before resolving the test set. */
		public Builder check(ArgumentChecks check) {
			check.rate("max-fpr", maxFpr, true);
			check.tile("tile", tileSize);
			return this;
		}

		/** The request, after {@link #check} and a check that there are test images. */
		public EvaluateRequest build(ArgumentChecks check) {
			check(check);
			if (tests.isEmpty()) throw new IllegalArgumentException("No test images: give a test set that holds images (a folder, type subfolders as in MVTec AD, or a split.csv)");
			return new EvaluateRequest(tests, outDir, maxFpr, tileSize, maps, guard);
		}
	}
}
