#!/usr/bin/env bash
# Real-client acceptance test: the example macros in Debian's ImageJ 1 (package imagej) under Xvfb,
# with the built plugin installed from the install folders as a user would: target/fiji (what goes into
# Fiji.app) and target/imagej (what plain ImageJ 1 needs on top: the bridge and the libraries Fiji ships).
# Checks the files the macros write (maps, ROI zips, tables, metrics), not just that ImageJ exited;
# a macro error or a hang (timeout) fails the test. Needs: imagej, xvfb (xvfb-run), xauth, java 17, maven.
# Usage: ci/acceptance.sh [work-dir]     Exit code 0 = all passed.
set -uo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-$(mktemp -d /tmp/stad-acceptance.XXXXXX)}"
mkdir -p "$work"
timeout_s="${STAD_MACRO_TIMEOUT:-300}"  # a macro error shows a modal dialog even in -batch: the timeout ends it
cd "$home"

for tool in imagej xvfb-run java; do
  command -v "$tool" >/dev/null || { echo "acceptance: $tool is not installed (apt-get install imagej xvfb xauth)"; exit 2; }
done
jar=$(ls target/student-teacher-anomaly-detection-*.jar 2>/dev/null | grep -v -e sources -e tests | head -n 1 || true)
if [ -z "$jar" ] || [ ! -d target/fiji/jars ] || [ ! -f target/imagej/plugins/Anomaly_Detection.jar ] || [ ! -d target/lib ] || [ ! -d target/test-classes ]; then
  echo "acceptance: building the plugin"
  mvn -q -B -DskipTests package || exit 1
  jar=$(ls target/student-teacher-anomaly-detection-*.jar | grep -v -e sources -e tests | head -n 1)
fi

# The Fiji install folder holds the plugin and exactly what Fiji lacks (DJL and PyTorch), nothing Fiji ships.
fiji_jars=$(cd target/fiji/jars && ls | sed -E 's/-[0-9][0-9.]*(-[0-9][0-9.]*)?(-SNAPSHOT)?(-linux-x86_64)?\.jar$//' | sort | tr '\n' ' ')
expected="api pytorch-engine pytorch-jni pytorch-native-cpu student-teacher-anomaly-detection "
if [ "$fiji_jars" != "$expected" ] || [ -n "$(ls -A target/fiji | grep -v '^jars$')" ]; then
  echo "acceptance: FAIL target/fiji should hold jars/ with only the plugin and DJL/PyTorch, has: $(cd target/fiji && find . -type f | sort | tr '\n' ' ')"; exit 1
fi

