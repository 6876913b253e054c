// Anomaly Detection example 3: regions above a threshold as ROIs and tables (run 01_train.ijm first).
// Arguments: samples=<sample-images folder> out=<folder with model.zip>
args = getArgument();
samples = call("ij.Macro.getValue", args, "samples", "");
if (samples == "") samples = getDirectory("Choose the sample-images folder");
out = call("ij.Macro.getValue", args, "out", "");
if (out == "") out = getDirectory("Choose the folder with model.zip");
if (!endsWith(samples, "/")) samples = samples + "/";
if (!endsWith(out, "/")) out = out + "/";

setBatchMode(true);
open(samples + "test/defect/foreign_patch.png");
// The model's default threshold (set at 1 % false positives on the validation images) ...
run("Segment Anomalies...", "model_file=[" + out + "model.zip] use_gpu=false tile_size=256 threshold_mode=model threshold_value=3 target_fpr=0.01 min_region_size=10"
	+ " output_folder=[" + out + "segment] live_threshold=false overwrite=false");
print("03_segment: default threshold: " + Overlay.size + " region(s) in the overlay");
// ... or a stricter one: the score that only 0.1 % of normal pixels reach.
run("Segment Anomalies...", "model_file=[" + out + "model.zip] use_gpu=false tile_size=256 threshold_mode=fpr threshold_value=3 target_fpr=0.001 min_region_size=10"
	+ " output_folder=[" + out + "segment_strict] live_threshold=false overwrite=false");
// The tables: with a display also Table.size("Anomaly Regions") etc.; headless ImageJ keeps no named tables, call() works everywhere.
regions = call("io.github.stad.fiji.Tables.size", "Anomaly Regions");
flagged = call("io.github.stad.fiji.Tables.get", "Anomaly Images", "flagged", "0");
print("03_segment: at 0.1 % false positives: " + regions + " region(s), image flagged: " + flagged);
saveAs("Tiff", out + "foreign_patch_with_overlay.tif");
print("03_segment: OK");
