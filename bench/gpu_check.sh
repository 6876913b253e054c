#!/usr/bin/env bash
# GPU check of the product on an NVIDIA machine with no internet, no Maven and no Java
# (docs/benchmarks.md, "GPU"). Runs from the folder that bench/gpu_pack.sh made (this script beside
# stad-gpu.tar.xz; or an unpacked folder with jdk/ and app/):
#   bash gpu-pack/gpu_check.sh                 on the GPU machine
#   CPU_ONLY=1 bash gpu-pack/gpu_check.sh      dry run of everything but the GPU (any machine)
# It finds PyTorch's CUDA library on that machine through DJL's documented settings (PYTORCH_LIBRARY_PATH,
# PYTORCH_VERSION, PYTORCH_FLAVOR; the lib folder of a pip-installed torch, found with python3, or
# TORCH_LIB), trains a timing model (3 scales 17/33/65, 3 students, full width, random teachers,
# --epochs 1), scores with it on the GPU end to end with exact and with strided maps (--map-mode strided),
# and reports images per second at 256² and 1024² on GPU and CPU and the largest absolute difference of
# GPU and CPU maps (must be ≤ 1e-3), for exact and for strided maps. Results: $OUT/gpu_check.md (OUT defaults to
# WORK/out). Exit codes: 0 fine; 1 maps differ or a step failed; 2 no NVIDIA GPU or no CUDA PyTorch;
# 3 no DJL JNI library for that PyTorch could be had. Every step has a time limit: it never hangs.
# Environment: WORK (/tmp/stad-gpu), TORCH_LIB, PYTHON (python3), JAVA (the packed jdk/bin/java, else
# java on the PATH), SIZES (256,1024), GPU_COUNTS (8,4), CPU_COUNTS (2,1), TRAIN_COUNT (8), VALIDATION_COUNT
# (3), TRAIN_SIZE (256), CPU_ONLY; TORCH_LIB with TORCH_VERSION (and TORCH_CUDA for a CUDA build).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=${WORK:-/tmp/stad-gpu}
out=${OUT:-$work/out}
cpu_only=${CPU_ONLY:-0}
mkdir -p "$work" "$out"
report=$out/gpu_check.md
log=$out/gpu_check.log
: > "$log"
say() { echo "$*" | tee -a "$log" >&2; }
fail() { code=$1; shift; say "GPU CHECK FAILED: $*"; { echo "**GPU check failed:** $*"; } >> "$report"; exit "$code"; }
echo "# GPU check, $(date -u +%Y-%m-%dT%H:%MZ), $(uname -n)" > "$report"

# 1. The pack.
if [ -f "$here/stad-gpu.tar.xz" ]; then
  if [ ! -f "$work/.unpacked" ] || [ "$here/stad-gpu.tar.xz" -nt "$work/.unpacked" ]; then
    say "Unpacking $here/stad-gpu.tar.xz into $work"
    if command -v xz >/dev/null; then
      xz -dc "$here/stad-gpu.tar.xz" | tar -x -C "$work"
    else
      ${PYTHON:-python3} -c 'import sys, tarfile; tarfile.open(sys.argv[1], "r:xz").extractall(sys.argv[2])' "$here/stad-gpu.tar.xz" "$work"
    fi
    touch "$work/.unpacked"
  fi
  pack=$work
elif [ -d "$here/app" ]; then
  pack=$here
else
  fail 1 "no stad-gpu.tar.xz or app/ beside $0: build the folder with bench/gpu_pack.sh"
fi
echo "Commit: $(cat "$pack/COMMIT" 2>/dev/null || echo unknown)" >> "$report"
java=${JAVA:-}
if [ -z "$java" ]; then
  if [ -x "$pack/jdk/bin/java" ]; then java=$pack/jdk/bin/java; elif command -v java >/dev/null; then java=$(command -v java); fi
fi
[ -n "$java" ] || fail 1 "no Java runtime: neither $pack/jdk nor java on the PATH"
timeout 60 "$java" -version >> "$log" 2>&1 || fail 1 "the Java runtime $java does not start (see $log)"
say "Java: $java"

# 2. The GPU and PyTorch's CUDA library.
if [ "$cpu_only" != 1 ]; then
  command -v nvidia-smi >/dev/null || fail 2 "nvidia-smi not found: no NVIDIA driver on this machine"
  gpus=$(timeout 60 nvidia-smi -L 2>&1) || fail 2 "nvidia-smi failed or timed out: $gpus"
  say "GPU: $gpus"
  echo "GPU: $gpus" >> "$report"
