#!/usr/bin/env bash
# Builds, on this machine, what the GPU machine needs to run panopt's GPU tests and benchmarks: it has
# no Java and no Maven. Run from the repository root:
#   bash gpu/device/prepare.sh [OUT_DIR]        (default .device; add it to .git/info/exclude, never commit it)
# OUT_DIR then holds jre.tgz (a Java 25 runtime from ../shared/tools/device-jre), the gpu module's
# classes and test classes, every jar they need (lib/), the JUnit console launcher, and the shaded
# benchmarks.jar — about 45 MB, under the device tool's 64 MiB carry limit. See gpu/README.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
out=${1:-.device}
junit_platform=${JUNIT_PLATFORM_VERSION:-1.14.4}

find_jdk() {
  local cand
  for cand in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [[ -n $cand && -x $cand/bin/jlink ]] || continue
    "$cand/bin/java" -version 2>&1 | grep -qE 'version "(2[5-9]|[3-9][0-9])' && { echo "$cand"; return 0; }
  done
  return 1
}
JAVA_HOME=$(find_jdk) || { echo "prepare: no JDK 25+ found (set JAVA_HOME)" >&2; exit 1; }
export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"

rm -rf "$out/lib" "$out/gpu-classes" "$out/gpu-test-classes" "$out/benchmarks.jar"
mkdir -p "$out/lib"
# One reactor invocation, so that panopt-core and panopt-gpu come from this checkout, not from ~/.m2.
mvn -B -q -Dstyle.color=never -pl gpu,bench -am package dependency:copy-dependencies -DskipTests \
    -DincludeScope=test -DexcludeGroupIds=org.openjdk.jmh,dev.ludovic.netlib,net.sourceforge.f2j,org.apache.commons,net.sf.jopt-simple -DoutputDirectory="$root/$out/lib"
cp core/target/panopt-core-*.jar "$out/lib/"
rm -f "$out"/lib/panopt-core-*-sources.jar "$out"/lib/panopt-gpu-*.jar
cp -r gpu/target/classes "$out/gpu-classes"
cp -r gpu/target/test-classes "$out/gpu-test-classes"
cp bench/target/benchmarks.jar "$out/benchmarks.jar"
mvn -B -q -Dstyle.color=never dependency:copy -Dartifact="org.junit.platform:junit-platform-console-standalone:$junit_platform" \
    -DoutputDirectory="$root/$out/console"

device_jre=${DEVICE_JRE:-$root/../shared/tools/device-jre}
[[ -x $device_jre ]] || device_jre=/work/shared/tools/device-jre
[[ -f $out/jre.tgz ]] || bash "$device_jre" "$out"
du -sh "$out"
echo "prepare: bundle ready in $out; on the GPU machine run: bash gpu/device/run.sh $out   (carry: $out)"
