// Anomaly Detection example 1: train a model on the sample images.
// Arguments (all optional): samples=<sample-images folder> out=<output folder> quick
//   imagej -b macros/01_train.ijm "samples=/path/to/sample-images out=/tmp/stad"
//   Fiji: ./ImageJ-linux64 --headless -batch macros/01_train.ijm "samples=... out=..."
// "quick" trains tiny networks for one epoch (seconds; for tests, not for real use).
// Every run() writes every key the macro recorder writes (in Fiji a key left out opens the dialog), and
// checkboxes as key=true or key=false: Fiji ignores a bare word such as random_teacher.
args = getArgument();
samples = call("ij.Macro.getValue", args, "samples", "");
if (samples == "") samples = getDirectory("Choose the sample-images folder");
out = call("ij.Macro.getValue", args, "out", "");
if (out == "") out = getDirectory("Choose an output folder");
if (!endsWith(samples, "/")) samples = samples + "/";
if (!endsWith(out, "/")) out = out + "/";
File.makeDirectory(out);

settings = "patch_sizes=17,33 students=3 time_budget=20 epochs=20 processing_scale=1 teacher_adaptation=0 network_width=128 descriptor_size=128 teacher_files=[] random_teacher=false seed=1 threshold_fpr=0.01 overwrite=false use_gpu=false";
if (indexOf(" " + args + " ", " quick ") >= 0)
	settings = "patch_sizes=17 students=2 time_budget=20 epochs=1 processing_scale=1 teacher_adaptation=0 network_width=8 descriptor_size=8 teacher_files=[] random_teacher=true seed=1 threshold_fpr=0.01 overwrite=false use_gpu=false";

// Normal images from a folder, validation from another folder (leave validation_folder out to hold back 20 %).
run("Train Model...", "normal_folder=[" + samples + "normal] validation_folder=[" + samples + "validation] holdback_fraction=0.2 " + settings
	+ " model_file=[" + out + "model.zip]");

// The same from an open stack: every plane is one normal image, a fifth of them held back for validation.
// File > Import > Image Sequence... needs a display (it fails under --headless), so headless the folder is
// given instead: the same images, the same hold-back.
if (call("java.awt.GraphicsEnvironment.isHeadless") == "true") {
	run("Train Model...", "normal_folder=[" + samples + "normal] " + settings + " holdback_fraction=0.2 model_file=[" + out + "model_from_stack.zip]");
} else {
	run("Image Sequence...", "open=[" + samples + "normal] sort");
	run("Train Model...", settings + " holdback_fraction=0.2 model_file=[" + out + "model_from_stack.zip]");
	close();
}

run("Model Info...", "model_file=[" + out + "model.zip]");
print("01_train: OK");
