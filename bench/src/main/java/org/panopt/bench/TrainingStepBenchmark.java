package org.panopt.bench;

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

/**
 * One float32 training step — forward, backward, and the SGD update w ← w − lr·∂L/∂w under
 * {@code Autograd.noGrad} — of the MNIST autoencoder at batch 256 and of LeNet-5 at batch 64 (see
 * {@link TrainingStep}). The parameters move every call (lr = 1e-3 keeps them sane over many thousand calls).
 *
 * <p>With {@code -prof org.panopt.bench.KernelTimeProfiler} JMH also reports the share of the step spent in GEMM,
 * in the convolution lowering and pooling, in the other kernels, and outside every kernel (autograd and the rest).
 *
 * <pre>
 *   ./panopt bench TrainingStepBenchmark -f 1 -wi 3 -i 5 -prof org.panopt.bench.KernelTimeProfiler
 * </pre>
 */
// Warm-up of 3 × 5 s: the first step runs interpreted for seconds, and C2 needs many calls of every kernel.
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx4g"})
public class TrainingStepBenchmark {
    @Param({TrainingStep.AUTOENCODER, TrainingStep.LENET5})
    public String model;

    private TrainingStep step;

    @Setup
    public void setup() {
        step = TrainingStep.of(model);
    }

    @Benchmark
    public double sgdStep() {
        return step.sgdStep(1e-3);
    }
}
