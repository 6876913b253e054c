package io.github.stad.engine.regions;

/** Labels the 8-connected components of a binary mask (used for PRO regions and for ROIs). */
public final class ConnectedComponents {

	private ConnectedComponents() {}

	/**
	 * @return labels, 0 for background and 1..n for the components, in raster order of their first pixel;
	 *         {@code labels[width*height]} is not used — the count is returned by {@link #count(int[])}.
	 */
	public static int[] label(boolean[] mask, int width, int height) {
		int[] labels = new int[mask.length];
		int[] stack = new int[mask.length];
		int next = 0;
		for (int start = 0; start < mask.length; start++) {
			if (!mask[start] || labels[start] != 0) continue;
			next++;
			int top = 0;
			stack[top++] = start;
			labels[start] = next;
			while (top > 0) {
				int p = stack[--top];
				int px = p % width, py = p / width;
				for (int dy = -1; dy <= 1; dy++) {
					int y = py + dy;
					if (y < 0 || y >= height) continue;
					for (int dx = -1; dx <= 1; dx++) {
						int x = px + dx;
						if (x < 0 || x >= width) continue;
						int q = y * width + x;
						if (mask[q] && labels[q] == 0) {
							labels[q] = next;
							stack[top++] = q;
						}
					}
				}
			}
		}
		return labels;
	}

	/** The number of components in a label image made by {@link #label}. */
	public static int count(int[] labels) {
		int max = 0;
		for (int l : labels) max = Math.max(max, l);
		return max;
	}
}
