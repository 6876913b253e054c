#!/usr/bin/env bash
# Builds the self-contained folder that bench/gpu_check.sh runs from on an NVIDIA machine with no
# internet, no Maven and no Java (docs/benchmarks.md, "GPU").
#   bench/gpu_pack.sh [OUT_DIR]          (default: gpu-pack/, ignored by git)
# OUT_DIR gets gpu_check.sh and stad-gpu.tar.xz, which holds:
#   jdk/      a Java 17 runtime made by jlink from this machine's JDK (JDK env, default
#             /usr/lib/jvm/java-17-openjdk-amd64), stripped, plus its include/ for building a JNI library
#   app/      the product jar without the shipped teachers (the check uses --random-teacher), target/lib
#             without pytorch-native-cpu (111 MB: the GPU machine's own PyTorch is used, on GPU and CPU
#             alike), and bench.jar (io.github.stad.bench.GpuCheck)
#   djl-jni/  only when DJL_SRC names a git checkout of deepjavalibrary/djl: DJL's JNI sources at tag
#             v$DJL_VERSION (0.36.0) with the JNI header generated here, so that gpu_check.sh can build
#             libdjl_torch.so against the GPU machine's PyTorch when its version is not the 2.7.1 that
#             DJL's shipped JNI libraries are built for.
# The whole working tree that travels to the device machine must stay under 64 MiB, the tracked files
# (about 24 MB) included: the script prints the size and warns above LIMIT_MIB (default 38).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
out=$(mkdir -p "${1:-gpu-pack}" && cd "${1:-gpu-pack}" && pwd)
jdk=${JDK:-/usr/lib/jvm/java-17-openjdk-amd64}
djl_version=${DJL_VERSION:-0.36.0}
limit=${LIMIT_MIB:-38}
for tool in "$jdk/bin/jlink" "$jdk/bin/jar" "$jdk/bin/javac" xz strip; do
  command -v "$tool" >/dev/null || { echo "gpu_pack: $tool not found" >&2; exit 1; }
done

bench/run_java.sh --build
jar=""
for f in target/student-teacher-anomaly-detection-*.jar; do
  case "$f" in *-sources.jar|*-tests.jar) ;; *) jar=$f ;; esac
done
[ -n "$jar" ] || { echo "gpu_pack: no product jar in target/" >&2; exit 1; }
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/app/lib"

# The product jar without src/main/resources/teachers (21 MB): the timing model has a random teacher.
python3 - "$jar" "$stage/app/stad.jar" <<'EOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as src, zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as dst:
    for item in src.infolist():
        if not item.filename.startswith("teachers/"):
            dst.writestr(item, src.read(item.filename))
EOF
for f in target/lib/*.jar; do
  case "$(basename "$f")" in pytorch-native-*) ;; *) cp "$f" "$stage/app/lib/" ;; esac
done
(cd target/test-classes && "$jdk/bin/jar" cf "$stage/app/bench.jar" io/github/stad/bench/GpuCheck*.class io/github/stad/bench/ScoringBenchmark*.class)

# A Java runtime: uncompressed modules compress better in the xz archive than jlink's own compression.
"$jdk/bin/jlink" --add-modules java.base,java.compiler,java.datatransfer,java.desktop,java.logging,java.management,java.naming,java.prefs,java.scripting,java.sql,java.xml,jdk.charsets,jdk.management,jdk.unsupported,jdk.zipfs \
  --strip-debug --no-man-pages --no-header-files --compress=0 --output "$stage/jdk" >&2
strip --strip-unneeded "$stage/jdk/lib/server/libjvm.so"
cp -r "$jdk/include" "$stage/jdk/include"

if [ -n "${DJL_SRC:-}" ]; then
  src=$stage/djl-jni
  mkdir -p "$src"
  git -C "$DJL_SRC" archive "v$djl_version" engines/pytorch/pytorch-native/CMakeLists.txt engines/pytorch/pytorch-native/src/main/native \
    api/src/main/native engines/pytorch/pytorch-engine/src/main/java | tar -x -C "$src"
  # The JNI header, as DJL's build.sh makes it (javac -h); the classes themselves are not needed.
  mkdir -p "$src/engines/pytorch/pytorch-native/build/include" "$stage/javac-classes"
  "$jdk/bin/javac" -proc:none -cp "target/lib/*" -sourcepath "$src/engines/pytorch/pytorch-engine/src/main/java" \
    -h "$src/engines/pytorch/pytorch-native/build/include" -d "$stage/javac-classes" \
    "$src/engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java" >&2
  rm -rf "$src/engines/pytorch/pytorch-engine" "$stage/javac-classes"
  echo "$djl_version" > "$src/DJL_VERSION"
else
  echo "gpu_pack: DJL_SRC not set: no JNI sources packed; gpu_check.sh then works only with a PyTorch 2.7.1 CUDA build on the GPU machine" >&2
fi
git -C "$repo" rev-parse HEAD > "$stage/COMMIT"

rm -f "$out/stad-gpu.tar.xz"
tar -C "$stage" -cf - . | xz -6 -T0 > "$out/stad-gpu.tar.xz"
cp bench/gpu_check.sh "$out/gpu_check.sh"
bytes=$(du -cb "$out/stad-gpu.tar.xz" "$out/gpu_check.sh" | tail -n 1 | cut -f1)
mib=$(( (bytes + 1048575) / 1048576 ))
echo "gpu_pack: $out: $(du -sh "$stage/jdk" | cut -f1) runtime, $(du -sh "$stage/app" | cut -f1) jars unpacked; packed ${mib} MiB" >&2
if [ "$mib" -gt "$limit" ]; then
  echo "gpu_pack: WARNING: ${mib} MiB is above ${limit} MiB: with the tracked files the working tree may not fit the 64 MiB that travels" >&2
fi
