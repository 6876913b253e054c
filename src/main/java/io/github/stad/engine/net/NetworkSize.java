package io.github.stad.engine.net;

/** The two free sizes of every network: channels of the hidden layers and descriptor dimension d. */
public record NetworkSize(int width, int descriptorDim) {

	public static final NetworkSize DEFAULT = new NetworkSize(Architecture.DEFAULT_WIDTH, Architecture.DEFAULT_DESCRIPTOR_DIM);

	public NetworkSize {
		if (width < 1 || descriptorDim < 1) throw new IllegalArgumentException("Network width and descriptor size must be positive, got " + width + " and " + descriptorDim);
	}
}
