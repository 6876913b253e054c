package io.github.stad.jobs;

import io.github.stad.engine.model.MapMode;
import io.github.stad.engine.regions.Regions;
import io.github.stad.io.ImageEntry;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Everything one batch scoring needs besides the model, named: the images, the output folder, the
 * segmentation threshold (NaN: the model's default), the smallest region, the tile size, the output
 * guard and the shard. Both front ends fill a {@link #builder}; {@link Builder#build} checks the values
 * in this one place, named as the caller spells them ({@code --min-area} or {@code min_region_size});
 * {@link BatchDetectJob} runs it.
 */
public record ScoreRequest(List<ImageEntry> inputs, Path outDir, double threshold, int minArea, int tileSize, OutputGuard guard, Shard shard, MapMode maps) {

	public static final int DEFAULT_TILE = 256;

	public ScoreRequest {
		inputs = List.copyOf(inputs);
		Objects.requireNonNull(outDir, "outDir");
		Objects.requireNonNull(guard, "guard");
		Objects.requireNonNull(shard, "shard");
	}

	/** The same request with the threshold a front end chose once the model was loaded (NaN: the model's default). */
	public ScoreRequest withThreshold(double t) { return new ScoreRequest(inputs, outDir, t, minArea, tileSize, guard, shard, maps); }

	/** A request to write into {@code outDir}; the inputs may follow once the front end has resolved them. */
	public static Builder builder(Path outDir) { return new Builder(outDir); }

	/** The values as the user gave them; nothing is checked before {@link #build}. */
	public static final class Builder {
		private final Path outDir;
		private List<ImageEntry> inputs = List.of();
		private Double threshold; // null: the model's default
		private int minArea = Regions.DEFAULT_MIN_AREA, tileSize = DEFAULT_TILE;
		private OutputGuard guard = OutputGuard.noOverwrite();
		private Shard shard = Shard.ALL;
		private MapMode maps; // null: as the model was calibrated

		private Builder(Path outDir) { this.outDir = outDir; }

		public Builder inputs(List<ImageEntry> images) { inputs = images; return this; }
		/** A threshold on the anomaly map; not called: the model's default (a NaN given is refused, not taken for absent). */
		public Builder threshold(double t) { threshold = t; return this; }
		public Builder minArea(int pixels) { minArea = pixels; return this; }
		public Builder tile(int side) { tileSize = side; return this; }
		public Builder guard(OutputGuard g) { guard = g; return this; }
		public Builder shard(Shard s) { shard = s; return this; }
		/** How the maps are computed; null: as the model was calibrated. */
		public Builder maps(MapMode mode) { maps = mode; return this; }

		/** Checks each value given so far against its limit, named as {@code check} spells it: front ends call it before resolving the inputs. */
		public Builder check(ArgumentChecks check) {
			if (threshold != null) check.finite("threshold", threshold);
			check.count("min-area", minArea, 1, Integer.MAX_VALUE);
			check.tile("tile", tileSize);
			return this;
		}

		/** The request, after {@link #check} and a check that there are inputs. */
		public ScoreRequest build(ArgumentChecks check) {
			check(check);
			if (inputs.isEmpty()) throw new IllegalArgumentException("No images to score");
			return new ScoreRequest(inputs, outDir, threshold == null ? Double.NaN : threshold, minArea, tileSize, guard, shard, maps);
		}
	}
}
