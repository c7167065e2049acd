#!/usr/bin/env bash
# Side by side on a GPU machine: panopt's GpuReport and PyTorch's torch_reference.py, then a table of
# ratios against the targets (GEMM >= 0.9x torch.matmul's TFLOP/s; autoencoder step >= 0.7x PyTorch eager's
# samples/s) and the CPU-vs-GPU speed-ups. Run from the repository root:
#   JAVA=/path/to/java CP=bench/target/benchmarks.jar bash bench/gpu/compare.sh [--quick] [OUT_DIR]
# JAVA defaults to `java` on PATH; CP to bench/target/benchmarks.jar. Results: OUT_DIR/{panopt,torch}.tsv and table.txt.
set -uo pipefail
quick=()
[[ ${1:-} == --quick ]] && { quick=(--quick); shift; }
out=${1:-bench/gpu/results}
mkdir -p "$out"
java=${JAVA:-java}
cp=${CP:-bench/target/benchmarks.jar}
flags=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED)

echo "== panopt (GpuReport)"
"$java" "${flags[@]}" -cp "$cp" org.panopt.bench.gpu.GpuReport "${quick[@]}" | tee "$out/panopt.tsv"
echo "== PyTorch (torch_reference.py)"
python3 bench/gpu/torch_reference.py "${quick[@]}" | tee "$out/torch.tsv"

python3 - "$out/panopt.tsv" "$out/torch.tsv" <<'PY' | tee "$out/table.txt"
import sys
rows = {}
for path in sys.argv[1:]:
    for line in open(path):
        if line.startswith("#") or not line.strip():
            continue
        impl, bench, size, ms, rate, unit = line.rstrip("\n").split("\t")
        rows[(impl, bench, int(size))] = (float(ms), float(rate), unit)
targets = {"sgemm": 0.9, "dgemm": 0.9, "ae_step": 0.7}
print(f"{'bench':<9} {'size':>5} {'panopt':>12} {'torch':>12} {'unit':<10} {'ratio':>6} {'target':>6}")
for (impl, bench, size), (ms, rate, unit) in sorted(rows.items(), key=lambda kv: (kv[0][1], kv[0][2])):
    if impl != "panopt" or bench not in targets:
        continue
    ref = rows.get(("torch", bench, size))
    if ref is None:
        print(f"{bench:<9} {size:>5} {rate:>12.3f} {'-':>12} {unit:<10}")
        continue
    ratio = rate / ref[1]
    verdict = "met" if ratio >= targets[bench] else "MISSED"
    print(f"{bench:<9} {size:>5} {rate:>12.3f} {ref[1]:>12.3f} {unit:<10} {ratio:>6.2f} {targets[bench]:>5.1f}x {verdict}")
print()
print("CPU vs GPU (panopt):")
for (impl, bench, size), (ms, rate, unit) in sorted(rows.items()):
    if impl == "panopt" and bench.startswith("cpu_"):
        gpu = rows.get(("panopt", "sgemm" if bench == "cpu_sgemm" else bench[4:], size))
        if gpu:
            print(f"  {bench[4:]:<8} {size:>5}: cpu {rate:.4g} {unit}, gpu {gpu[1]:.4g} {unit}: {gpu[1] / rate:.1f}x")
PY
