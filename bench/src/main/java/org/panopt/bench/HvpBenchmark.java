package org.panopt.bench;

import java.util.List;
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
import org.panopt.tensor.Tensor;

/**
 * An exact Hessian–vector product ({@code Autograd.hvp}: forward, backward with {@code createGraph}, and the
 * backward of ⟨∇L, v⟩) against a gradient ({@code Autograd.grad}: forward and backward) on the same model and
 * batch (see {@link TrainingStep}). The ratio hvp / gradient is the cost of curvature information relative to
 * first-order information; Pearlmutter's R-operator bound is a small constant (≈ 2–4×).
 *
 * <pre>
 *   ./panopt bench HvpBenchmark -f 1 -wi 3 -i 5
 * </pre>
 */
// Warm-up of 3 × 5 s: the first step runs interpreted for seconds, and C2 needs many calls of every kernel.
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx4g"})
public class HvpBenchmark {
    @Param({TrainingStep.AUTOENCODER})
    public String model;

    private TrainingStep step;
    private List<Tensor> v;

    @Setup
    public void setup() {
        step = TrainingStep.of(model);
        v = step.randomDirection();
    }

    @Benchmark
    public List<Tensor> gradient() {
        return step.gradient();
    }

    @Benchmark
    public List<Tensor> hvp() {
        return step.hvp(v);
    }
}
