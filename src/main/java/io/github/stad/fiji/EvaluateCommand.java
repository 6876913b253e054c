package io.github.stad.fiji;

import ij.gui.Plot;
import ij.measure.ResultsTable;
import io.github.stad.engine.eval.EvaluationReport;
import io.github.stad.engine.eval.ProCurve;
import io.github.stad.engine.model.AnomalyModel;
import io.github.stad.io.ImageEntry;
import io.github.stad.io.ImageSets;
import io.github.stad.jobs.ArgumentChecks;
import io.github.stad.jobs.EvaluateJob;
import io.github.stad.jobs.EvaluateRequest;
import io.github.stad.jobs.OutputGuard;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import java.io.File;
import java.util.List;
import java.util.Map;

/**
 * Plugins › Anomaly Detection › Evaluate…: scores a test set with ground-truth masks and reports
 * AU-PRO, pixel and image AUROC (table, PRO curve plot, metrics.json and pro_curve.png).
 */
@Plugin(type = Command.class, headless = true, menuPath = StadCommand.MENU + "Evaluate...")
public class EvaluateCommand extends ModelCommand {

	static final String TABLE = "Anomaly Evaluation";

	@Parameter(label = "Test folder", style = FileWidget.DIRECTORY_STYLE, persist = false,
			description = "Test images: a flat folder, or type subfolders as in MVTec AD (good/, crack/, …).")
	private File test_folder;

	@Parameter(label = "Mask folder", style = FileWidget.DIRECTORY_STYLE, persist = false,
			description = "Ground-truth masks NAME_mask.png (defect = white), in the same type subfolders; images without a mask count as defect-free.")
	private File mask_folder;

	@Parameter(label = "Output folder", style = FileWidget.DIRECTORY_STYLE, persist = false, description = "Gets metrics.json and pro_curve.png.")
	private File output_folder;

	@Parameter(label = "Overwrite existing files", persist = false,
			description = "Replace output files that exist before this run (never an input). Off: an existing file stops the command before any work.")
	private boolean overwrite;

	@Parameter(label = "Integrate PRO up to FPR", min = "0.001", max = "1", persist = false, description = "AU-PRO is the area under the PRO curve up to this false-positive rate (0.3 as in MVTec AD).")
	private double max_fpr = EvaluateRequest.DEFAULT_MAX_FPR;

	@Parameter(label = "Map mode", choices = { ModelCommand.AS_TRAINED, "exact", "strided" }, persist = false, description = ModelCommand.MAP_MODE_HELP)
	protected String map_mode = ModelCommand.AS_TRAINED;

	@Parameter(type = ItemIO.OUTPUT, label = "AU-PRO")
	private double au_pro;

	@Parameter(type = ItemIO.OUTPUT, label = "Pixel AUROC")
	private double pixel_auroc;

	@Parameter(type = ItemIO.OUTPUT, label = "Image AUROC")
	private double image_auroc;

	@Parameter(type = ItemIO.OUTPUT, label = "Metrics table")
	private ResultsTable metrics_table;

	@Override
	protected String title() { return "Evaluate"; }

	@Override
	protected void execute() throws Exception {
		if (!given(test_folder) || !test_folder.isDirectory()) throw new IllegalArgumentException("Choose an existing test folder (test_folder), got " + test_folder);
		if (!given(mask_folder) || !mask_folder.isDirectory()) throw new IllegalArgumentException("Choose an existing ground-truth mask folder (mask_folder), got " + mask_folder);
		if (!given(output_folder)) throw new IllegalArgumentException("Choose an output folder (output_folder)");
		List<ImageEntry> tests = ImageSets.withMasks(ImageSets.fromFolder(test_folder.toPath()), mask_folder.toPath());
		OutputGuard guard = OutputGuard.fiji(overwrite).reads(model_file == null ? null : model_file.toPath(), "the model file this command reads (model_file)");
		EvaluateRequest request = EvaluateRequest.builder(output_folder.toPath()).tests(tests).maxFpr(max_fpr).tile(tile_size).maps(mapMode(map_mode)).guard(guard)
				.build(ArgumentChecks.FIJI);
		EvaluateJob.checkOutputs(request); // before the model loads
		try (AnomalyModel model = openModel()) {
			EvaluationReport report = EvaluateJob.run(model, request, progress());
			EvaluationReport.Summary s = report.overall();
			au_pro = s.auPro();
			pixel_auroc = s.pixelAuroc();
			image_auroc = s.imageAuroc();
			metrics_table = new ResultsTable();
			metrics_table.showRowNumbers(false);
			addRow(metrics_table, "all", s);
			for (Map.Entry<String, EvaluationReport.Summary> e : report.perDefectType().entrySet()) addRow(metrics_table, e.getKey(), e.getValue());
			Tables.publish(metrics_table, TABLE);
			if (canShow() && report.overallCurve() != null) proPlot(report.overallCurve(), max_fpr, au_pro).show();
			String summary = String.format("AU-PRO(FPR<=%.2f) %.4f, pixel AUROC %.4f, image AUROC %.4f on %d image(s)", max_fpr, au_pro, pixel_auroc, image_auroc, s.images());
			log.info(title() + ": " + summary + " -> " + output_folder.toPath().resolve("metrics.json"));
			status.showStatus(title() + ": " + summary);
		}
	}

	private static void addRow(ResultsTable rt, String type, EvaluationReport.Summary s) {
		rt.incrementCounter();
		rt.addValue("defect_type", type);
		rt.addValue("images", s.images());
		rt.addValue("regions", s.regions());
		rt.addValue("au_pro", s.auPro());
		rt.addValue("pixel_auroc", s.pixelAuroc());
		rt.addValue("image_auroc", s.imageAuroc());
	}

	static Plot proPlot(ProCurve curve, double maxFpr, double auPro) {
		double[] fpr = curve.fpr(), pro = curve.pro();
		int n = 0;
		while (n < fpr.length && fpr[n] <= maxFpr) n++;
		double[] x = java.util.Arrays.copyOf(fpr, n + 1), y = java.util.Arrays.copyOf(pro, n + 1);
		x[n] = maxFpr;
		y[n] = curve.proAt(maxFpr);
		Plot plot = new Plot("PRO curve", "False positive rate", "Per-region overlap (PRO)");
		plot.setLimits(0, maxFpr, 0, 1);
		plot.setColor(new java.awt.Color(0, 90, 180));
		plot.addPoints(x, y, Plot.LINE);
		plot.setColor(java.awt.Color.BLACK);
		plot.addLegend(String.format("PRO curve, AU-PRO = %.4f", auPro));
		return plot;
	}
}
