#!/usr/bin/env bash
# On the GPU machine (the device tool), from the repository root, with the bundle of prepare.sh carried:
#   bash gpu/device/run.sh [BUNDLE] [--quick]
# 1. unpacks the Java runtime, shows the GPU;
# 2. runs the GPU tests (CudaRegistrationTest, CudaDeviceTest, CudaTrainingTest) with the JUnit console launcher;
# 3. runs the benchmarks side by side with PyTorch (bench/gpu/compare.sh).
# Logs and reports go to $OUT (the device tool's output folder) or /tmp/panopt-gpu.
set -uo pipefail
bundle=${1:-.device}
quick=()
[[ ${2:-} == --quick ]] && quick=(--quick)
out=${OUT:-/tmp/panopt-gpu}
mkdir -p "$out"
[[ -f $bundle/jre.tgz ]] || { echo "run: $bundle/jre.tgz missing: run gpu/device/prepare.sh on the build machine and carry $bundle" >&2; exit 1; }
tar xzf "$bundle/jre.tgz" -C /tmp
java=/tmp/jre/bin/java
# The toolkit's libraries on the loader path too (NVRTC dlopens libnvrtc-builtins by name).
export LD_LIBRARY_PATH="/usr/local/cuda/lib64:/usr/local/cuda/targets/x86_64-linux/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
flags=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xss4m)

nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>&1 | tee "$out/gpu.txt"

echo "== GPU tests"
cp="$bundle/console/*:$bundle/gpu-test-classes:$bundle/gpu-classes:$bundle/lib/*"
"$java" "${flags[@]}" -cp "$cp" org.junit.platform.console.ConsoleLauncher execute \
    --select-class org.panopt.gpu.CudaRegistrationTest --select-class org.panopt.gpu.CudaDeviceTest \
    --select-class org.panopt.gpu.CudaTrainingTest --details=tree --disable-banner --disable-ansi-colors \
    --reports-dir="$out/junit" 2>&1 | tee "$out/tests.log"
tests=${PIPESTATUS[0]}

echo "== Benchmarks"
JAVA=$java CP=$bundle/benchmarks.jar bash bench/gpu/compare.sh "${quick[@]}" "$out" 2>&1 | tee "$out/bench.log"
echo "run: tests exit status $tests; results in $out"
exit "$tests"
