package io.github.stad.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.gui.Roi;
import ij.io.Opener;
import ij.io.RoiDecoder;
import ij.measure.Calibration;
import ij.process.ByteProcessor;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.regions.Regions.Region;
import io.github.stad.engine.regions.Regions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.imageio.ImageIO;

/** Result writers (TIFF, overlay PNG, ROI zip, CSV) and the Region → Roi conversion. */
class RoiAndMapWritersTest {

	static {
		System.setProperty("java.awt.headless", "true");
	}

	static final int W = 24, H = 16;

	@TempDir
	Path dir;

	/** A ring with a hole, a diagonal chain, an L, a lone pixel, and a blob touching the image corner. */
	static float[] shapes() {
		float[] m = new float[W * H];
		for (int y = 1; y <= 5; y++) for (int x = 1; x <= 5; x++) if (x == 1 || x == 5 || y == 1 || y == 5) m[y * W + x] = 3;
		for (int k = 0; k < 4; k++) m[(2 + k) * W + 9 + k] = 4;
		for (int y = 8; y <= 12; y++) m[y * W + 2] = 5;
		for (int x = 3; x <= 6; x++) m[12 * W + x] = 5;
		m[10 * W + 15] = 6;
		for (int y = 13; y < H; y++) for (int x = 20; x < W; x++) m[y * W + x] = 2;
		m[3 * W + 3] = 1; // inside the ring's hole, but below the threshold
		return m;
	}

	static boolean[] rasterize(Roi roi) {
		ByteProcessor bp = new ByteProcessor(W, H);
		bp.setColor(255);
		bp.fill(roi);
		boolean[] m = new boolean[W * H];
		for (int i = 0; i < m.length; i++) m[i] = bp.get(i) != 0;
		return m;
	}

	static void assertSamePixels(Region r, Roi roi) {
		boolean[] want = Regions.mask(r, W, H);
		boolean[] got = rasterize(roi);
		int count = 0;
		for (int i = 0; i < want.length; i++) {
			int x = i % W, y = i / W;
			assertEquals(want[i], got[i], roi.getName() + ": fill differs at (" + x + "," + y + ")");
			assertEquals(want[i], roi.contains(x, y), roi.getName() + ": contains differs at (" + x + "," + y + ")");
			if (got[i]) count++;
		}
		assertEquals(r.area(), count, roi.getName());
	}

	@Test
	void roisCoverExactlyTheRegionPixels() {
		List<Region> regions = Regions.find(shapes(), W, H, 1.5, 1);
		assertEquals(5, regions.size());
		List<Roi> rois = RoiSets.toRois(regions, W, H);
		assertEquals(regions.size(), rois.size());
		for (int i = 0; i < rois.size(); i++) {
			assertEquals("region-" + (i + 1), rois.get(i).getName());
			assertSamePixels(regions.get(i), rois.get(i));
		}
	}

