package io.github.stad.bench;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.io.Opener;
import ij.process.ImageProcessor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a smaller copy of the magnetic-tile split for CPU benchmarks (outside the repository):
 * every k-th image of each split (keeping the split's order), downscaled by a factor, masks with
 * nearest-neighbour scaling, and a split.csv in the same layout. Not a test.
 * usage: MagneticTileSubset SPLIT_CSV OUT_DIR SCALE TRAIN_EVERY VAL_EVERY TEST_EVERY
 */
public final class MagneticTileSubset {

	public static void main(String[] args) throws IOException {
		Path csv = Path.of(args[0]), out = Path.of(args[1]);
		// SCALE is a factor (0.5) or a fixed size (256x256).
		boolean fixed = args[2].contains("x");
		double scale = fixed ? 1 : Double.parseDouble(args[2]);
		int fixedW = fixed ? Integer.parseInt(args[2].split("x")[0]) : 0, fixedH = fixed ? Integer.parseInt(args[2].split("x")[1]) : 0;
		int[] every = { Integer.parseInt(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]) };
		List<String> lines = Files.readAllLines(csv);
		List<String> rows = new ArrayList<>();
		rows.add(lines.get(0));
		int[] seen = new int[3];
		Files.createDirectories(out.resolve("images"));
		for (String line : lines.subList(1, lines.size())) {
			String[] f = line.split(",");
			int split = switch (f[2]) { case "train" -> 0; case "val" -> 1; default -> 2; };
			if (seen[split]++ % every[split] != 0) continue;
			String stem = f[0].replace('/', '_').replaceAll("\\.jpg$", "");
			Path image = out.resolve("images/" + stem + ".png"), mask = out.resolve("images/" + stem + "_mask.png");
			ImagePlus imp = new Opener().openImage(csv.getParent().resolve(f[0]).toString());
			ImageProcessor ip = imp.getProcessor().convertToByte(false);
			int w = fixed ? fixedW : (int) Math.round(ip.getWidth() * scale), h = fixed ? fixedH : (int) Math.round(ip.getHeight() * scale);
			ip.setInterpolationMethod(ImageProcessor.BILINEAR);
			new FileSaver(new ImagePlus(stem, ip.resize(w, h, true))).saveAsPng(image.toString());
			ImageProcessor m = new Opener().openImage(csv.getParent().resolve(f[1]).toString()).getProcessor().convertToByte(false);
			m.setInterpolationMethod(ImageProcessor.NONE);
			new FileSaver(new ImagePlus(stem + "_mask", m.resize(w, h))).saveAsPng(mask.toString());
			rows.add(image.toAbsolutePath() + "," + mask.toAbsolutePath() + "," + f[2] + "," + f[3]);
		}
		Files.write(out.resolve("split.csv"), rows);
		System.out.printf("train %d, val %d, test %d images at %s -> %s%n", (seen[0] + every[0] - 1) / every[0], (seen[1] + every[1] - 1) / every[1],
				(seen[2] + every[2] - 1) / every[2], args[2], out.resolve("split.csv"));
	}
}
