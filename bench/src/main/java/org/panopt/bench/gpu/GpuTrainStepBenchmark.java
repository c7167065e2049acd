package org.panopt.bench.gpu;

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
import org.panopt.tensor.Tensor;

/**
 * One SGD training step of the MNIST autoencoder ({@link AutoencoderStep}) on {@code cuda:0} at batch
 * 256 and 4096, synchronized per step; samples/s = batch / time. Without CUDA the set-up fails with the
 * reason. PyTorch eager's figure for the same step comes from {@code bench/gpu/torch_reference.py}.
 *
 * <pre>
 *   java -jar bench/target/benchmarks.jar GpuTrainStepBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class GpuTrainStepBenchmark {
    @Param({"256", "4096"})
    public int batch;

    private CudaBackend backend;
    private AutoencoderStep step;

    @Setup
    public void setup() {
        var gpu = GpuGemmBenchmark.requireCuda();
        backend = Cuda.backend(gpu);
        step = new AutoencoderStep(batch, gpu);
    }

    @Benchmark
    public Tensor step() {
        Tensor loss = step.run();
        backend.synchronize();
        return loss;
    }
}
