package io.github.stad.fiji;

import ij.ImagePlus;
import ij.ImageStack;
import ij.plugin.LutLoader;
import ij.process.FloatProcessor;
import io.github.stad.engine.image.FloatImage;
import io.github.stad.engine.model.AnomalyModel;
import io.github.stad.engine.model.MapMode;
import io.github.stad.io.ImageEntry;
import io.github.stad.io.ImagePlusPlanes;
import io.github.stad.io.ImageReader;
import io.github.stad.io.ImageSets;
import io.github.stad.jobs.DetectJob;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.real.FloatType;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

/**
 * Plugins › Anomaly Detection › Detect Anomalies…: the anomaly map of an image, a stack or a folder of
 * equally sized images, as a new 32-bit image with the input's calibration (one plane per input plane).
 */
@Plugin(type = Command.class, headless = true, menuPath = StadCommand.MENU + "Detect Anomalies...")
public class DetectAnomaliesCommand extends ModelCommand {

	@Parameter(label = "Image file", required = false, style = FileWidget.OPEN_STYLE, persist = false,
			description = "Image to examine. Leave empty (and no folder) to use the active image or stack.")
	private File image_file;

	@Parameter(label = "Image folder", required = false, style = FileWidget.DIRECTORY_STYLE, persist = false,
			description = "Examine every image of a folder (all of one size) as one stack of maps; for many or mixed images use Batch Detect….")
	private File image_folder;

	@Parameter(label = "Add e/v maps of each scale", persist = false,
			description = "Also add each scale's regression error (e) and student variance (v) maps as further channels.")
	private boolean add_scale_maps;

	@Parameter(label = "Map mode", choices = { ModelCommand.AS_TRAINED, "exact", "strided" }, persist = false, description = ModelCommand.MAP_MODE_HELP)
	protected String map_mode = ModelCommand.AS_TRAINED;

	@Parameter(type = ItemIO.OUTPUT, label = "Anomaly map")
	private ImagePlus anomaly_map;

	@Parameter(type = ItemIO.OUTPUT, label = "Anomaly map (ImgLib2)")
	private Img<FloatType> anomaly_img;

	@Parameter(type = ItemIO.OUTPUT, label = "Image score (largest map value)")
	private double image_score;

	@Override
	protected String title() { return "Detect Anomalies"; }

	@Override
	protected void execute() throws Exception {
		MapMode maps = mapMode(map_mode);
		try (AnomalyModel model = openModel()) {
			List<FloatImage> images = new ArrayList<>();
			List<String> labels = new ArrayList<>();
			ImagePlus source = null;
			if (given(image_folder)) {
				for (ImageEntry e : ImageSets.fromFolder(image_folder.toPath())) {
					images.add(ImageReader.read(e.image()));
					labels.add(e.image().getFileName().toString());
				}
				FloatImage first = images.get(0);
				for (FloatImage i : images) {
					if (i.width() != first.width() || i.height() != first.height()) {
						throw new IllegalArgumentException("The images of " + image_folder + " differ in size (" + first + ", " + i + "); use Batch Detect… for such folders");
					}
				}
			} else {
				source = imageOrActive(image_file, "image_file or image_folder");
				for (ImagePlusPlanes.Plane p : ImagePlusPlanes.planes(source, model.inputChannels())) {
					images.add(p.image());
					labels.add(p.label());
				}
			}
			List<AnomalyModel.Result> results = DetectJob.score(model, images, tile_size, maps, progress());
			String name = (source != null ? images.get(0).name().replaceAll("(_[zt]\\d+)+$", "") : image_folder.getName()) + "_anomaly";
			anomaly_map = toImagePlus(name, images, labels, results, add_scale_maps, model.threshold());
			if (source != null) anomaly_map.setCalibration(source.getCalibration().copy());
			anomaly_map.getCalibration().disableDensityCalibration();
			anomaly_img = toImg(results, images.get(0).width(), images.get(0).height());
			image_score = results.stream().mapToDouble(AnomalyModel.Result::imageScore).max().orElse(Double.NaN);
			showResult(anomaly_map);
			log.info(title() + ": " + name + ", image score " + String.format("%.3f", image_score) + " (threshold " + String.format("%.3f", model.threshold()) + ")");
			status.showStatus(title() + ": done");
		}
	}

	/** One plane per input plane, or with scale maps a hyperstack: channel 1 the anomaly map, then e and v per scale. */
	static ImagePlus toImagePlus(String name, List<FloatImage> images, List<String> labels, List<AnomalyModel.Result> results, boolean layers, double threshold) {
		int w = images.get(0).width(), h = images.get(0).height();
		ImageStack stack = new ImageStack(w, h);
		int channels = 1;
		for (int i = 0; i < results.size(); i++) {
			AnomalyModel.Result r = results.get(i);
			// With layers, every channel's label says what it is: the anomaly map, or a scale's e or v ("p=17 e (regression error)").
			stack.addSlice((layers ? DetectJob.ANOMALY_LAYER + " · " : "anomaly ") + labels.get(i), new FloatProcessor(w, h, r.score().channel(0)));
			if (layers) {
				List<FloatImage> extra = DetectJob.layers(r, images.get(i));
				channels = 1 + extra.size();
				for (FloatImage f : extra) stack.addSlice(f.name() + " · " + labels.get(i), new FloatProcessor(w, h, f.channel(0)));
			}
		}
		ImagePlus imp = new ImagePlus(name, stack);
		if (channels > 1) {
			imp.setDimensions(channels, results.size(), 1);
			imp = new ij.CompositeImage(imp, ij.CompositeImage.GRAYSCALE);
		}
		imp.setProperty("Info", "Anomaly map (Student-Teacher Anomaly Detection); default threshold " + threshold);
		// Fire shows normal pixels dark and the top of the range bright; the range spans up to the threshold at least.
		double max = Math.max(threshold * 1.5, results.stream().mapToDouble(AnomalyModel.Result::imageScore).max().orElse(1));
		double min = Math.min(0, results.stream().mapToDouble(r -> minimum(r.score().channel(0))).min().orElse(0));
		ij.process.LUT fire = new ij.process.LUT(LutLoader.getLut("fire"), min, max);
		if (imp instanceof ij.CompositeImage c) {
			c.setChannelLut(fire, 1);
			c.setC(1);
		} else {
			imp.setLut(fire);
		}
		imp.setDisplayRange(min, max);
		return imp;
	}

	private static double minimum(float[] values) {
		double m = Double.POSITIVE_INFINITY;
		for (float v : values) m = Math.min(m, v);
		return m;
	}

	/** The anomaly maps as one float image: X, Y and, for several planes, the plane. */
	static Img<FloatType> toImg(List<AnomalyModel.Result> results, int w, int h) {
		if (results.size() == 1) return ArrayImgs.floats(results.get(0).score().channel(0), w, h);
		float[] all = new float[w * h * results.size()];
		for (int i = 0; i < results.size(); i++) System.arraycopy(results.get(i).score().channel(0), 0, all, i * w * h, w * h);
		return ArrayImgs.floats(all, w, h, results.size());
	}

}
