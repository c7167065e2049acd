package org.panopt.bench.gpu;

import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.panopt.gpu.Cuda;
import org.panopt.gpu.CudaBackend;
import org.panopt.tensor.DType;
import org.panopt.tensor.Device;
import org.panopt.tensor.Tensor;

/**
 * panopt's side of the GPU comparison (the other side is {@code bench/gpu/torch_reference.py}; both are
 * run by {@code bench/gpu/compare.sh}): SGEMM and DGEMM at n = 1024 … 8192 on {@code cuda:0}, one
 * autoencoder training step at batch 256 and 4096 on the GPU and on the CPU. Prints one tab-separated
 * line per measurement, {@code panopt <bench> <size> <ms> <rate> <unit>}, after a header of comments.
 *
 * <p>Timing: warm-up runs, then repetitions until about a second has passed, the device synchronized
 * before the clock starts and before it stops (so queued work is counted); the median of three such
 * measurements. Without CUDA it prints why and exits with status 0 (nothing to compare).
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *        -cp bench/target/benchmarks.jar org.panopt.bench.gpu.GpuReport [--quick] [--no-cpu]
 * </pre>
 */
public final class GpuReport {
    private GpuReport() {}

    public static void main(String[] args) {
        boolean quick = java.util.Arrays.asList(args).contains("--quick");
        boolean cpu = !java.util.Arrays.asList(args).contains("--no-cpu");
        Cuda.Availability a = Cuda.availability();
        if (!a.available()) {
            System.out.println("# GpuReport: CUDA unavailable, nothing measured: " + a.description());
            return;
        }
        Device gpu = Cuda.device(0);
        CudaBackend backend = Cuda.backend(gpu);
        System.out.println("# panopt " + backend.description());
        System.out.println("# java " + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors() + " cpus");
        int[] sizes = quick ? new int[] {1024, 2048} : new int[] {1024, 2048, 4096, 8192};
        for (DType t : DType.values()) {
            String name = t == DType.FLOAT32 ? "sgemm" : "dgemm";
            for (int n : sizes) {
                Tensor x = Tensor.rand(new SplittableRandom(1), -1, 1, t, n, n).to(gpu);
                Tensor y = Tensor.rand(new SplittableRandom(2), -1, 1, t, n, n).to(gpu);
                double ms = millis(() -> x.matmul(y), backend::synchronize, 3);
                print(name, n, ms, 2.0 * n * n * (double) n / (ms * 1e-3) / 1e12, "TFLOP/s");
            }
            backend.emptyCache();
        }
        for (int batch : new int[] {256, 4096}) {
            AutoencoderStep step = new AutoencoderStep(batch, gpu);
            double ms = millis(step::run, backend::synchronize, 5);
            print("ae_step", batch, ms, batch / (ms * 1e-3), "samples/s");
        }
        if (cpu) {
            for (int batch : new int[] {256, 4096}) {
                if (quick && batch > 256) continue;
                AutoencoderStep step = new AutoencoderStep(batch, Device.CPU);
                double ms = millis(step::run, () -> {}, 2);
                print("cpu_ae_step", batch, ms, batch / (ms * 1e-3), "samples/s");
            }
            for (int n : new int[] {1024, 2048}) {
                Tensor x = Tensor.rand(new SplittableRandom(1), -1, 1, DType.FLOAT32, n, n);
                Tensor y = Tensor.rand(new SplittableRandom(2), -1, 1, DType.FLOAT32, n, n);
                double ms = millis(() -> x.matmul(y), () -> {}, 2);
                print("cpu_sgemm", n, ms, 2.0 * n * n * (double) n / (ms * 1e-3) / 1e12, "TFLOP/s");
            }
        }
        System.out.println("# memory: " + backend.memoryStats());
    }

    private static void print(String bench, int size, double ms, double rate, String unit) {
        System.out.println(String.format(Locale.ROOT, "panopt\t%s\t%d\t%.4f\t%.4f\t%s", bench, size, ms, rate, unit));
    }

    /** Median over three measurements of the mean milliseconds per call (see the class comment). */
    static double millis(Supplier<?> work, Runnable sync, int warmup) {
        for (int i = 0; i < warmup; i++) work.get();
        sync.run();
        double[] m = new double[3];
        for (int k = 0; k < 3; k++) {
            int reps = 0;
            long t0 = System.nanoTime();
            long t;
            do {
                work.get();
                reps++;
                if (reps % 4 == 0 || reps < 4) sync.run();
                t = System.nanoTime();
            } while (t - t0 < 1_000_000_000L || reps < 3);
            sync.run();
            m[k] = (System.nanoTime() - t0) / 1e6 / reps;
        }
        java.util.Arrays.sort(m);
        return m[1];
    }
}
