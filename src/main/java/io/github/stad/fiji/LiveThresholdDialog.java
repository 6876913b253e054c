package io.github.stad.fiji;

import ij.ImagePlus;
import ij.gui.DialogListener;
import ij.gui.GenericDialog;
import ij.gui.MultiLineLabel;
import ij.gui.NonBlockingGenericDialog;
import ij.gui.Overlay;

import java.awt.Component;
import java.awt.Label;
import java.awt.TextField;
import java.util.function.Function;

/**
 * The live threshold of Segment Anomalies… (GUI only): a slider for the threshold and a field for the
 * target false-positive rate; either redraws the overlay and the line with the region count and the
 * validation false-positive rate. Thin: every number comes from {@link ThresholdPreview}.
 */
final class LiveThresholdDialog {

	static final String TITLE = "Segment Anomalies: threshold";

	private LiveThresholdDialog() {}

	/** Shows the dialog next to the image; returns the chosen state, or null when cancelled (the overlay is then removed). */
	static ThresholdPreview.State show(ImagePlus imp, ThresholdPreview preview, ThresholdPreview.State start, Function<ThresholdPreview.State, Overlay> overlayOf) {
		NonBlockingGenericDialog gd = new NonBlockingGenericDialog(TITLE);
		double[] range = preview.range(start.threshold());
		gd.addSlider("Threshold", range[0], range[1], start.threshold(), (range[1] - range[0]) / 1000);
		gd.addNumericField("Target false-positive rate", start.fpr() > 0 && start.fpr() < 1 ? start.fpr() : 0.01, 6);
		gd.addMessage("Move the threshold or type a rate; OK uses the last one you set (and the recorder writes it).");
		gd.addMessage(start.describe() + "          ");
		Component message = gd.getMessage(); // the last message added
		ThresholdPreview.State[] current = { start };
		imp.setOverlay(overlayOf.apply(start));
		gd.addDialogListener(new DialogListener() {
			@Override
			public boolean dialogItemChanged(GenericDialog dialog, java.awt.AWTEvent e) {
				// Read the fields directly: GenericDialog's getNext… would record them into the command being recorded.
				if (e == null) return true; // OK pressed: keep what was last set
				TextField thresholdField = (TextField) dialog.getNumericFields().get(0), fprField = (TextField) dialog.getNumericFields().get(1);
				try {
					ThresholdPreview.State s = e.getSource() == fprField ? preview.atFpr(number(fprField.getText(), "target false-positive rate"))
							: preview.atThreshold(number(thresholdField.getText(), "threshold"));
					current[0] = s;
					setText(message, s.describe());
					imp.setOverlay(overlayOf.apply(s));
					return true;
				} catch (IllegalArgumentException ex) {
					setText(message, ex.getMessage());
					return false;
				}
			}
		});
		gd.showDialog(); // records nothing: its fields are never read through getNext…; the command's parameters are recorded
		if (gd.wasCanceled()) {
			imp.setOverlay(null);
			return null;
		}
		return current[0];
	}

	/** A typed number, or a message that says which field to correct. */
	static double number(String text, String field) {
		try {
			return Double.parseDouble(text.trim());
		} catch (NumberFormatException e) {
			throw new IllegalArgumentException("Type a number as the " + field + " (got '" + text.trim() + "')");
		}
	}

	private static void setText(Component c, String text) {
		if (c instanceof Label l) l.setText(text);
		else if (c instanceof MultiLineLabel m) m.setText(text);
	}
}
