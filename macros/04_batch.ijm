// Anomaly Detection example 4: a whole folder (and its subfolders) to maps, overlays, ROI sets and scores.csv.
// Arguments: samples=<sample-images folder> out=<folder with model.zip> [input=<folder to examine>]
args = getArgument();
samples = call("ij.Macro.getValue", args, "samples", "");
if (samples == "") samples = getDirectory("Choose the sample-images folder");
out = call("ij.Macro.getValue", args, "out", "");
if (out == "") out = getDirectory("Choose the folder with model.zip");
if (!endsWith(samples, "/")) samples = samples + "/";
if (!endsWith(out, "/")) out = out + "/";
input = call("ij.Macro.getValue", args, "input", samples + "test");

// A file that cannot be read is reported in the log and in scores.csv; the others go on.
run("Batch Detect...", "model_file=[" + out + "model.zip] use_gpu=false tile_size=256 input_folder=[" + input + "] output_folder=[" + out + "batch]"
	+ " threshold_mode=model threshold_value=3 target_fpr=0.01 min_region_size=10 overwrite=false shard=[]");
// scores.csv (and the "Anomaly Batch" table in the GUI) lists the most anomalous image first, failures last.
rows = split(File.openAsString(out + "batch/scores.csv"), "\n");
print("04_batch: most anomalous: " + rows[1]);
print("04_batch: OK");
