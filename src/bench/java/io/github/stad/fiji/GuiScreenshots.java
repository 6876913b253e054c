package io.github.stad.fiji;

import ij.IJ;
import ij.ImageJ;
import ij.ImagePlus;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.io.Opener;
import io.github.stad.engine.Progress;
import io.github.stad.engine.files.ModelBundle;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.model.AnomalyModel;
import io.github.stad.io.ImageEntry;
import io.github.stad.io.ImagePlusPlanes;
import io.github.stad.io.ImageSets;
import io.github.stad.jobs.BatchDetectJob;
import io.github.stad.jobs.ResultRows;

import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.Toolkit;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Screenshots of the GUI-only parts for the user guide (run by ci/screenshots.sh under Xvfb): the live
 * threshold dialog of Segment Anomalies… and the triage table of Batch Detect… with an image opened
 * from it. Uses the real dialog and table code; not a test.
 * Arguments: model.zip, image to segment, folder for the batch, work folder, docs/images folder.
 */
public final class GuiScreenshots {

	public static void main(String[] args) throws Exception {
		Path model = Path.of(args[0]), image = Path.of(args[1]), batchIn = Path.of(args[2]), work = Path.of(args[3]), images = Path.of(args[4]);
		new ImageJ();
		try (AnomalyModel m = ModelBundle.load(model, false)) {
			// Live threshold
			ImagePlus imp = new Opener().openImage(image.toString());
			imp.show();
			IJ.run(imp, "Set... ", "zoom=300");
			imp.getWindow().setLocation(0, 120);
			List<ImagePlusPlanes.Plane> planes = ImagePlusPlanes.planes(imp, m.inputChannels());
			List<FloatImage> imgs = planes.stream().map(ImagePlusPlanes.Plane::image).toList();
			List<AnomalyModel.Result> results = m.scoreAll(imgs, 256, Progress.NONE);
			ThresholdPreview preview = new ThresholdPreview(results.stream().map(r -> r.score().channel(0)).toList(), imp.getWidth(), imp.getHeight(), 10,
					m::thresholdForFpr, m::fprForThreshold);
			Thread dialog = new Thread(() -> LiveThresholdDialog.show(imp, preview, preview.atFpr(0.02), s -> {
				Overlay o = new Overlay();
				for (Roi r : SegmentAnomaliesCommand.rois(imp, planes, imgs, s.regions())) o.add(r);
				return o;
			}));
			dialog.setDaemon(true);
			dialog.start();
			Thread.sleep(4000);
			java.awt.Window w = java.awt.Window.getWindows()[java.awt.Window.getWindows().length - 1];
			for (java.awt.Window x : java.awt.Window.getWindows()) if (x instanceof java.awt.Dialog d && LiveThresholdDialog.TITLE.equals(d.getTitle())) w = x;
			w.setLocation(420, 120);
			Thread.sleep(1500);
			shot(images.resolve("live_threshold.png"), new Rectangle(0, 100, 420 + w.getWidth() + 10, Math.max(420, w.getHeight() + 40)));
			w.dispose();
			imp.close();

			// Triage table
			List<ImageEntry> inputs = ImageSets.fromFolder(batchIn);
			List<ResultRows.ImageRow> rows = BatchDetectJob.run(m, io.github.stad.jobs.ScoreRequest.builder(work.resolve("triage")).inputs(inputs).threshold(m.thresholdForFpr(0.02))
					.build(io.github.stad.jobs.ArgumentChecks.CLI), Progress.NONE);
			ResultTables.of(ResultRows.SCORES, rows).show(BatchDetectCommand.TABLE);
			java.awt.Frame table = ij.WindowManager.getFrame(BatchDetectCommand.TABLE);
			table.setBounds(0, 120, 760, 260);
			ImagePlus top = new BatchTriage(rows, inputs, work.resolve("triage")).open(0);
			top.show();
			IJ.run(top, "Set... ", "zoom=300");
			top.getWindow().setLocation(770, 120);
			Thread.sleep(2500);
			shot(images.resolve("batch_triage.png"), new Rectangle(0, 100, 770 + top.getWindow().getWidth() + 10, Math.max(300, top.getWindow().getHeight() + 40)));
		}
		System.exit(0);
	}

	private static void shot(Path target, Rectangle r) throws Exception {
		Rectangle screen = new Rectangle(Toolkit.getDefaultToolkit().getScreenSize());
		ImageIO.write(new Robot().createScreenCapture(r.intersection(screen)), "png", new File(target.toString()));
		System.out.println("wrote " + target);
	}
}