	@Test
	void roiZipDecodesBackToTheSameRegions() throws IOException {
		List<Region> regions = Regions.find(shapes(), W, H, 1.5, 1);
		List<Roi> rois = RoiSets.toRois(regions, W, H);
		Path zip = dir.resolve("out").resolve("regions.zip");
		RoiSets.write(rois, zip);

		List<String> entries = new ArrayList<>();
		List<Roi> decoded = new ArrayList<>();
		try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
			for (ZipEntry e; (e = in.getNextEntry()) != null;) {
				entries.add(e.getName());
				Roi roi = new RoiDecoder(in.readAllBytes(), e.getName()).getRoi();
				assertNotNull(roi, e.getName());
				decoded.add(roi);
			}
		}
		assertEquals(regions.size(), decoded.size());
		for (int i = 0; i < decoded.size(); i++) {
			assertEquals("region-" + (i + 1) + ".roi", entries.get(i));
			assertEquals("region-" + (i + 1), decoded.get(i).getName());
			assertSamePixels(regions.get(i), decoded.get(i));
		}
	}

	@Test
	void unnamedRoisGetNamesWithoutTouchingTheCallersRois() throws IOException {
		Roi a = new Roi(1, 1, 2, 2), b = new Roi(3, 3, 1, 1);
		b.setName("kept");
		Path zip = dir.resolve("two.zip");
		RoiSets.write(List.of(a, b, (Roi) b.clone()), zip);
		assertEquals(null, a.getName());
		List<String> names = new ArrayList<>();
		try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
			for (ZipEntry e; (e = in.getNextEntry()) != null;) {
				names.add(e.getName() + "=" + new RoiDecoder(in.readAllBytes(), e.getName()).getRoi().getName());
			}
		}
		assertEquals(List.of("region-1.roi=region-1", "kept.roi=kept", "kept-2.roi=kept"), names);
	}

	@Test
	void floatTiffRoundTripIsExact() throws IOException {
		float[] px = new float[W * H];
		for (int i = 0; i < px.length; i++) px[i] = (float) Math.sin(i * 0.731) * 1e3f + i * 1e-4f;
		px[0] = -0f;
		px[1] = Float.MAX_VALUE;
		px[2] = -Float.MIN_NORMAL;
		Calibration cal = new Calibration();
		cal.pixelWidth = 0.65;
		cal.pixelHeight = 0.65;
		cal.setUnit("micron");
		Path p = dir.resolve("maps").resolve("score.tif");
		MapWriters.writeFloatTiff(FloatImage.of("score", W, H, px), cal, p);

		FloatImage back = ImageReader.read(p);
		assertArrayEquals(px, back.channel(0));
		ImagePlus imp = new Opener().openImage(p.toString());
		assertEquals(ImagePlus.GRAY32, imp.getType());
		assertEquals(0.65, imp.getCalibration().pixelWidth, 1e-6); // TIFF stores resolution as a rational
		assertEquals("micron", imp.getCalibration().getUnit());
	}

	@Test
	void multiChannelFloatTiffIsAStack() throws IOException {
		float[][] data = { { 1, 2, 3, 4 }, { -1, -2, -3, 0.5f } };
		Path p = dir.resolve("two.tif");
		MapWriters.writeFloatTiff(new FloatImage("two", 2, 2, data), p);
		ImagePlus imp = new Opener().openImage(p.toString());
		assertEquals(2, imp.getStackSize());
		assertArrayEquals(data[1], (float[]) imp.getStack().getPixels(2));
	}

	@Test
	void overlayHasTheInputSizeAndIsColouredOnlyWhereTheMapIsHigh() throws IOException {
		float[] gray = new float[W * H];
		for (int i = 0; i < gray.length; i++) gray[i] = 1000 + (i % W) * 50; // 16-bit-like range, needs stretching
		float[] map = new float[W * H];
		for (int y = 4; y < 8; y++) for (int x = 10; x < 14; x++) map[y * W + x] = 10;
		map[0] = 5; // exactly at low: faintly coloured
		map[1] = Float.NaN;
		Path p = dir.resolve("overlay.png");
		MapWriters.writeOverlayPng(FloatImage.of("in", W, H, gray), map, 5, 10, p);

		BufferedImage img = ImageIO.read(p.toFile());
		assertEquals(W, img.getWidth());
		assertEquals(H, img.getHeight());
		for (int y = 0; y < H; y++) {
			for (int x = 0; x < W; x++) {
				int c = img.getRGB(x, y);
				int r = (c >> 16) & 0xff, g = (c >> 8) & 0xff, b = c & 0xff;
				boolean hot = map[y * W + x] >= 5;
				if (hot) assertTrue(r > b + 40 && r >= g, "expected warm colour at (" + x + "," + y + "): " + Integer.toHexString(c));
				else assertTrue(r == g && g == b, "expected gray at (" + x + "," + y + "): " + Integer.toHexString(c));
			}
		}
		// The background is stretched: darkest column near black, brightest near white.
		assertTrue((img.getRGB(0, 10) & 0xff) < 20);
		assertTrue((img.getRGB(W - 1, 10) & 0xff) > 235);
		// More opaque where the score is higher.
		int faint = img.getRGB(0, 0), strong = img.getRGB(11, 5);
		assertTrue(((strong >> 16) & 0xff) - (strong & 0xff) > ((faint >> 16) & 0xff) - (faint & 0xff));
	}

	@Test
	void overlayOfRgbInputKeepsItsColours() throws IOException {
		// A red left half and a blue right half, with a hot spot in the red half.
		float[] r = new float[W * H], g = new float[W * H], b = new float[W * H];
		for (int i = 0; i < r.length; i++) {
			boolean left = i % W < W / 2;
			r[i] = left ? 200 : 10;
			g[i] = 10;
			b[i] = left ? 10 : 200;
		}
		float[] map = new float[W * H];
		map[2 * W + 1] = 10;
		Path p = dir.resolve("rgb-overlay.png");
		MapWriters.writeOverlayPng(new FloatImage("rgb", W, H, new float[][] { r, g, b }), map, 5, 10, p);
		BufferedImage img = ImageIO.read(p.toFile());
		int red = img.getRGB(1, 5), blue = img.getRGB(W - 2, 5);
		assertTrue(((red >> 16) & 0xff) > 200 && (red & 0xff) < 30, "the red half stays red: " + Integer.toHexString(red));
		assertTrue((blue & 0xff) > 200 && ((blue >> 16) & 0xff) < 30, "the blue half stays blue: " + Integer.toHexString(blue));
		int hot = img.getRGB(1, 2);
		assertTrue(((hot >> 8) & 0xff) > 100, "the hot spot is drawn in the heat colours on top: " + Integer.toHexString(hot));
		assertThrows(IllegalArgumentException.class,
				() -> MapWriters.writeOverlayPng(FloatImage.of("x", W, H, r), new float[3], 1, 2, dir.resolve("bad.png")));
	}

	@Test
	void csvIsQuotedProperly() throws IOException {
		Path p = dir.resolve("results.csv");
		CsvFiles.write(List.of(
				new String[] { "image", "region", "note" },
				new String[] { "a,b.tif", "1", "say \"hi\"" },
				new String[] { "plain", null, "two\nlines" },
				new String[] { " padded", "x", "" }), p);
		String want = "image,region,note\n\"a,b.tif\",1,\"say \"\"hi\"\"\"\nplain,,\"two\nlines\"\n\" padded\",x,\n";
		assertEquals(want, Files.readString(p, StandardCharsets.UTF_8));
	}

	@Test
	void roiOfARegionOutsideTheImageIsRefused() {
		Region r = new Region(1, 1, 1, 1, 0.5, 0.5, W, 0, 1, 1, new int[] { W });
		assertThrows(IllegalArgumentException.class, () -> RoiSets.toRoi(r, W, H));
	}

}
