package org.panopt.bench.gpu;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.panopt.gpu.Cuda;
import org.panopt.gpu.CudaBackend;
import org.panopt.tensor.DType;
import org.panopt.tensor.Device;
import org.panopt.tensor.Tensor;

/**
 * Square SGEMM and DGEMM on {@code cuda:0} through {@code Tensor.matmul} (cuBLAS underneath), each call
 * synchronized so the score is the device time per product; TFLOP/s = 2n³ / time. Without CUDA the
 * set-up fails with the reason (JMH prints it) and nothing is measured. {@link GpuReport} gives the same
 * numbers as TFLOP/s beside PyTorch's.
 *
 * <pre>
 *   java -jar bench/target/benchmarks.jar GpuGemmBenchmark -p n=4096
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class GpuGemmBenchmark {
    @Param({"1024", "2048", "4096", "8192"})
    public int n;

    private CudaBackend backend;
    private Tensor af, bf, ad, bd;

    /** The CUDA device, or an exception saying why there is none. */
    static Device requireCuda() {
        Cuda.Availability a = Cuda.availability();
        if (!a.available()) throw new IllegalStateException("GPU benchmark skipped, CUDA unavailable: " + a.description());
        return Cuda.device(0);
    }

    @Setup
    public void setup() {
        Device gpu = requireCuda();
        backend = Cuda.backend(gpu);
        af = Tensor.rand(new SplittableRandom(1), -1, 1, DType.FLOAT32, n, n).to(gpu);
        bf = Tensor.rand(new SplittableRandom(2), -1, 1, DType.FLOAT32, n, n).to(gpu);
        ad = af.to(DType.FLOAT64);
        bd = bf.to(DType.FLOAT64);
    }

    @Benchmark
    public Tensor sgemm() {
        Tensor c = af.matmul(bf);
        backend.synchronize();
        return c;
    }

    @Benchmark
    public Tensor dgemm() {
        Tensor c = ad.matmul(bd);
        backend.synchronize();
        return c;
    }
}