# The ImageJ front end must only use what this ImageJ 1 has (the build compiles against a newer ij.jar).
ij_jar=/usr/share/java/ij.jar  # where Debian's imagej package puts it
if [ -f "$ij_jar" ] && command -v javac >/dev/null; then
  echo "acceptance: compiling the ImageJ front end against $ij_jar"
  cp_libs=$(ls target/lib/*.jar | grep -v '/ij-' | tr '\n' ':')
  if ! javac -nowarn -d "$work/compat" -cp "$ij_jar:${cp_libs}target/classes" $(find src/main/java/io/github/stad/fiji src/main/java/io/github/stad/io -name '*.java') > "$work/compat.log" 2>&1; then
    echo "acceptance: FAIL the plugin uses ImageJ API that $ij_jar lacks:"; grep error "$work/compat.log" | head -20; exit 1
  fi
fi

# An ImageJ 1 user folder, as the Debian launcher uses it ($HOME/.imagej), with the plugin installed as
# the user guide says: target/fiji/jars (as for Fiji) into plugins/jars, then target/imagej (the bridge
# and the libraries Fiji would provide) over the ImageJ folder.
export HOME="$work/home"
plugins="$HOME/.imagej/plugins"
mkdir -p "$plugins/jars"
cp target/fiji/jars/* "$plugins/jars/"
cp -r target/imagej/. "$HOME/.imagej/"

# Inputs: the sample images, and a batch folder with one broken file.
out="$work/out"
mkdir -p "$out" "$work/batch-in"
cp sample-images/test/defect/*.png sample-images/test/good/*.png "$work/batch-in/"
printf 'this is not an image' > "$work/batch-in/broken.png"

passed=0; failed=0
run_macro() {  # name, argument
  local name="$1" arg="$2" log="$work/$1.log"
  echo "acceptance: running macros/$name.ijm"
  # -b is ImageJ's -batch: no ImageJ window; images stay in memory. timeout turns a hang into a failure.
  timeout -k 10 "$timeout_s" xvfb-run -a -s "-screen 0 1280x1024x24" imagej -b "$home/macros/$name.ijm" "$arg" >"$log" 2>&1 < /dev/null
  local rc=$?
  if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
    echo "acceptance: FAIL $name: timed out after ${timeout_s}s"; sed 's/^/    /' "$log" | tail -20; failed=$((failed + 1)); return 1
  fi
  if ! grep -q "^$name: OK" "$log" || grep -E -q "ERROR|Exception|Macro Error|Unrecognized command" "$log"; then
    echo "acceptance: FAIL $name (exit $rc)"; sed 's/^/    /' "$log" | tail -30; failed=$((failed + 1)); return 1
  fi
  grep -E "^0[0-9]_|Anomaly|Detect|Segment|Batch|Evaluate|Model Info|Train" "$log" | grep -v "^Open other" | sed 's/^/    /' | head -40
  passed=$((passed + 1))
}

args="samples=$home/sample-images out=$out quick"
run_macro 01_train "$args"
run_macro 02_detect "$args"
run_macro 03_segment "$args"
# The batch folder has a broken file: the batch must report it and go on, so the log has a "skipped" warning, not an error.
run_macro 04_batch "$args input=$work/batch-in"
run_macro 05_evaluate "$args"
run_macro 06_refine "$args"

# A failing step must stop its macro with one clear log line (no dialog, no hang, no stack trace).
echo "acceptance: a failing command in a macro"
printf 'run("Detect Anomalies...", "model_file=[%s/missing.zip] image_file=[%s]");\nprint("after the failure");\n' "$work" "$home/sample-images/test/good/000.png" > "$work/failing.ijm"
timeout -k 10 120 xvfb-run -a imagej -b "$work/failing.ijm" > "$work/failing.log" 2>&1 < /dev/null
if grep -q "^ERROR: Detect Anomalies: Model file not found" "$work/failing.log" && ! grep -q "after the failure" "$work/failing.log" && ! grep -q "at io.github" "$work/failing.log"; then
  passed=$((passed + 1))
else
  echo "acceptance: FAIL a failed command did not stop the macro with one error line"; sed 's/^/    /' "$work/failing.log" | tail -20; failed=$((failed + 1))
fi

# A bare checkbox word reads false, as in Fiji, and the command says so in the log.
echo "acceptance: a bare checkbox word in a macro"
printf 'setBatchMode(true);\nopen("%s");\nrun("Detect Anomalies...", "model_file=[%s/model.zip] add_scale_maps");\nprint("channels: " + nSlices);\n' "$home/sample-images/test/good/000.png" "$out" > "$work/bare.ijm"
timeout -k 10 120 xvfb-run -a imagej -b "$work/bare.ijm" > "$work/bare.log" 2>&1 < /dev/null
if grep -q "WARNING: Detect Anomalies: the macro options name add_scale_maps without a value" "$work/bare.log" && grep -q "^channels: 1$" "$work/bare.log"; then
  passed=$((passed + 1))
else
  echo "acceptance: FAIL a bare checkbox word should read false and warn"; sed 's/^/    /' "$work/bare.log" | tail -20; failed=$((failed + 1))
fi

# Check the written files with Java (TIFF bit depth and size, ROI zips, CSV tables, metrics).
echo "acceptance: checking the outputs in $out"
if java -Djava.awt.headless=true -cp "target/test-classes:$jar:target/lib/*" io.github.stad.fiji.AcceptanceCheck "$out" "$work/batch-in"; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
fi
echo "acceptance: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
