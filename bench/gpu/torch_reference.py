#!/usr/bin/env python3
"""PyTorch's side of panopt's GPU comparison (panopt's side: org.panopt.bench.gpu.GpuReport).

Measures on cuda:0, in the same output format as GpuReport (tab-separated: impl, bench, size, ms, rate, unit):
  - sgemm / dgemm: torch.matmul of two n x n matrices, n = 1024 ... 8192, TF32 off (full FP32, as panopt's cuBLAS calls);
  - ae_step: one eager-mode SGD training step of the MNIST autoencoder 784-1000-500-250-30-250-500-1000-784
    (logistic hidden units, linear code and output layers, BCE-with-logits summed per case and averaged over the
    batch, lr 0.003) at batch 256 and 4096 -- the step panopt's AutoencoderStep takes.
Timing: warm-up, then repetitions for about a second between torch.cuda.synchronize() calls; median of three.
Usage: python3 bench/gpu/torch_reference.py [--quick]
"""
import statistics
import sys
import time

import torch


def millis(work, warmup):
    for _ in range(warmup):
        work()
    torch.cuda.synchronize()
    runs = []
    for _ in range(3):
        reps = 0
        t0 = time.perf_counter()
        while True:
            work()
            reps += 1
            if reps % 4 == 0 or reps < 4:
                torch.cuda.synchronize()
            if time.perf_counter() - t0 >= 1.0 and reps >= 3:
                break
        torch.cuda.synchronize()
        runs.append((time.perf_counter() - t0) * 1e3 / reps)
    return statistics.median(runs)


def report(bench, size, ms, rate, unit):
    print(f"torch\t{bench}\t{size}\t{ms:.4f}\t{rate:.4f}\t{unit}", flush=True)


def autoencoder(device):
    widths = [784, 1000, 500, 250, 30, 250, 500, 1000, 784]
    layers = []
    for i in range(len(widths) - 1):
        layers.append(torch.nn.Linear(widths[i], widths[i + 1]))
        # Logistic units everywhere except the 30-unit code layer and the output (logits).
        if widths[i + 1] != 30 and i + 1 != len(widths) - 1:
            layers.append(torch.nn.Sigmoid())
    return torch.nn.Sequential(*layers).to(device)


def main():
    quick = "--quick" in sys.argv
    if not torch.cuda.is_available():
        print("# torch_reference: CUDA unavailable, nothing measured")
        return
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    device = torch.device("cuda:0")
    print(f"# torch {torch.__version__}, CUDA {torch.version.cuda}, {torch.cuda.get_device_name(0)}", flush=True)
    sizes = [1024, 2048] if quick else [1024, 2048, 4096, 8192]
    for dtype, name in ((torch.float32, "sgemm"), (torch.float64, "dgemm")):
        for n in sizes:
            g = torch.Generator(device=device).manual_seed(1)
            a = torch.rand(n, n, device=device, dtype=dtype, generator=g) * 2 - 1
            b = torch.rand(n, n, device=device, dtype=dtype, generator=g) * 2 - 1
            ms = millis(lambda: torch.matmul(a, b), 3)
            report(name, n, ms, 2.0 * n ** 3 / (ms * 1e-3) / 1e12, "TFLOP/s")
            del a, b
        torch.cuda.empty_cache()
    for batch in (256, 4096):
        torch.manual_seed(7)
        model = autoencoder(device)
        x = torch.rand(batch, 784, device=device)
        loss_fn = torch.nn.BCEWithLogitsLoss(reduction="sum")
        opt = torch.optim.SGD(model.parameters(), lr=0.003)

        def step():
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), x) / batch
            loss.backward()
            opt.step()
            return loss

        ms = millis(step, 5)
        report("ae_step", batch, ms, batch / (ms * 1e-3), "samples/s")


if __name__ == "__main__":
    main()
