#!/usr/bin/env bash
# Takes the documentation screenshots (docs/images/*.png) in Debian's ImageJ 1 under Xvfb: the dialogs
# of every command and the results of a small workflow on the sample images. Not part of CI.
# Needs what ci/acceptance.sh needs plus imagemagick. Usage: ci/screenshots.sh [work-dir]
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-$(mktemp -d /tmp/stad-shots.XXXXXX)}"
images="$home/docs/images"
mkdir -p "$images" "$work"
cd "$home"

# Install the plugin into a fresh ImageJ user folder from the install folders, as the acceptance test does.
jar=$(ls target/student-teacher-anomaly-detection-*.jar | grep -v -e sources -e tests | head -n 1)
export HOME="$work/home"
mkdir -p "$HOME/.imagej/plugins/jars"
cp target/fiji/jars/* "$HOME/.imagej/plugins/jars/"
cp -r target/imagej/. "$HOME/.imagej/"

cat > "$work/session.sh" <<'INNER'
#!/usr/bin/env bash
# Runs inside xvfb-run: one ImageJ per dialog, then one for the results.
set -u
work="$1"; images="$2"; samples="$3"
shot() { import -window root "$work/raw.png" && /usr/bin/convert "$work/raw.png" -trim +repage "$images/$1"; }
dialogs="Train Model|Detect Anomalies|Segment Anomalies|Batch Detect|Evaluate|Model Info"
[ "${STAD_SHOT_DIALOGS:-1}" = 1 ] || dialogs=""
IFS='|'; for cmd in $dialogs; do unset IFS
  printf 'open("%s/test/defect/scratch.png");\nrun("%s...");\n' "$samples" "$cmd" > "$work/dialog.ijm"
  setsid imagej -m "$work/dialog.ijm" > "$work/dialog.log" 2>&1 &
  pid=$!
  sleep 12
  name=$(echo "$cmd" | tr 'A-Z ' 'a-z_')
  shot "dialog_${name}.png"
  kill -- -"$pid" 2>/dev/null || kill "$pid"; sleep 2
done
unset IFS
rm -f "$work/done"
setsid imagej -m "$work/results.ijm" "samples=$samples out=$work/out shots=$work/shots" > "$work/results.log" 2>&1 &
pid=$!
for i in $(seq 1 1200); do
  [ -f "$work/shots/next" ] && { shot "$(cat "$work/shots/next")"; rm "$work/shots/next"; touch "$work/shots/taken"; }
  [ -f "$work/done" ] && break
  sleep 1
done
kill -- -"$pid" 2>/dev/null || kill "$pid"
INNER

cat > "$work/results.ijm" <<'MACRO'
// A small workflow in the ImageJ GUI; asks the shell script for a screenshot at each step.
args = getArgument();
samples = call("ij.Macro.getValue", args, "samples", "") + "/";
out = call("ij.Macro.getValue", args, "out", "") + "/";
shots = call("ij.Macro.getValue", args, "shots", "") + "/";
File.makeDirectory(out);
File.makeDirectory(shots);
function screenshot(name) {
	wait(1500);
	File.saveString(name, shots + "next");
	while (!File.exists(shots + "taken")) wait(200);
	ok = File.delete(shots + "taken"); // a bare call would print its result to the log
}
function tidy() {
	close("*");
	list = getList("window.titles");
	for (i = 0; i < list.length; i++) { if (list[i] != "Log") { selectWindow(list[i]); run("Close"); } }
}
run("Train Model...", "normal_folder=[" + samples + "normal] validation_folder=[" + samples + "validation] patch_sizes=17 students=3 epochs=10 network_width=16 descriptor_size=16 seed=1 model_file=[" + out + "model.zip]");
screenshot("train_loss.png");
tidy();
open(samples + "test/defect/scratch.png");
run("Set... ", "zoom=300");
setLocation(0, 120);
run("Detect Anomalies...", "model_file=[" + out + "model.zip]");
run("Set... ", "zoom=300");
setLocation(420, 120);
screenshot("detect.png");
tidy();
open(samples + "test/defect/scratch.png");
run("Set... ", "zoom=300");
setLocation(0, 120);
run("Segment Anomalies...", "model_file=[" + out + "model.zip] threshold_mode=fpr target_fpr=0.02 min_region_size=10");
Table.setLocationAndSize(420, 120, 760, 200, "Anomaly Regions");
Table.setLocationAndSize(420, 340, 760, 100, "Anomaly Images");
selectWindow("ROI Manager");
setLocation(420, 460);
screenshot("segment.png");
tidy();
run("Evaluate...", "model_file=[" + out + "model.zip] test_folder=[" + samples + "test] mask_folder=[" + samples + "ground_truth] output_folder=[" + out + "evaluation]");
Table.setLocationAndSize(0, 560, 700, 160, "Anomaly Evaluation");
screenshot("evaluate.png");
tidy();
run("Model Info...", "model_file=[" + out + "model.zip]");
screenshot("model_info.png");
File.saveString("", getDirectory("home") + "../done");
MACRO
# The macro's "done" marker is in $work (the parent of HOME).
export STAD_SHOT_DIALOGS="${STAD_SHOT_DIALOGS:-1}"  # 0: only the results
timeout 1500 xvfb-run -a -s "-screen 0 1280x900x24" bash "$work/session.sh" "$work" "$images" "$home/sample-images"
# The GUI-only parts (live threshold, triage table) with the real dialog and table code, on the model
# the results macro trained (needs the test classes: mvn package).
mkdir -p "$work/batch-in"
cp sample-images/test/defect/*.png sample-images/test/good/*.png "$work/batch-in/"
timeout 300 xvfb-run -a -s "-screen 0 1280x900x24" java -cp "target/test-classes:$jar:target/lib/*" \
  io.github.stad.fiji.GuiScreenshots "$work/out/model.zip" sample-images/test/defect/foreign_patch.png "$work/batch-in" "$work" "$images"
ls -la "$images"
