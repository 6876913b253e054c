package io.github.stad.engine;

/**
 * Where and in what pieces the networks run: the tile size that bounds memory in dense passes,
 * and whether a GPU may be used (the CPU is the fallback).
 */
public record ComputeSettings(int tileSize, boolean useGpu) {

	public static final ComputeSettings DEFAULT = new ComputeSettings(256, true);

	public ComputeSettings {
		if (tileSize < 16) throw new IllegalArgumentException("Tile size must be at least 16, got " + tileSize);
	}
}
