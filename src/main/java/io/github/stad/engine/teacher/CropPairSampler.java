package io.github.stad.engine.teacher;

import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.image.InputNormalisation;
import io.github.stad.engine.image.PaddedCrops;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.DescriptorNet;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Crop pairs for dense teacher training ({@link DenseObjective}): crops of random photographs at
 * random places, sized so that the strided network's output is a grid×grid grid of descriptors, and
 * for each an augmented copy (the positive). The geometric transforms keep grid points on grid points:
 * a flip or 90° turn of the whole crop maps the window of grid point (i, j) onto the window of another
 * grid point, and a shift by whole strides moves the grid by whole points, so the positive of an anchor
 * grid point is the descriptor of exactly the same pixels, transformed. A scale change resamples the
 * crop; its positives are the nearest grid points. Every batch is a pure function of (seed, step).
 */
public final class CropPairSampler {

	/**
	 * A batch of {@code crops} pairs. Inputs are [crops, C, inputSize, inputSize], normalised. Grid points
	 * are numbered (b·grid + i)·grid + j for the anchors, then the same again for the positives.
	 * {@code positiveOf[k]} is the number of anchor point k's positive (≥ crops·grid²) or −1 when the
	 * transformed point fell outside the positive's grid. For every point of both: the photograph it
	 * comes from and the image location its window is centred on; per crop the flip/turn of its positive.
	 */
	public record Batch(float[] anchors, float[] positives, int[] positiveOf, int[] image, float[] x, float[] y, Dihedral[] turns, int crops, int grid, int inputSize) {
		public int pointsPerSide() { return crops * grid * grid; }
	}

	private final List<FloatImage> images;
	private final InputNormalisation normalisation;
	private final int channels, stride, receptiveField, grid, inputSize;
	private final TeacherSettings.DenseAugmentation augmentation;

	public CropPairSampler(List<FloatImage> images, InputNormalisation normalisation, Architecture arch, int grid, TeacherSettings.DenseAugmentation augmentation) {
		if (images.isEmpty()) throw new IllegalArgumentException("No images to sample crops from");
		this.channels = images.get(0).channels();
		this.stride = arch.outputStride();
		this.receptiveField = arch.receptiveField();
		this.grid = grid;
		this.inputSize = DescriptorNet.stridedInputSize(arch, grid);
		int needed = inputSize + 2 * augmentation.maxShift() * stride;
		for (FloatImage image : images) {
			if (image.channels() != channels) throw new IllegalArgumentException("All images must have the same channel count (" + image.name() + ")");
			if (Math.min(image.width(), image.height()) < needed) {
				throw new IllegalArgumentException(image.name() + " is " + image.width() + "x" + image.height() + ", too small for " + inputSize + "x" + inputSize
						+ " crops (a " + grid + "x" + grid + " grid at p=" + arch.patchSize() + ") shifted by up to " + augmentation.maxShift() * stride
						+ " pixels; remove it, use larger images or a smaller grid");
			}
		}
		this.images = List.copyOf(images);
		this.normalisation = normalisation;
		this.augmentation = augmentation;
	}

	public int inputSize() { return inputSize; }

