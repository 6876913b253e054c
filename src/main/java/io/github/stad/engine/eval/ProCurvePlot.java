package io.github.stad.engine.eval;

import io.github.stad.engine.files.AtomicFiles;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Draws a PRO curve as a PNG with plain java.awt, so it works headless (no UI, no ImageJ). */
public final class ProCurvePlot {

	private static final int WIDTH = 800, HEIGHT = 600;
	private static final int LEFT = 80, RIGHT = 30, TOP = 80, BOTTOM = 70;
	private static final Color CURVE = new Color(0, 90, 180);

	private ProCurvePlot() {}

	/**
	 * Writes the curve for FPR in [0, maxFpr] (x axis) against PRO in [0, 1] (y axis), the area under it
	 * shaded, and AU-PRO up to maxFpr in the legend. Written atomically (temporary file, then a rename).
	 *
	 * @param title the plot title; null for "PRO curve"
	 * @throws IllegalArgumentException if maxFpr is not in (0, 1] or the curve stops short of it
	 */
	public static void writePng(ProCurve curve, double maxFpr, String title, Path out) throws IOException {
		BufferedImage image = render(curve, maxFpr, title);
		AtomicFiles.write(out, temp -> {
			if (!ImageIO.write(image, "png", temp.toFile())) throw new IOException("No PNG writer available");
		});
	}

	/** The plot as an image. */
	public static BufferedImage render(ProCurve curve, double maxFpr, String title) {
		double auPro = curve.areaUpTo(maxFpr);
		BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
		Graphics2D g = image.createGraphics();
		try {
			g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
			g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
			g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
			g.setColor(Color.WHITE);
			g.fillRect(0, 0, WIDTH, HEIGHT);
			double plotW = WIDTH - LEFT - RIGHT, plotH = HEIGHT - TOP - BOTTOM;
			Font tickFont = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
			Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, 15);

			// grid and ticks
			g.setFont(tickFont);
			FontMetrics fm = g.getFontMetrics();
			double xStep = niceStep(maxFpr / 6);
			int xDecimals = decimals(xStep);
			for (int k = 0; k * xStep <= maxFpr * (1 + 1e-9); k++) {
				double x = LEFT + k * xStep / maxFpr * plotW;
				gridLine(g, x, TOP, x, TOP + plotH);
				String label = String.format(Locale.ROOT, "%." + xDecimals + "f", k * xStep);
				g.setColor(Color.BLACK);
				g.draw(new Line2D.Double(x, TOP + plotH, x, TOP + plotH + 5));
				g.drawString(label, (float) (x - fm.stringWidth(label) / 2.0), (float) (TOP + plotH + 8 + fm.getAscent()));
			}
			for (int k = 0; k <= 10; k++) {
				double y = TOP + plotH - k / 10.0 * plotH;
				gridLine(g, LEFT, y, LEFT + plotW, y);
				String label = String.format(Locale.ROOT, "%.1f", k / 10.0);
				g.setColor(Color.BLACK);
				g.draw(new Line2D.Double(LEFT - 5, y, LEFT, y));
				g.drawString(label, (float) (LEFT - 8 - fm.stringWidth(label)), (float) (y + fm.getAscent() / 2.0 - 1));
			}

			// curve: decimated to what the pixels can show, which keeps plots of millions of points fast
			Path2D.Double line = new Path2D.Double();
			double[] fpr = curve.fpr(), pro = curve.pro();
			double lastX = Double.NaN, lastY = Double.NaN;
			line.moveTo(LEFT, TOP + plotH);
			for (int i = 0; i < fpr.length && fpr[i] <= maxFpr; i++) {
				double x = LEFT + fpr[i] / maxFpr * plotW, y = TOP + plotH - pro[i] * plotH;
				if (Math.abs(x - lastX) < 0.25 && Math.abs(y - lastY) < 0.25) continue;
				line.lineTo(x, y);
				lastX = x;
				lastY = y;
			}
			line.lineTo(LEFT + plotW, TOP + plotH - curve.proAt(maxFpr) * plotH);
			Path2D.Double area = new Path2D.Double(line);
			area.lineTo(LEFT + plotW, TOP + plotH);
			area.closePath();
			g.setColor(new Color(CURVE.getRed(), CURVE.getGreen(), CURVE.getBlue(), 40));
			g.fill(area);
			g.setColor(CURVE);
			g.setStroke(new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
			g.draw(line);

			// frame
			g.setColor(Color.BLACK);
			g.setStroke(new BasicStroke(1.2f));
			g.draw(new Rectangle2D.Double(LEFT, TOP, plotW, plotH));

			// axis labels
			g.setFont(labelFont);
			fm = g.getFontMetrics();
			String xLabel = "False positive rate (FPR)";
			g.drawString(xLabel, (float) (LEFT + (plotW - fm.stringWidth(xLabel)) / 2), HEIGHT - 20);
			String yLabel = "Per-region overlap (PRO)";
			AffineTransform saved = g.getTransform();
			g.rotate(-Math.PI / 2);
			g.drawString(yLabel, (float) (-(TOP + (plotH + fm.stringWidth(yLabel)) / 2)), 24f);
			g.setTransform(saved);

			// title, and the legend above the plot, where the curve can never hide it
			g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
			fm = g.getFontMetrics();
			String heading = title == null || title.isBlank() ? "PRO curve" : title;
			g.drawString(heading, (float) (LEFT + (plotW - fm.stringWidth(heading)) / 2), 30f);
			g.setFont(labelFont);
			fm = g.getFontMetrics();
			String legend = String.format(Locale.ROOT, "PRO curve, AU-PRO (FPR \u2264 %s) = %.4f", trim(maxFpr), auPro);
			float legendX = (float) (LEFT + (plotW - fm.stringWidth(legend) - 34) / 2);
			float legendY = 60f;
			g.setColor(CURVE);
			g.setStroke(new BasicStroke(2.2f));
			g.draw(new Line2D.Double(legendX, legendY - fm.getAscent() / 2.0 + 2, legendX + 24, legendY - fm.getAscent() / 2.0 + 2));
			g.setColor(Color.BLACK);
			g.drawString(legend, legendX + 34, legendY);
		} finally {
			g.dispose();
		}
		return image;
	}

	private static void gridLine(Graphics2D g, double x0, double y0, double x1, double y1) {
		g.setColor(new Color(225, 225, 225));
		g.setStroke(new BasicStroke(1f));
		g.draw(new Line2D.Double(x0, y0, x1, y1));
	}

	/** 1, 2, 2.5 or 5 times a power of ten, the smallest such at or above raw. */
	static double niceStep(double raw) {
		double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
		for (double m : new double[] { 1, 2, 2.5, 5, 10 }) if (m * magnitude >= raw * (1 - 1e-9)) return m * magnitude;
		return 10 * magnitude;
	}

	/** Enough decimals to print multiples of step exactly. */
	private static int decimals(double step) {
		for (int d = 0; d < 10; d++) if (Math.abs(step * Math.pow(10, d) - Math.rint(step * Math.pow(10, d))) < 1e-6) return d;
		return 10;
	}

	private static String trim(double v) {
		String s = String.format(Locale.ROOT, "%.4f", v);
		return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
	}
}
