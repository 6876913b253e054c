package io.github.stad.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.stad.engine.Progress;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.DescriptorNet;
import io.github.stad.engine.net.NetInputs;

import java.util.List;
import java.util.function.BiFunction;

/**
 * One patch size of a trained model, for scoring only: the normalised teacher (the students'
 * target) and its students. Immutable; how its scores are normalised lives in {@link Calibration}.
 */
public final class ScaleModel implements AutoCloseable {

	/** Per-pixel regression error and predictive variance of one image at one scale. */
	public record Maps(float[] error, float[] variance) {}

	private final TeacherTarget target;
	private final List<DescriptorNet> students;
	private final String teacherSource;

	/** @param teacherSource where the teacher came from (a file, the shipped default, or "random"): provenance */
	public ScaleModel(TeacherTarget target, List<DescriptorNet> students, String teacherSource) {
		if (students.isEmpty()) throw new IllegalArgumentException("A scale needs at least one student");
		for (DescriptorNet s : students) {
			if (!s.architecture().equals(target.architecture())) throw new IllegalArgumentException("Students must have the teacher's architecture");
		}
		this.target = target;
		this.students = List.copyOf(students);
		this.teacherSource = teacherSource;
	}

	public Architecture architecture() { return target.architecture(); }
	public TeacherTarget target() { return target; }
	public DescriptorNet teacher() { return target.teacher(); }
	public List<DescriptorNet> students() { return students; }
	public String teacherSource() { return teacherSource; }

	/**
	 * e and v for every pixel of a normalised image, computed tile by tile so that memory is bounded
	 * by the tile size; each tile reads its whole receptive field, so the result does not depend on
	 * the tiling. Exact maps (the dense form).
	 */
	public Maps errorAndVariance(FloatImage image, int tileSize, Progress progress) {
		return errorAndVariance(image, tileSize, MapMode.EXACT, progress);
	}

	/** e and v for every pixel of a normalised image, computed as {@code mode} says. */
	public Maps errorAndVariance(FloatImage image, int tileSize, MapMode mode, Progress progress) {
		return errorAndVariance(image, 0, 0, image.width(), image.height(), tileSize, mode, progress);
	}

	/** Exact e and v for the pixels of one window (see the overload with a mode). */
	public Maps errorAndVariance(FloatImage image, int left, int top, int w, int h, int tileSize, Progress progress) {
		return errorAndVariance(image, left, top, w, h, tileSize, MapMode.EXACT, progress);
	}

	/**
	 * e and v for the pixels of one window of a normalised image (row-major, w×h), exactly as in the
	 * map of the whole image: the tiles read the image around the window, not a reflection of it.
	 * Strided maps use the grid of the whole image, so a window's values do not depend on the window either.
	 */
	public Maps errorAndVariance(FloatImage image, int left, int top, int w, int h, int tileSize, MapMode mode, Progress progress) {
		if (left < 0 || top < 0 || w < 1 || h < 1 || left + w > image.width() || top + h > image.height()) {
			throw new IllegalArgumentException("Window " + w + "x" + h + " at (" + left + ", " + top + ") is not inside the " + image.width() + "x" + image.height() + " image");
		}
		if (tileSize < 1) throw new IllegalArgumentException("The tile size must be at least 1 pixel, got " + tileSize);
		int stride = architecture().outputStride();
		if (mode == MapMode.STRIDED && stride > 1) return stridedMaps(image, left, top, w, h, tileSize, stride, progress);
		return gridMaps(image, left, top, w, h, 1, tileSize, progress);
	}

	/**
	 * The maps on the image grid of {@code stride} that covers the window (one grid point at or past
	 * each side), bilinear between the grid points: exact on them.
	 */
	private Maps stridedMaps(FloatImage image, int left, int top, int w, int h, int tileSize, int stride, Progress progress) {
		int gx0 = left / stride, gy0 = top / stride;
		int gw = Math.floorDiv(left + w - 1 + stride - 1, stride) - gx0 + 1, gh = Math.floorDiv(top + h - 1 + stride - 1, stride) - gy0 + 1;
		Maps grid = gridMaps(image, gx0 * stride, gy0 * stride, gw, gh, stride, Math.max(1, tileSize / stride), progress);
		return new Maps(upsample(grid.error(), gw, gh, left - gx0 * stride, top - gy0 * stride, w, h, stride),
				upsample(grid.variance(), gw, gh, left - gx0 * stride, top - gy0 * stride, w, h, stride));
	}

