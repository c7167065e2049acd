#!/usr/bin/env bash
# Runs GemmCompare: panopt vs OpenBLAS vs netlib-java VectorBLAS vs EJML, GEMM GFLOP/s side by side.
#
#   bench/compare-gemm.sh [GemmCompare options]   e.g. --shapes square --sizes 1024 --dtype f32
#
# Builds bench/target/benchmarks.jar when it is missing or older than the sources, fetches OpenBLAS
# into a user cache (bench/openblas.sh; the OpenBLAS column is skipped if that fails), and runs with
# as many OpenBLAS threads as panopt threads (--threads, default: all cores).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")

if [[ -z "${JAVA_HOME:-}" || ! -x "$JAVA_HOME/bin/java" ]] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -qE 'version "(2[5-9]|[3-9][0-9])'; then
  JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
[[ -x "$JAVA_HOME/bin/java" ]] || { echo "compare-gemm.sh: needs a JDK 25 (set JAVA_HOME)" >&2; exit 1; }
export JAVA_HOME

jar="$here/target/benchmarks.jar"
if [[ ! -f "$jar" ]] || [[ -n "$(find "$repo/core/src/main" "$here/src/main" -newer "$jar" -name '*.java' | head -1)" ]]; then
  echo "compare-gemm.sh: building $jar" >&2
  (cd "$repo" && mvn -q -B -pl bench -am package -DskipTests)
fi

threads=$(nproc)
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  [[ "${args[i]}" == "--threads" ]] && threads="${args[i+1]}"
done

blas_opt=()
if lib=$("$here/openblas.sh"); then
  export LD_LIBRARY_PATH="$(dirname "$lib")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  export OPENBLAS_NUM_THREADS="$threads"
  blas_opt=("-Ddev.ludovic.netlib.blas.nativeLib=$lib")
else
  echo "compare-gemm.sh: OpenBLAS unavailable; its column will be skipped" >&2
fi

exec "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  "${blas_opt[@]}" -cp "$jar" org.panopt.bench.GemmCompare --threads "$threads" "$@"
