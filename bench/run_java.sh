#!/usr/bin/env bash
# The one launcher of the bench scripts: runs a program of src/bench/java (or any class of the project)
# with the project's class path, offline and headless.
#   bench/run_java.sh [JAVA_OPTION...] MAIN_CLASS [ARG...]   e.g. bench/run_java.sh -Xmx6g io.github.stad.bench.TeacherProbe …
#   bench/run_java.sh --build                                 only bring the build up to date (for bin/stad)
# Builds the plugin, the bench programs and target/cp.txt (the dependencies' class path) when target/cp.txt
# is missing or older than a file under src/ or pom.xml; otherwise starts at once. Paths in the arguments
# are taken from the caller's working directory.
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cp_file="$home/target/cp.txt"
if [ ! -f "$cp_file" ] || [ ! -d "$home/target/test-classes" ] || [ ! -d "$home/target/lib" ] \
   || [ -n "$(find "$home/src" "$home/pom.xml" -newer "$cp_file" -print -quit)" ]; then
  echo "run_java: building the plugin and the bench programs (mvn package)" >&2
  (cd "$home" && mvn -q -B -DskipTests package dependency:build-classpath -Dmdep.outputFile="$cp_file") >&2
  touch "$cp_file"  # the plugin leaves an unchanged file as it was: its time marks this build
fi
[ "${1:-}" = --build ] && exit 0

options=()
while [ $# -gt 0 ] && [[ "$1" == -* ]]; do options+=("$1"); shift; done
[ $# -gt 0 ] || { echo "usage: bench/run_java.sh [JAVA_OPTION...] MAIN_CLASS [ARG...]" >&2; exit 2; }
exec java -Dai.djl.offline=true -Djava.awt.headless=true "${options[@]}" \
  -cp "$home/target/classes:$home/target/test-classes:$(cat "$cp_file")" "$@"