	/** Pixel (x, y) of the w×h window at (dx, dy) from grid point (0, 0) lies at grid coordinates ((dx + x)/s, (dy + y)/s). */
	static float[] upsample(float[] grid, int gw, int gh, int dx, int dy, int w, int h, int stride) {
		float[] out = new float[w * h];
		for (int y = 0; y < h; y++) {
			int i0 = (dy + y) / stride, i1 = Math.min(gh - 1, i0 + 1);
			float ty = (float) ((dy + y) % stride) / stride;
			for (int x = 0; x < w; x++) {
				int j0 = (dx + x) / stride, j1 = Math.min(gw - 1, j0 + 1);
				float tx = (float) ((dx + x) % stride) / stride;
				float top = grid[i0 * gw + j0] * (1 - tx) + grid[i0 * gw + j1] * tx;
				float bottom = grid[i1 * gw + j0] * (1 - tx) + grid[i1 * gw + j1] * tx;
				out[y * w + x] = top * (1 - ty) + bottom * ty;
			}
		}
		return out;
	}

	/**
	 * e and v at the gw×gh points (left + stride·j, top + stride·i) of a normalised image, in tiles of
	 * tilePoints² points: stride 1 through the dense form, the natural output stride through the strided form.
	 */
	private Maps gridMaps(FloatImage image, int left, int top, int gw, int gh, int stride, int tilePoints, Progress progress) {
		float[] error = new float[gw * gh], variance = new float[gw * gh];
		Architecture arch = architecture();
		int tilesX = (gw + tilePoints - 1) / tilePoints, tiles = tilesX * ((gh + tilePoints - 1) / tilePoints);
		for (int y0 = 0; y0 < gh; y0 += tilePoints) {
			for (int x0 = 0; x0 < gw; x0 += tilePoints) {
				progress.checkCancelled();
				// A large image takes minutes: say how far it is, tile by tile.
				int tile = (y0 / tilePoints) * tilesX + x0 / tilePoints;
				if (tiles > 1) progress.update("Scoring " + image.name() + ": p=" + arch.patchSize() + ", tile " + (tile + 1) + "/" + tiles, (double) tile / tiles);
				int tw = Math.min(tilePoints, gw - x0), th = Math.min(tilePoints, gh - y0);
				try (NDManager sub = teacher().manager().newSubManager()) {
					float[][] ev = stride == 1
							? errorAndVariance(NetInputs.dense(sub, arch, image, left + x0, top + y0, tw, th), (net, x) -> net.dense(x, th, tw))
							: errorAndVariance(NetInputs.strided(sub, arch, List.of(image), new int[] { 0 }, new int[] { left + stride * x0 }, new int[] { top + stride * y0 }, tw, th),
									(net, x) -> net.strided(x).get(":, :, 0:" + th + ", 0:" + tw));
					for (int y = 0; y < th; y++) {
						System.arraycopy(ev[0], y * tw, error, (y0 + y) * gw + x0, tw);
						System.arraycopy(ev[1], y * tw, variance, (y0 + y) * gw + x0, tw);
					}
				}
			}
		}
		return new Maps(error, variance);
	}

	/** e = ‖mean − target‖² and v = mean ‖S‖² − ‖mean‖² of one input, through one form of the networks. */
	private float[][] errorAndVariance(NDArray x, BiFunction<DescriptorNet, NDArray, NDArray> form) {
		int m = students.size();
		NDArray teacherOut = target.normalise(form.apply(teacher(), x));
		NDArray sumPred = null, sumNormSq = null;
		for (DescriptorNet student : students) {
			NDArray pred = form.apply(student, x);
			try (NDArray squared = pred.square()) {
				NDArray normSq = squared.sum(new int[] { 1 });
				sumNormSq = sumNormSq == null ? normSq : sumNormSq.addi(normSq);
			}
			if (sumPred == null) {
				sumPred = pred;
			} else {
				sumPred.addi(pred);
				pred.close();
			}
		}
		NDArray mean = sumPred.div(m);
		float[] e = mean.sub(teacherOut).square().sum(new int[] { 1 }).toFloatArray();
		float[] v = m > 1 ? sumNormSq.div(m).sub(mean.square().sum(new int[] { 1 })).maximum(0f).toFloatArray() : new float[e.length];
		return new float[][] { e, v };
	}

	@Override
	public void close() {
		target.teacher().close();
		for (DescriptorNet s : students) s.close();
	}
}
