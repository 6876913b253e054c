// Anomaly Detection example 5: AU-PRO and AUROCs against ground-truth masks (run 01_train.ijm first).
// Arguments: samples=<sample-images folder> out=<folder with model.zip>
args = getArgument();
samples = call("ij.Macro.getValue", args, "samples", "");
if (samples == "") samples = getDirectory("Choose the sample-images folder");
out = call("ij.Macro.getValue", args, "out", "");
if (out == "") out = getDirectory("Choose the folder with model.zip");
if (!endsWith(samples, "/")) samples = samples + "/";
if (!endsWith(out, "/")) out = out + "/";

run("Evaluate...", "model_file=[" + out + "model.zip] use_gpu=false tile_size=256 test_folder=[" + samples + "test] mask_folder=[" + samples + "ground_truth]"
	+ " output_folder=[" + out + "evaluation] overwrite=false max_fpr=0.3");
// Row 0 is all images (then one row per defect type). With a display also Table.get("au_pro", 0, "Anomaly Evaluation");
// headless ImageJ keeps no named tables, call() works everywhere.
auPro = parseFloat(call("io.github.stad.fiji.Tables.get", "Anomaly Evaluation", "au_pro", "0"));
imageAuroc = parseFloat(call("io.github.stad.fiji.Tables.get", "Anomaly Evaluation", "image_auroc", "0"));
print("05_evaluate: AU-PRO " + d2s(auPro, 4) + ", image AUROC " + d2s(imageAuroc, 4));
print("05_evaluate: OK");
