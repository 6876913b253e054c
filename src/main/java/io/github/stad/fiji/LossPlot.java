package io.github.stad.fiji;

import ij.gui.Plot;
import ij.gui.PlotWindow;
import io.github.stad.engine.Progress;

import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A live ImageJ plot of the training loss, one line per student, redrawn at most twice a second. */
final class LossPlot implements AutoCloseable {

	private static final Color[] COLOURS = { new Color(0, 90, 180), new Color(200, 80, 0), new Color(0, 140, 60), new Color(150, 0, 150), Color.DARK_GRAY };

	private final String title;
	private final Map<String, List<Float>> series = new LinkedHashMap<>();
	private PlotWindow window;
	private long lastDraw;

	private LossPlot(String title) { this.title = title; }

	/** A plot only where windows are shown; null in batch mode and headless. */
	static LossPlot openIfInteractive(String title) {
		return StadCommand.hasGui() ? new LossPlot(title) : null;
	}

	/** The same progress, plus the loss of every step drawn here. */
	Progress wrap(Progress inner) {
		return new Progress() {
			@Override public void update(String message, double fraction) { inner.update(message, fraction); }
			@Override public boolean isCancelled() { return inner.isCancelled(); }
			@Override public void log(String message) { inner.log(message); }
			@Override public void loss(String name, int step, float value) { add(name, value); }
		};
	}

	private synchronized void add(String name, float value) {
		series.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
		long now = System.nanoTime();
		if (now - lastDraw > 500_000_000L) {
			lastDraw = now;
			draw();
		}
	}

	private void draw() {
		Plot plot = new Plot(title, "Step", "Loss");
		StringBuilder legend = new StringBuilder();
		int k = 0;
		for (Map.Entry<String, List<Float>> e : series.entrySet()) {
			List<Float> values = e.getValue();
			double[] x = new double[values.size()], y = new double[values.size()];
			for (int i = 0; i < x.length; i++) {
				x[i] = i + 1;
				y[i] = values.get(i);
			}
			plot.setColor(COLOURS[k++ % COLOURS.length]);
			plot.addPoints(x, y, Plot.LINE);
			legend.append(e.getKey()).append('\n');
		}
		plot.setColor(Color.BLACK);
		plot.addLegend(legend.toString());
		plot.setLimitsToFit(false);
		if (window == null || window.isClosed()) window = plot.show();
		else window.drawPlot(plot);
	}

	@Override
	public synchronized void close() {
		if (!series.isEmpty()) draw(); // the final curve stays on screen
	}
}