	public Batch sample(int crops, long seed, long step) {
		SplittableRandom stepRandom = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step);
		int n = inputSize, g = grid, s = stride, per = channels * n * n, points = crops * g * g;
		float[] anchors = new float[crops * per], positives = new float[crops * per], source = new float[per];
		int[] positiveOf = new int[points], image = new int[2 * points];
		Dihedral[] turns = new Dihedral[crops];
		float[] px = new float[2 * points], py = new float[2 * points];
		double half = (n - 1) / 2.0, centre = (receptiveField - 1) / 2.0;
		int maxShift = augmentation.maxShift();
		for (int b = 0; b < crops; b++) {
			// One split per crop: what crop b draws never changes what the crops after it draw.
			SplittableRandom r = stepRandom.split();
			int index = r.nextInt(images.size());
			FloatImage photo = images.get(index);
			int margin = maxShift * s;
			int x = margin + r.nextInt(photo.width() - n - 2 * margin + 1), y = margin + r.nextInt(photo.height() - n - 2 * margin + 1);
			int kx = r.nextInt(2 * maxShift + 1) - maxShift, ky = r.nextInt(2 * maxShift + 1) - maxShift;
			double scale = augmentation.scale() > 0 ? Math.exp(r.nextDouble(-Math.log1p(augmentation.scale()), Math.log1p(augmentation.scale()))) : 1;
			Dihedral turn = Dihedral.random(r, augmentation.flips(), augmentation.turns());
			turns[b] = turn;

			PaddedCrops.window(photo, x, y, n, n, anchors, b * per);
			normalisation.applyInPlace(anchors, b * per, n * n);
			// The positive before its flip/turn: the crop shifted by whole strides, resampled when scaled.
			double cx = x + s * kx + half, cy = y + s * ky + half;
			if (scale == 1) PaddedCrops.window(photo, x + s * kx, y + s * ky, n, n, source, 0);
			else resample(photo, cx, cy, scale, source);
			normalisation.applyInPlace(source, 0, n * n);
			for (int c = 0; c < channels; c++) {
				for (int v = 0; v < n; v++) for (int u = 0; u < n; u++) positives[b * per + c * n * n + turn.row(u, v, n) * n + turn.column(u, v, n)] = source[c * n * n + v * n + u];
			}
			photometric(positives, b * per, n, r);

			for (int i = 0; i < g; i++) {
				for (int j = 0; j < g; j++) {
					int anchor = (b * g + i) * g + j;
					double ax = x + s * j + centre, ay = y + s * i + centre;
					image[anchor] = index;
					px[anchor] = (float) ax;
					py[anchor] = (float) ay;
					// Where the anchor's window centre lies on the positive's grid before the flip/turn.
					long sj = Math.round(((ax - cx) / scale + half - centre) / s), si = Math.round(((ay - cy) / scale + half - centre) / s);
					positiveOf[anchor] = sj >= 0 && sj < g && si >= 0 && si < g ? points + (b * g + turn.row((int) sj, (int) si, g)) * g + turn.column((int) sj, (int) si, g) : -1;
					// The positive grid point that (i, j) turns into, and the image location it describes.
					int positive = points + (b * g + turn.row(j, i, g)) * g + turn.column(j, i, g);
					image[positive] = index;
					px[positive] = (float) (cx + (s * j + centre - half) * scale);
					py[positive] = (float) (cy + (s * i + centre - half) * scale);
				}
			}
		}
		return new Batch(anchors, positives, positiveOf, image, px, py, turns, crops, g, n);
	}

	/**
	 * The batch's anchor crops, each with one synthetic defect planted at a random place, and for every
	 * anchor grid point whether the defect covers enough of the centre of its window (the central
	 * half-side square, at least 2 % of it) for the descriptor to be expected to change. Shapes: an
	 * ellipse (radii 1.5 px to a third of the window) or a line segment (1–3 px wide, a quarter to a
	 * whole window long), anti-aliased. Contents, per crop in normalised units: a window of another
	 * photograph (half of the time rescaled to the crop's mean and standard deviation), the crop blurred
	 * (σ 1–4 px, shifted by up to half a standard deviation), a grating (period 3 px to half the window,
	 * any orientation, at the crop's mean and 0.5–1.5 times its contrast) or a flat spot 1–3 standard
	 * deviations brighter or darker. A pure function of (seed, step, batch).
	 */
	public Defects defects(Batch batch, long seed, long step) {
		SplittableRandom stepRandom = new SplittableRandom((seed * 0x9E3779B97F4A7C15L + step) ^ 0x2545F4914F6CDD1DL);
		int n = inputSize, plane = n * n, per = channels * plane;
		float[] out = batch.anchors().clone(), content = new float[per];
		boolean[] altered = new boolean[batch.pointsPerSide()];
		for (int b = 0; b < batch.crops(); b++) {
			SplittableRandom r = stepRandom.split();
			float[] alpha = defectShape(r);
			int kind = r.nextInt(4);
			if (kind == 0) {
				FloatImage other = images.get(r.nextInt(images.size()));
				PaddedCrops.window(other, r.nextInt(other.width() - n + 1), r.nextInt(other.height() - n + 1), n, n, content, 0);
				normalisation.applyInPlace(content, 0, plane);
			}
			boolean matchStatistics = r.nextBoolean();
			double sigma = r.nextDouble(1, 4), shift = r.nextDouble(-0.5, 0.5), period = r.nextDouble(3, Math.max(3.5, receptiveField / 2.0)),
					phase = r.nextDouble(2 * Math.PI), angle = r.nextDouble(Math.PI), amplitude = r.nextDouble(0.5, 1.5) * Math.sqrt(2),
					level = r.nextDouble(1, 3) * (r.nextBoolean() ? 1 : -1);
			for (int c = 0; c < channels; c++) {
				int co = b * per + c * plane, cc = c * plane;
				double[] crop = meanAndStd(out, co, plane);
				double mean = crop[0], std = crop[1];
				switch (kind) {
					case 0 -> {
						if (matchStatistics) {
							double[] other = meanAndStd(content, cc, plane);
							for (int k = cc; k < cc + plane; k++) content[k] = (float) (mean + (content[k] - other[0]) / other[1] * std);
						}
					}
					case 1 -> {
						System.arraycopy(out, co, content, cc, plane);
						blur(content, cc, n, sigma);
						for (int k = cc; k < cc + plane; k++) content[k] += (float) (shift * std);
					}
					case 2 -> {
						double fx = Math.cos(angle) * 2 * Math.PI / period, fy = Math.sin(angle) * 2 * Math.PI / period;
						for (int v = 0; v < n; v++) for (int u = 0; u < n; u++) content[cc + v * n + u] = (float) (mean + amplitude * std * Math.sin(u * fx + v * fy + phase));
					}
					default -> java.util.Arrays.fill(content, cc, cc + plane, (float) (mean + level * std));
				}
				for (int k = 0; k < plane; k++) out[co + k] += alpha[k] * (content[cc + k] - out[co + k]);
			}
			markWindowsThatSee(alpha, altered, b * grid * grid);
		}
		return new Defects(out, altered);
	}

	/** Coverage (0–1, anti-aliased) of one defect over the crop: an ellipse or a line segment at a random place and angle. */
	private float[] defectShape(SplittableRandom r) {
		int n = inputSize;
		float[] alpha = new float[n * n];
		double cx = r.nextDouble(n), cy = r.nextDouble(n), theta = r.nextDouble(Math.PI);
		double ct = Math.cos(theta), st = Math.sin(theta);
		boolean line = r.nextBoolean();
		double ra = r.nextDouble(1.5, Math.max(2, receptiveField / 3.0)), rb = r.nextDouble(1.5, ra + 1e-9);
		double length = r.nextDouble(receptiveField / 4.0, receptiveField), width = r.nextDouble(1, 3);
		for (int v = 0; v < n; v++) {
			for (int u = 0; u < n; u++) {
				double du = u - cx, dv = v - cy, along = du * ct + dv * st, across = -du * st + dv * ct;
				double a = line ? width / 2 + 0.5 - Math.hypot(Math.max(0, Math.abs(along) - length / 2), across) : (1 - Math.hypot(along / ra, across / rb)) * rb + 0.5;
				alpha[v * n + u] = (float) Math.max(0, Math.min(1, a));
			}
		}
		return alpha;
	}

	/** Marks the grid points (from {@code first} on, one crop's grid) whose window centre, the central half-side square, the defect covers by at least 2 %. */
	private void markWindowsThatSee(float[] alpha, boolean[] altered, int first) {
		int n = inputSize, side = Math.max(3, receptiveField / 2), offset = (receptiveField - side) / 2;
		double needed = Math.max(2, 0.02 * side * side);
		double[] area = new double[(n + 1) * (n + 1)]; // summed-area table of the coverage
		for (int v = 0; v < n; v++) {
			for (int u = 0; u < n; u++) area[(v + 1) * (n + 1) + u + 1] = alpha[v * n + u] + area[v * (n + 1) + u + 1] + area[(v + 1) * (n + 1) + u] - area[v * (n + 1) + u];
		}
		for (int i = 0; i < grid; i++) {
			for (int j = 0; j < grid; j++) {
				int y0 = stride * i + offset, x0 = stride * j + offset, y1 = Math.min(n, y0 + side), x1 = Math.min(n, x0 + side);
				double covered = area[y1 * (n + 1) + x1] - area[y0 * (n + 1) + x1] - area[y1 * (n + 1) + x0] + area[y0 * (n + 1) + x0];
				altered[first + i * grid + j] = covered >= needed;
			}
		}
	}

	/** Mean and standard deviation (at least 1e-6) of {@code length} values from {@code offset}. */
	private static double[] meanAndStd(float[] data, int offset, int length) {
		double sum = 0, sq = 0;
		for (int k = offset; k < offset + length; k++) {
			sum += data[k];
			sq += (double) data[k] * data[k];
		}
		double mean = sum / length;
		return new double[] { mean, Math.sqrt(Math.max(1e-12, sq / length - mean * mean)) };
	}

	/** Anchor crops with a planted defect each ({@link #defects}), laid out like {@link Batch#anchors()}; per anchor grid point whether it sees the defect. */
	public record Defects(float[] crops, boolean[] altered) {}

	/** Brightness, contrast, gamma, blur and noise of the positive crop at {@code offset}, in normalised units. */
	private void photometric(float[] data, int offset, int n, SplittableRandom r) {
		TeacherSettings.DenseAugmentation a = augmentation;
		double sigma = r.nextBoolean() ? r.nextDouble() * a.blur() : 0;
		double gamma = Math.exp(r.nextDouble(-1, 1) * Math.log1p(a.gamma()));
		double contrast = 1 + r.nextDouble(-1, 1) * a.contrast();
		double brightness = r.nextDouble(-1, 1) * a.brightness();
		int plane = n * n;
		for (int c = 0; c < channels; c++) {
			int o = offset + c * plane;
			if (sigma > 0.05) blur(data, o, n, sigma);
			float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
			double sum = 0;
			for (int k = o; k < o + plane; k++) {
				lo = Math.min(lo, data[k]);
				hi = Math.max(hi, data[k]);
				sum += data[k];
			}
			double mean = sum / plane, range = hi - lo;
			for (int k = o; k < o + plane; k++) {
				double v = data[k];
				// Gamma on the crop's own intensity range, so it bends the tone curve whatever the units.
				if (gamma != 1 && range > 1e-6) v = lo + range * Math.pow((v - lo) / range, gamma);
				v = mean + (v - mean) * contrast + brightness;
				if (a.noiseStd() > 0) v += a.noiseStd() * Gaussian.sample(r);
				data[k] = (float) v;
			}
		}
	}

	/** Separable Gaussian blur of one n×n plane, reflecting at the crop's border. */
	private static void blur(float[] data, int offset, int n, double sigma) {
		int radius = (int) Math.ceil(2 * sigma);
		double[] kernel = new double[2 * radius + 1];
		double total = 0;
		for (int k = -radius; k <= radius; k++) total += kernel[k + radius] = Math.exp(-k * k / (2 * sigma * sigma));
		for (int k = 0; k < kernel.length; k++) kernel[k] /= total;
		float[] tmp = new float[n * n];
		for (int v = 0; v < n; v++) {
			for (int u = 0; u < n; u++) {
				double acc = 0;
				for (int k = -radius; k <= radius; k++) acc += kernel[k + radius] * data[offset + v * n + PaddedCrops.reflect(u + k, n)];
				tmp[v * n + u] = (float) acc;
			}
		}
		for (int v = 0; v < n; v++) {
			for (int u = 0; u < n; u++) {
				double acc = 0;
				for (int k = -radius; k <= radius; k++) acc += kernel[k + radius] * tmp[PaddedCrops.reflect(v + k, n) * n + u];
				data[offset + v * n + u] = (float) acc;
			}
		}
	}

	/** Bilinear samples of the photograph around (cx, cy) at {@code scale} image pixels per crop pixel, reflected past its borders. */
	private void resample(FloatImage photo, double cx, double cy, double scale, float[] out) {
		int n = inputSize, w = photo.width(), h = photo.height();
		double half = (n - 1) / 2.0;
		for (int c = 0; c < channels; c++) {
			float[] src = photo.channel(c);
			for (int v = 0; v < n; v++) {
				double fy = cy + (v - half) * scale;
				int y0 = (int) Math.floor(fy);
				double ty = fy - y0;
				int r0 = PaddedCrops.reflect(y0, h) * w, r1 = PaddedCrops.reflect(y0 + 1, h) * w;
				for (int u = 0; u < n; u++) {
					double fx = cx + (u - half) * scale;
					int x0 = (int) Math.floor(fx);
					double tx = fx - x0;
					int c0 = PaddedCrops.reflect(x0, w), c1 = PaddedCrops.reflect(x0 + 1, w);
					out[c * n * n + v * n + u] = (float) ((1 - ty) * ((1 - tx) * src[r0 + c0] + tx * src[r0 + c1]) + ty * ((1 - tx) * src[r1 + c0] + tx * src[r1 + c1]));
				}
			}
		}
	}

	/**
	 * One of the 8 symmetries of a square: transpose, then mirror columns and/or rows. Applied to pixel
	 * coordinates of the crop (side n) or to grid coordinates (side grid) it is the same map, because a
	 * mirrored window of the strided grid starts at stride·(grid − 1 − j).
	 */
	public record Dihedral(boolean transpose, boolean mirrorColumns, boolean mirrorRows) {

		static Dihedral random(SplittableRandom r, boolean flips, boolean turns) {
			boolean t = false, mc = false, mr = false;
			if (turns) {
				// Turns by 0°, 90°, 180°, 270°.
				int k = r.nextInt(4);
				t = k % 2 == 1;
				mc = k == 1 || k == 2;
				mr = k == 2 || k == 3;
			}
			if (flips) {
				if (r.nextBoolean()) mc = !mc;
				if (r.nextBoolean()) mr = !mr;
			}
			return new Dihedral(t, mc, mr);
		}

		/** The column that (column u, row v) of an n×n square moves to. */
		public int column(int u, int v, int n) {
			int a = transpose ? v : u;
			return mirrorColumns ? n - 1 - a : a;
		}

		public int row(int u, int v, int n) {
			int b = transpose ? u : v;
			return mirrorRows ? n - 1 - b : b;
		}
	}
}
