package io.github.stad.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.CompositeImage;
import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.LUT;
import io.github.stad.engine.image.FloatImage;
import org.junit.jupiter.api.Test;

class ImagePlusConverterTest {

	static {
		System.setProperty("java.awt.headless", "true");
	}

	@Test
	void singleChannelToImagePlusSharesTheArray() {
		float[] px = { 1, 2, 3, 4, 5, 6 };
		FloatImage img = FloatImage.of("map", 3, 2, px);
		ImagePlus imp = ImagePlusConverter.toImagePlus(img);
		assertEquals(ImagePlus.GRAY32, imp.getType());
		assertEquals("map", imp.getTitle());
		assertSame(px, imp.getProcessor().getPixels(), "the FloatProcessor must wrap the array, not copy it");
		px[4] = 42;
		assertEquals(42f, imp.getProcessor().getf(1, 1));
	}

	@Test
	void multiChannelToImagePlusIsAFloatStackSharingEachChannel() {
		float[][] data = { { 1, 2 }, { 3, 4 }, { 5, 6 } };
		ImagePlus imp = ImagePlusConverter.toImagePlus(new FloatImage("rgbish", 2, 1, data));
		assertEquals(3, imp.getStackSize());
		assertEquals(3, imp.getNChannels());
		assertEquals(ImagePlus.GRAY32, imp.getType());
		for (int c = 0; c < 3; c++) assertSame(data[c], imp.getStack().getPixels(c + 1));
	}

	@Test
	void calibrationIsCopiedSpatiallyOnly() {
		Calibration cal = new Calibration();
		cal.pixelWidth = 0.25;
		cal.pixelHeight = 0.5;
		cal.xOrigin = 3;
		cal.setUnit("µm");
		cal.setFunction(Calibration.STRAIGHT_LINE, new double[] { -100, 2 }, "gray value");
		ImagePlus imp = ImagePlusConverter.toImagePlus(FloatImage.of("m", 2, 2, new float[4]), cal);
		Calibration out = imp.getCalibration();
		assertEquals(0.25, out.pixelWidth);
		assertEquals(0.5, out.pixelHeight);
		assertEquals(3, out.xOrigin);
		assertEquals("µm", out.getUnit());
		assertFalse(out.calibrated(), "a value calibration must not be applied to a score map");
	}

	@Test
	void thirtyTwoBitImageIsWrappedNotCopied() {
		float[] px = { 0.5f, -1, 2, 3 };
		FloatImage img = ImagePlusConverter.toFloatImage(new ImagePlus("scores.tif", new FloatProcessor(2, 2, px)), 1);
		assertSame(px, img.channel(0));
		assertEquals("scores", img.name());
	}

	@Test
	void pickedStackPlaneIsConverted() {
		ImageStack stack = new ImageStack(2, 1);
		stack.addSlice("a", new float[] { 1, 2 });
		stack.addSlice("b", new float[] { 3, 4 });
		float[] second = (float[]) stack.getPixels(2);
		ImagePlus imp = new ImagePlus("s", stack);
		FloatImage img = ImagePlusConverter.toFloatImage(imp, 2);
		assertSame(second, img.channel(0));
		assertThrows(IllegalArgumentException.class, () -> ImagePlusConverter.toFloatImage(imp, 3));
		assertThrows(IllegalArgumentException.class, () -> ImagePlusConverter.toFloatImage(imp, 0));
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImagePlusConverter.toFloatImage(imp));
		assertTrue(e.getMessage().contains("2 slices"), e.getMessage());
	}

	@Test
	void compositeChannelLutsAreDisplayOnly() {
		ImageStack stack = new ImageStack(2, 1);
		stack.addSlice(new ByteProcessor(2, 1, new byte[] { 10, 20 }));
		stack.addSlice(new ByteProcessor(2, 1, new byte[] { 30, (byte) 200 }));
		ImagePlus base = new ImagePlus("c", stack);
		base.setDimensions(2, 1, 1);
		CompositeImage ci = new CompositeImage(base, CompositeImage.COMPOSITE);
		ci.setChannelLut(LUT.createLutFromColor(java.awt.Color.GREEN), 2);
		FloatImage img = ImagePlusConverter.toFloatImage(ci, 2);
		assertEquals(1, img.channels());
		assertArrayEquals(new float[] { 30, 200 }, img.channel(0));
	}

	@Test
	void rgbImagePlusGivesThreeChannels() {
		ColorProcessor cp = new ColorProcessor(1, 1, new int[] { 0x0a141e });
		FloatImage img = ImagePlusConverter.toFloatImage(new ImagePlus("rgb", cp));
		assertEquals(3, img.channels());
		assertArrayEquals(new float[] { 10 }, img.channel(0));
		assertArrayEquals(new float[] { 20 }, img.channel(1));
		assertArrayEquals(new float[] { 30 }, img.channel(2));
	}

	@Test
	void nanIsRefusedForLiveImagesToo() {
		ImagePlus imp = new ImagePlus("live", new FloatProcessor(2, 1, new float[] { 1, Float.NaN }));
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImagePlusConverter.toFloatImage(imp));
		assertTrue(e.getMessage().contains("\"live\""), e.getMessage());
		assertTrue(e.getMessage().contains("contains NaN pixels"), e.getMessage());
	}

	@Test
	void roundTripThroughImagePlusKeepsValues() {
		float[][] data = { { 1.5f, -2 }, { 7, 8 } };
		FloatImage back = ImagePlusConverter.toFloatImage(ImagePlusConverter.toImagePlus(new FloatImage("x", 2, 1, data)), 2);
		assertArrayEquals(data[1], back.channel(0));
	}
}