fi
py=${PYTHON:-python3}
if [ -z "${TORCH_LIB:-}" ]; then
  info=$(timeout 120 "$py" -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib")); print(torch.__version__); print(torch.version.cuda or ""); print(torch.cuda.is_available())' 2>>"$log") \
    || fail 2 "no PyTorch found with $py (set TORCH_LIB to a libtorch lib folder, or PYTHON)"
  TORCH_LIB=$(sed -n 1p <<< "$info"); torch_version=$(sed -n 2p <<< "$info"); cuda=$(sed -n 3p <<< "$info"); cuda_ok=$(sed -n 4p <<< "$info")
else
  torch_version=${TORCH_VERSION:?with TORCH_LIB set TORCH_VERSION too, e.g. 2.7.1}; cuda=${TORCH_CUDA:-}; cuda_ok=unknown
fi
[ -f "$TORCH_LIB/libtorch.so" ] || fail 2 "no libtorch.so in $TORCH_LIB"
say "PyTorch $torch_version, CUDA ${cuda:-none}, torch.cuda.is_available() = $cuda_ok, libraries in $TORCH_LIB"
echo "PyTorch: $torch_version (CUDA ${cuda:-none}) from $TORCH_LIB" >> "$report"
if [ "$cpu_only" != 1 ]; then
  [ -n "$cuda" ] || fail 2 "PyTorch $torch_version in $TORCH_LIB is a CPU-only build"
  [ -f "$TORCH_LIB/libtorch_cuda.so" ] || fail 2 "no libtorch_cuda.so in $TORCH_LIB"
  [ "$cuda_ok" != False ] || fail 2 "PyTorch's own check torch.cuda.is_available() is False on this machine"
fi

# 3. DJL's JNI library for that PyTorch. DJL 0.36.0 ships it for PyTorch 2.7.1 only (flavors cpu and cu128,
#    in pytorch-jni-*.jar); for any other version it must be built here from the packed sources.
version=${torch_version%%+*}
if [ -n "$cuda" ]; then flavor=cu${cuda//./}; else flavor=cpu; fi
djl_version=$(cat "$pack/djl-jni/DJL_VERSION" 2>/dev/null || echo 0.36.0)
export DJL_CACHE_DIR=$work/djl-cache
export PYTORCH_LIBRARY_PATH=$TORCH_LIB PYTORCH_VERSION=$version
if [ "$version" = 2.7.1 ]; then
  if [ -n "$cuda" ]; then export PYTORCH_FLAVOR=cu128; else export PYTORCH_FLAVOR=cpu; fi
  say "PyTorch 2.7.1: using DJL's shipped JNI library ($PYTORCH_FLAVOR)"
else
  export PYTORCH_FLAVOR=$flavor
  jni_dir=$DJL_CACHE_DIR/pytorch/$version-$flavor-linux-x86_64
  jni=$jni_dir/$djl_version-libdjl_torch.so
  if [ ! -f "$jni" ]; then
    [ -d "$pack/djl-jni" ] || fail 3 "PyTorch $version is not the 2.7.1 of DJL's JNI library and the pack has no JNI sources (build it with DJL_SRC=… bench/gpu_pack.sh)"
    command -v cmake >/dev/null || fail 3 "cmake not found: cannot build DJL's JNI library for PyTorch $version"
    prefix=$(timeout 120 "$py" -c 'import torch.utils; print(torch.utils.cmake_prefix_path)' 2>>"$log") || fail 3 "torch.utils.cmake_prefix_path not found"
    src=$pack/djl-jni/engines/pytorch/pytorch-native
    build=$work/jni-build
    cuda_flag=()
    if [ -n "$cuda" ]; then cuda_flag=(-DUSE_CUDA=1); fi
    say "Building DJL $djl_version's JNI library against PyTorch $version (log: $out/jni-build.log)"
    rm -rf "$build"
    if ! { timeout 300 cmake -S "$src" -B "$build" -DCMAKE_PREFIX_PATH="$prefix" -DJAVA_HOME="$pack/jdk" -DCMAKE_BUILD_TYPE=Release "${cuda_flag[@]}" \
           && timeout 900 cmake --build "$build" -j "$(nproc)"; } > "$out/jni-build.log" 2>&1; then
      tail -n 30 "$out/jni-build.log" >&2
      fail 3 "building DJL's JNI library against PyTorch $version failed (last lines above, all in jni-build.log)"
    fi
    mkdir -p "$jni_dir"
    cp "$build/libdjl_torch.so" "$jni"
  fi
  say "Using the JNI library built here: $jni"
fi
echo "DJL settings: PYTORCH_LIBRARY_PATH=$PYTORCH_LIBRARY_PATH PYTORCH_VERSION=$PYTORCH_VERSION PYTORCH_FLAVOR=$PYTORCH_FLAVOR" >> "$report"

cp_app="$pack/app/stad.jar:$pack/app/lib/*:$pack/app/bench.jar"
jvm=("$java" -Xmx16g -Djava.awt.headless=true -Dai.djl.offline=true -DDJL_CACHE_DIR="$DJL_CACHE_DIR" -cp "$cp_app")
stad=("${jvm[@]}" io.github.stad.cli.Main)

# 4. A timing model: 3 scales, 3 students, full width, random teachers, one epoch, on generated images.
data=$work/data
rm -rf "$data" "$work/model.zip" "$work/maps-gpu"
timeout 300 "${jvm[@]}" io.github.stad.bench.GpuCheck images "$data/normal" "${TRAIN_COUNT:-8}" "${TRAIN_SIZE:-256}" 1 >> "$log" 2>&1 || fail 1 "writing the training images failed (see $log)"
timeout 300 "${jvm[@]}" io.github.stad.bench.GpuCheck images "$data/validation" "${VALIDATION_COUNT:-3}" "${TRAIN_SIZE:-256}" 2 >> "$log" 2>&1 || fail 1 "writing the validation images failed"
train_device=()
if [ "$cpu_only" = 1 ]; then train_device=(--cpu); fi
say "Training the timing model (--epochs 1 --random-teacher)…"
start=$(date +%s)
if ! timeout 1200 "${stad[@]}" train --normal "$data/normal" --validation "$data/validation" --out "$work/model.zip" --epochs 1 --random-teacher --seed 1 "${train_device[@]}" >> "$log" 2>&1; then
  [ "$cpu_only" = 1 ] && fail 1 "training failed on the CPU (see $log)"
  say "Training on the GPU failed (see $log); training on the CPU instead so that scoring can still be checked"
  echo "Training on the GPU FAILED (log: gpu_check.log); the model was trained with --cpu." >> "$report"
  timeout 2400 "${stad[@]}" train --normal "$data/normal" --validation "$data/validation" --out "$work/model.zip" --epochs 1 --random-teacher --seed 1 --cpu --overwrite >> "$log" 2>&1 \
    || fail 1 "training failed on the CPU too (see $log)"
else
  echo "Training (${TRAIN_COUNT:-8} images of ${TRAIN_SIZE:-256}², --epochs 1, $([ "$cpu_only" = 1 ] && echo CPU || echo GPU)): $(( $(date +%s) - start )) s" >> "$report"
fi
grep -m 3 -i -e "computing on" -e "gpu" "$log" | sed 's/^/    /' >> "$report" || true

# 5. The command line on the GPU (end to end: the log must say it computes on the GPU).
if [ "$cpu_only" != 1 ]; then
  timeout 600 "${stad[@]}" score --model "$work/model.zip" --input "$data/validation" --out "$work/maps-gpu" > "$out/score-gpu.log" 2>&1 || fail 1 "stad score on the GPU failed (see score-gpu.log)"
  grep -q -i "computing on the gpu" "$out/score-gpu.log" || fail 2 "stad score did not compute on the GPU: $(grep -i -m 1 computing "$out/score-gpu.log" || echo 'no device line')"
  echo "stad score: $(grep -i -m 1 "computing on" "$out/score-gpu.log")" >> "$report"
  # strided maps (--map-mode strided: p = 33/65 through the strided form, interpolated) end to end too
  rm -rf "$work/maps-gpu-strided"
  timeout 600 "${stad[@]}" score --model "$work/model.zip" --input "$data/validation" --out "$work/maps-gpu-strided" --map-mode strided > "$out/score-gpu-strided.log" 2>&1 \
    || fail 1 "stad score --map-mode strided on the GPU failed (see score-gpu-strided.log)"
  grep -q -i "computing on the gpu" "$out/score-gpu-strided.log" || fail 2 "stad score --map-mode strided did not compute on the GPU"
  echo "stad score --map-mode strided: $(grep -i -m 1 "computing on" "$out/score-gpu-strided.log")" >> "$report"
fi

# 6. Images per second and GPU = CPU, for exact and for strided maps.
check=("${jvm[@]}" io.github.stad.bench.GpuCheck check "$work/model.zip" "${SIZES:-256,1024}" "${GPU_COUNTS:-8,4}" "${CPU_COUNTS:-2,1}")
if [ "$cpu_only" = 1 ]; then check+=(--cpu-only); fi
echo >> "$report"
set +e
timeout 1800 "${check[@]}" 2>> "$log" | tee -a "$report"
rc=${PIPESTATUS[0]}
set -e
case $rc in
  0) say "GPU check done: $report" ;;
  124) fail 1 "the timing check ran past 30 minutes" ;;
  2) fail 2 "DJL found no CUDA GPU (see $report and $log)" ;;
  *) fail 1 "the timing check failed with exit $rc (see $report and $log)" ;;
esac
