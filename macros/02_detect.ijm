// Anomaly Detection example 2: the anomaly map of one image (run 01_train.ijm first).
// Arguments: samples=<sample-images folder> out=<folder with model.zip>
args = getArgument();
samples = call("ij.Macro.getValue", args, "samples", "");
if (samples == "") samples = getDirectory("Choose the sample-images folder");
out = call("ij.Macro.getValue", args, "out", "");
if (out == "") out = getDirectory("Choose the folder with model.zip");
if (!endsWith(samples, "/")) samples = samples + "/";
if (!endsWith(out, "/")) out = out + "/";

setBatchMode(true);
open(samples + "test/defect/scratch.png");
input = getTitle();
// The active image is examined; the map opens as a new 32-bit image with the same size and calibration.
run("Detect Anomalies...", "model_file=[" + out + "model.zip] use_gpu=false tile_size=256 add_scale_maps=false");
map = getTitle();
if (bitDepth() != 32 || getWidth() != 128) exit("02_detect: unexpected anomaly map " + map);
getStatistics(area, mean, min, max);
print("02_detect: " + map + " max score " + d2s(max, 3));
saveAs("Tiff", out + "scratch_anomaly.tif");

// The e/v maps of every scale as further channels.
selectImage(input);
run("Detect Anomalies...", "model_file=[" + out + "model.zip] use_gpu=false tile_size=256 add_scale_maps=true");
getDimensions(w, h, channels, slices, frames);
Stack.setChannel(2); // each channel is named by scale and signal, e.g. "p=17 e (regression error) · scratch"
print("02_detect: with scale maps: " + channels + " channels; channel 2 is " + getInfo("slice.label"));
Stack.setChannel(1);
saveAs("Tiff", out + "scratch_layers.tif");
print("02_detect: OK");
