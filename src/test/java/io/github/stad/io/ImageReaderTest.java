package io.github.stad.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.CompositeImage;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;
import io.github.stad.engine.image.FloatImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

class ImageReaderTest {

	static {
		System.setProperty("java.awt.headless", "true");
	}

	static final int W = 7, H = 5;

	@TempDir
	Path dir;

	static ByteProcessor bytes() {
		ByteProcessor bp = new ByteProcessor(W, H);
		for (int i = 0; i < W * H; i++) bp.set(i, (i * 37 + 3) % 256);
		bp.set(0, 0);
		bp.set(1, 255);
		return bp;
	}

	static IndexColorModel palette() {
		byte[] r = new byte[256], g = new byte[256], b = new byte[256];
		for (int i = 0; i < 256; i++) {
			r[i] = (byte) i;
			g[i] = (byte) (255 - i);
			b[i] = (byte) ((i * 7) % 256);
		}
		return new IndexColorModel(8, 256, r, g, b);
	}

	private Path save(ImagePlus imp, String name) {
		Path p = dir.resolve(name);
		FileSaver fs = new FileSaver(imp);
		String s = p.toString();
		boolean ok;
		if (name.endsWith(".png")) ok = fs.saveAsPng(s);
		else if (name.endsWith(".gif")) ok = fs.saveAsGif(s);
		else if (name.endsWith(".bmp")) ok = fs.saveAsBmp(s);
		else if (name.endsWith(".jpg")) ok = fs.saveAsJpeg(s);
		else if (imp.getStackSize() > 1) ok = fs.saveAsTiffStack(s);
		else ok = fs.saveAsTiff(s);
		assertTrue(ok, "could not save " + name);
		return p;
	}

	private static float[] expected8(ByteProcessor bp) {
		float[] f = new float[W * H];
		for (int i = 0; i < f.length; i++) f[i] = bp.get(i);
		return f;
	}

	@ParameterizedTest
	@ValueSource(strings = { "gray8.tif", "gray8.png", "gray8.bmp", "gray8.gif" })
	void eightBitGrayIsExact(String name) throws IOException {
		ByteProcessor bp = bytes();
		FloatImage img = ImageReader.read(save(new ImagePlus("x", bp), name));
		assertEquals(1, img.channels());
		assertEquals(W, img.width());
		assertEquals(H, img.height());
		assertArrayEquals(expected8(bp), img.channel(0));
		assertEquals("gray8", img.name());
	}

	@ParameterizedTest
	@ValueSource(strings = { "gray16.tif", "gray16.png" })
	void sixteenBitIsRawAndExact(String name) throws IOException {
		ShortProcessor sp = new ShortProcessor(W, H);
		float[] want = new float[W * H];
		for (int i = 0; i < want.length; i++) {
			int v = (i * 1931 + 17) % 65536;
			sp.set(i, v);
			want[i] = v;
		}
		sp.set(0, 65535);
		want[0] = 65535;
		FloatImage img = ImageReader.read(save(new ImagePlus("x", sp), name));
		assertEquals(1, img.channels());
		assertArrayEquals(want, img.channel(0));
	}

	@Test
	void thirtyTwoBitIsExact() throws IOException {
		float[] want = new float[W * H];
		for (int i = 0; i < want.length; i++) want[i] = (float) ((i - 11) * 0.123456789 + 1e-7 * i);
		want[3] = -3.4e38f;
		want[4] = Float.MIN_VALUE;
		FloatImage img = ImageReader.read(save(new ImagePlus("x", new FloatProcessor(W, H, want.clone())), "f.tif"));
		assertEquals(1, img.channels());
		assertArrayEquals(want, img.channel(0));
	}

	@ParameterizedTest
	@ValueSource(strings = { "rgb.tif", "rgb.png", "rgb.bmp" })
	void rgbGivesThreeExactChannels(String name) throws IOException {
		ColorProcessor cp = new ColorProcessor(W, H);
		for (int i = 0; i < W * H; i++) cp.set(i, ((i * 11) % 256) << 16 | ((i * 29 + 5) % 256) << 8 | ((255 - i * 3) % 256));
		FloatImage img = ImageReader.read(save(new ImagePlus("x", cp), name));
		assertEquals(3, img.channels());
		for (int i = 0; i < W * H; i++) {
			assertEquals((i * 11) % 256, img.channel(0)[i], "R at " + i);
			assertEquals((i * 29 + 5) % 256, img.channel(1)[i], "G at " + i);
			assertEquals((255 - i * 3) % 256, img.channel(2)[i], "B at " + i);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "indexed.tif", "indexed.png", "indexed.gif", "indexed.bmp" })
	void indexedColourIsExpandedThroughTheLut(String name) throws IOException {
		ByteProcessor bp = bytes();
		bp.setColorModel(palette());
		FloatImage img = ImageReader.read(save(new ImagePlus("x", bp), name));
		assertEquals(3, img.channels(), "a colour palette must give RGB");
		IndexColorModel lut = palette();
		for (int i = 0; i < W * H; i++) {
			int v = bp.get(i);
			assertEquals(lut.getRed(v), img.channel(0)[i], "R at " + i);
			assertEquals(lut.getGreen(v), img.channel(1)[i], "G at " + i);
			assertEquals(lut.getBlue(v), img.channel(2)[i], "B at " + i);
		}
	}

