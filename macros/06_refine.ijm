// Anomaly Detection example 6: teach a model that some images are normal (run 01_train.ijm first).
// Arguments: samples=<sample-images folder> out=<folder with model.zip> [quick]
// Here the defect-free test images stand in for false alarms; in practice, the images a batch flagged
// that are normal after all (in the GUI: select their rows in the "Anomaly Batch" table and press R).
args = getArgument();
samples = call("ij.Macro.getValue", args, "samples", "");
if (samples == "") samples = getDirectory("Choose the sample-images folder");
out = call("ij.Macro.getValue", args, "out", "");
if (out == "") out = getDirectory("Choose the folder with model.zip");
if (!endsWith(samples, "/")) samples = samples + "/";
if (!endsWith(out, "/")) out = out + "/";
budget = "time_budget=5 epochs=0";
if (indexOf(" " + args + " ", " quick ") >= 0) budget = "time_budget=5 epochs=1";

// The model's training and validation folders are read from the model (Model Info... shows them); the
// refined model is a new file, model.zip stays as it is.
run("Refine Model...", "model_file=[" + out + "model.zip] use_gpu=false tile_size=256 normal_folder=[" + samples + "test/good] " + budget
	+ " seed=1 refined_model_file=[" + out + "model_refined.zip] overwrite=false");
if (!File.exists(out + "model_refined.zip")) exit("06_refine: no refined model");
run("Model Info...", "model_file=[" + out + "model_refined.zip]");
print("06_refine: OK");
