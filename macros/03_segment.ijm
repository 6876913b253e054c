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
run("Segment Anomalies...", "model_file=[" + out + "model.zip] threshold_mode=model min_region_size=10 output_folder=[" + out + "segment]");
print("03_segment: default threshold: " + Overlay.size + " region(s) in the overlay");
// ... or a stricter one: the score that only 0.1 % of normal pixels reach.
run("Segment Anomalies...", "model_file=[" + out + "model.zip] threshold_mode=fpr target_fpr=0.001 min_region_size=10 output_folder=[" + out + "segment_strict]");
print("03_segment: at 0.1 % false positives: " + Table.size("Anomaly Regions") + " region(s), image flagged: " + Table.getString("flagged", 0, "Anomaly Images"));
saveAs("Tiff", out + "foreign_patch_with_overlay.tif");
print("03_segment: OK");
