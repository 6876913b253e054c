package io.github.stad.jobs;

import io.github.stad.engine.training.TrainingSettings;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What one refinement of a model needs besides its images, named: the model file it reads, where the
 * refined model is written, the training settings of the continuation (seed, time budget or epochs, tile
 * size, GPU) and the output guard. Both front ends fill a {@link #builder}; {@link Builder#build} checks
 * the values in this one place, named as the caller spells them; {@link RefineJob} runs it.
 */
public record RefineRequest(Path model, Path out, TrainingSettings settings, OutputGuard guard) {

	/** Minutes a refinement takes by default: it continues trained students, so a few minutes do. */
	public static final double DEFAULT_MINUTES = 5;

	public RefineRequest {
		Objects.requireNonNull(model, "model");
		Objects.requireNonNull(out, "out");
		Objects.requireNonNull(settings, "settings");
		Objects.requireNonNull(guard, "guard");
	}

	public static Builder builder(Path model, Path out) { return new Builder(model, out); }

	/** The values as the user gave them; nothing is checked before {@link #build}. */
	public static final class Builder {
		private final Path model, out;
		private long seed = 1;
		private boolean gpu;
		private int tile = ScoreRequest.DEFAULT_TILE;
		private Integer epochs;
		private double minutes = DEFAULT_MINUTES;
		private OutputGuard guard = OutputGuard.noOverwrite();

		private Builder(Path model, Path out) {
			this.model = model;
			this.out = out;
		}

		public Builder seed(long s) { seed = s; return this; }
		public Builder useGpu(boolean g) { gpu = g; return this; }
		public Builder tile(int side) { tile = side; return this; }
		/** A fixed number of epochs instead of the time budget. */
		public Builder epochs(int e) { epochs = e; return this; }
		public Builder timeBudget(double m) { minutes = m; return this; }
		public Builder guard(OutputGuard g) { guard = g; return this; }

		/** The request, after each value is checked against its limit, named as {@code check} spells it. */
		public RefineRequest build(ArgumentChecks check) {
			TrainingSettings.Builder b = TrainingSettings.builder().seed(seed).tileSize(check.tile("tile", tile)).useGpu(gpu);
			if (epochs != null) b.epochs(check.count("epochs", epochs, 1, 1_000_000));
			else b.timeBudget(check.positive("time-budget", minutes));
			return new RefineRequest(model, out, b.build(), guard);
		}
	}
}
