package io.github.stad.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.stad.engine.Progress;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.net.Architecture;
import io.github.stad.engine.net.DescriptorNet;
import io.github.stad.engine.net.NetInputs;

import java.util.List;

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
	 * the tiling.
	 */
	public Maps errorAndVariance(FloatImage image, int tileSize, Progress progress) {
		return errorAndVariance(image, 0, 0, image.width(), image.height(), tileSize, progress);
	}

	/**
	 * e and v for the pixels of one window of a normalised image (row-major, w×h), exactly as in the
	 * map of the whole image: the tiles read the image around the window, not a reflection of it.
	 */
	public Maps errorAndVariance(FloatImage image, int left, int top, int w, int h, int tileSize, Progress progress) {
		if (left < 0 || top < 0 || w < 1 || h < 1 || left + w > image.width() || top + h > image.height()) {
			throw new IllegalArgumentException("Window " + w + "x" + h + " at (" + left + ", " + top + ") is not inside the " + image.width() + "x" + image.height() + " image");
		}
		float[] error = new float[w * h], variance = new float[w * h];
		Architecture arch = architecture();
		int m = students.size();
		if (tileSize < 1) throw new IllegalArgumentException("The tile size must be at least 1 pixel, got " + tileSize);
		int tilesX = (w + tileSize - 1) / tileSize, tiles = tilesX * ((h + tileSize - 1) / tileSize);
		for (int y0 = 0; y0 < h; y0 += tileSize) {
			for (int x0 = 0; x0 < w; x0 += tileSize) {
				progress.checkCancelled();
				// A large image takes minutes: say how far it is, tile by tile.
				int tile = (y0 / tileSize) * tilesX + x0 / tileSize;
				if (tiles > 1) progress.update("Scoring " + image.name() + ": p=" + arch.patchSize() + ", tile " + (tile + 1) + "/" + tiles, (double) tile / tiles);
				int tw = Math.min(tileSize, w - x0), th = Math.min(tileSize, h - y0);
				try (NDManager sub = teacher().manager().newSubManager()) {
					NDArray x = NetInputs.dense(sub, arch, image, left + x0, top + y0, tw, th);
					NDArray teacherOut = target.dense(x, th, tw);
					NDArray sumPred = null, sumNormSq = null;
					for (DescriptorNet student : students) {
						NDArray pred = student.dense(x, th, tw);
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
					float[] v = m > 1 ? sumNormSq.div(m).sub(mean.square().sum(new int[] { 1 })).maximum(0f).toFloatArray() : new float[tw * th];
					for (int y = 0; y < th; y++) {
						System.arraycopy(e, y * tw, error, (y0 + y) * w + x0, tw);
						System.arraycopy(v, y * tw, variance, (y0 + y) * w + x0, tw);
					}
				}
			}
		}
		return new Maps(error, variance);
	}

	@Override
	public void close() {
		target.teacher().close();
		for (DescriptorNet s : students) s.close();
	}
}
