#!/usr/bin/env bash
# How informative a teacher's descriptors are on a data set, without any student (docs/teachers.md):
# participation ratio of the descriptors' correlation matrix (effective number of dimensions) and
# the pixel AUROC of two student-free detectors on the teacher's grid (distance to the nearest
# training descriptor, Mahalanobis distance). Needs python3 with numpy.
# Usage: bench/teacher_probe.sh SPLIT_CSV P TEACHER... (TEACHER: shipped, random, raw (raw-pixel PCA baseline) or a teacher .zip).
# Descriptors are a fixed-seed sample of the grid (TeacherProbe.keep). For the fixed quality-harness subset: bench/quality.sh probe
set -euo pipefail
cd "$(dirname "$0")/.."
csv="$1"; p="$2"; shift 2
dirs=()
for t in "$@"; do
  d="bench/out/probe/$(basename "$t" .zip)-p$p"
  bench/run_java.sh -Xmx6g io.github.stad.bench.TeacherProbe "$csv" "$p" "$t" "$d" >&2
  dirs+=("$d")
done
python3 bench/teacher_probe.py "${dirs[@]}"