	@Test
	void invertedGrayLutStaysOneChannelOfRawValues() throws IOException {
		ByteProcessor bp = bytes();
		bp.invertLut();
		FloatImage img = ImageReader.read(save(new ImagePlus("x", bp), "inv.tif"));
		assertEquals(1, img.channels());
		assertArrayEquals(expected8(bp), img.channel(0));
	}

	@Test
	void jpegOpensHeadless() throws IOException {
		FloatImage img = ImageReader.read(save(new ImagePlus("x", bytes()), "photo.jpg"));
		assertEquals(W, img.width());
		assertEquals(H, img.height());
		assertEquals("photo", img.name());
	}

	@Test
	void nameDropsOnlyTheLastExtension() throws IOException {
		Path p = save(new ImagePlus("x", bytes()), "plate 3.well.B2.tif");
		Path upper = Files.move(p, dir.resolve("plate 3.well.B2.TIF"));
		assertEquals("plate 3.well.B2", ImageReader.read(upper).name());
	}

	@Test
	void stackIsRefusedWithFileNameAndSliceCount() {
		ImageStack stack = new ImageStack(W, H);
		for (int i = 0; i < 3; i++) stack.addSlice(bytes());
		Path p = save(new ImagePlus("x", stack), "stack.tif");
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageReader.read(p));
		assertTrue(e.getMessage().contains("stack.tif"), e.getMessage());
		assertTrue(e.getMessage().contains("3 slices"), e.getMessage());
		assertTrue(e.getMessage().contains("Stack to Images"), e.getMessage());
	}

	@Test
	void multiChannelHyperstackIsRefused() {
		ImageStack stack = new ImageStack(W, H);
		for (int i = 0; i < 2; i++) stack.addSlice(new ShortProcessor(W, H));
		ImagePlus imp = new ImagePlus("x", stack);
		imp.setDimensions(2, 1, 1);
		Path p = save(new CompositeImage(imp, CompositeImage.COMPOSITE), "twochannels.tif");
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageReader.read(p));
		assertTrue(e.getMessage().contains("twochannels.tif"), e.getMessage());
		assertTrue(e.getMessage().contains("2 channels"), e.getMessage());
	}

	@Test
	void textRenamedToPngIsRefused() throws IOException {
		Path p = dir.resolve("notes.png");
		Files.writeString(p, "This is a text file, not an image.\nSecond line.\n");
		IOException e = assertThrows(IOException.class, () -> ImageReader.read(p));
		assertTrue(e.getMessage().contains("notes.png"), e.getMessage());
		assertTrue(e.getMessage().contains("not a readable TIFF/PNG/JPEG"), e.getMessage());
	}

	@Test
	void randomBytesAreRefused() throws IOException {
		Path p = dir.resolve("noise.jpg");
		byte[] junk = new byte[300];
		new java.util.Random(1).nextBytes(junk);
		junk[0] = 7; // make sure no magic number matches by chance
		Files.write(p, junk);
		IOException e = assertThrows(IOException.class, () -> ImageReader.read(p));
		assertTrue(e.getMessage().contains("noise.jpg"), e.getMessage());
		assertTrue(e.getMessage().contains("not a readable TIFF/PNG/JPEG"), e.getMessage());
	}

	@Test
	void brokenTiffHeaderIsRefusedWithoutThrowingSomethingElse() throws IOException {
		Path p = dir.resolve("broken.tif");
		Files.write(p, new byte[] { 'I', 'I', 42, 0, 8, 0, 0, 0, 1, 2, 3 });
		IOException e = assertThrows(IOException.class, () -> ImageReader.read(p));
		assertTrue(e.getMessage().contains("broken.tif"), e.getMessage());
		assertTrue(e.getMessage().contains("not a readable TIFF/PNG/JPEG"), e.getMessage());
	}

	@Test
	void truncatedPngIsRefused() throws IOException {
		Path good = save(new ImagePlus("x", bytes()), "whole.png");
		byte[] all = Files.readAllBytes(good);
		Path p = dir.resolve("cut.png");
		Files.write(p, java.util.Arrays.copyOf(all, 20));
		IOException e = assertThrows(IOException.class, () -> ImageReader.read(p));
		assertTrue(e.getMessage().contains("cut.png"), e.getMessage());
	}

	@Test
	void nanPixelsAreRefused() {
		float[] f = new float[W * H];
		f[5] = Float.NaN;
		f[6] = Float.NaN;
		Path p = save(new ImagePlus("x", new FloatProcessor(W, H, f)), "holes.tif");
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageReader.read(p));
		assertTrue(e.getMessage().contains("holes.tif"), e.getMessage());
		assertTrue(e.getMessage().contains("contains NaN pixels"), e.getMessage());
		assertTrue(e.getMessage().contains("Remove NaNs"), e.getMessage());
	}

	@Test
	void infinitePixelsAreRefused() {
		float[] f = new float[W * H];
		f[2] = Float.NEGATIVE_INFINITY;
		Path p = save(new ImagePlus("x", new FloatProcessor(W, H, f)), "inf.tif");
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageReader.read(p));
		assertTrue(e.getMessage().contains("inf.tif"), e.getMessage());
		assertTrue(e.getMessage().contains("infinite"), e.getMessage());
	}

	@Test
	void missingFileIsReported() {
		assertThrows(NoSuchFileException.class, () -> ImageReader.read(dir.resolve("nope.tif")));
	}
}
