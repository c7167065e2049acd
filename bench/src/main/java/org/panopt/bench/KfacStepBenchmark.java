package org.panopt.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.panopt.nn.loss.Reduction;
import org.panopt.nn.loss.SigmoidCrossEntropy;
import org.panopt.nn.models.DeepAutoencoder;
import org.panopt.optim.ModuleObjective;
import org.panopt.optim.Optimizer;
import org.panopt.optim.first.Sgd;
import org.panopt.optim.kfac.Kfac;
import org.panopt.optim.kfac.KfacReport;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * One K-FAC iteration against one SGD-with-momentum iteration on the MNIST deep autoencoder of the paper
 * (784-1000-500-250-30-250-500-1000-784, logistic units, sigmoid cross-entropy summed per case), float32
 * network, batch m cases (synthetic pixel intensities: the cost does not depend on the values).
 * <ul>
 * <li>{@code sgdMomentum}: forward, backward, momentum update;</li>
 * <li>{@code kfacWithoutRefresh}: a K-FAC step that reuses the cached inverse (no γ search, no ρ):
 *     gradient pass, statistics on m/8 cases with the sampled backward pass, exact-Fisher products on m/4
 *     cases, applying F̆⁻¹, the 2×2 model;</li>
 * <li>{@code kfacWithRefresh}: the same plus recomputing every damped factor inverse;</li>
 * <li>{@code kfacPaperSchedule}: the amortized cost — 20 consecutive steps with the paper's intervals
 *     (T₁ = 5: ρ every 5 steps; T₂ = T₃ = 20: one refresh with three γ candidates), per step.</li>
 * </ul>
 * At the end of each trial the K-FAC benchmarks print where the time went (from {@link KfacReport}).
 *
 * <pre>
 *   java -jar bench/target/benchmarks.jar KfacStepBenchmark -f 1 -wi 2 -i 3 -p batch=1000
 *   java -jar bench/target/benchmarks.jar KfacStepBenchmark.kfacWithRefresh -f 1 -wi 2 -i 3 -p batch=1000 -p tridiagonal=true
 * </pre>
 * {@link KfacRatio} measures the amortized ratio to SGD with the two interleaved, which a shared machine
 * needs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx8g"})
public class KfacStepBenchmark {
    static final int NEVER = 1_000_000_000;

    @Param({"1000", "4000"})
    public int batch;

    /** The block-tridiagonal inverse instead of the block-diagonal one ({@code -p tridiagonal=true}). */
    @Param({"false"})
    public boolean tridiagonal;

    private DeepAutoencoder net;
    private ModuleObjective objective;
    private Optimizer sgd;
    private Optimizer kfacCached;
    private Optimizer kfacRefresh;
    private Optimizer kfacPaper;
    private final long[] phase = new long[5];
    private long steps;

    @Setup(Level.Trial)
    public void setup() {
        SplittableRandom rng = new SplittableRandom(1);
        net = DeepAutoencoder.mnist(rng);
        net.initializeSparse(rng);
        Tensor x = Tensor.rand(rng, 0, 1, DType.FLOAT32, batch, 784);
        objective = new ModuleObjective(net, new SigmoidCrossEntropy(Reduction.BATCH_MEAN), x, x);
        sgd = Optimizer.of(Sgd.builder().lr(1e-3).momentum(0.9).build(), net);
        kfacCached = Optimizer.of(Kfac.builder(net).tridiagonal(tridiagonal).set("lambda_interval", NEVER).set("gamma_interval", NEVER).inverseInterval(NEVER)
                .set("early_refresh", 1).build(), net);
        kfacRefresh = Optimizer.of(Kfac.builder(net).tridiagonal(tridiagonal).set("lambda_interval", NEVER).set("gamma_interval", NEVER).inverseInterval(1).build(), net);
        kfacPaper = Optimizer.of(Kfac.builder(net).tridiagonal(tridiagonal).build(), net);
        for (Optimizer o : new Optimizer[] {kfacCached, kfacRefresh, kfacPaper}) o.step(objective); // first inverses, past k ≤ 3 for the paper schedule below
        kfacPaper.step(objective);
        kfacPaper.step(objective);
    }

    private void record(Optimizer o) {
        long[] nanos = Kfac.report(o).phaseNanos();
        for (int i = 0; i < nanos.length; i++) phase[i] += nanos[i];
        steps++;
    }

    @Benchmark
    public double sgdMomentum() {
        return sgd.step(objective);
    }

    @Benchmark
    public double kfacWithoutRefresh() {
        double l = kfacCached.step(objective);
        record(kfacCached);
        return l;
    }

    @Benchmark
    public double kfacWithRefresh() {
        double l = kfacRefresh.step(objective);
        record(kfacRefresh);
        return l;
    }

    @Benchmark
    @OperationsPerInvocation(20)
    public double kfacPaperSchedule() {
        double l = 0;
        for (int i = 0; i < 20; i++) {
            l += kfacPaper.step(objective);
            record(kfacPaper);
        }
        return l;
    }

    @TearDown(Level.Trial)
    public void report() {
        if (steps == 0) return;
        System.out.printf("%n[K-FAC%s time per step, m=%d, %d steps] statistics (forward S1 + sampled backward + factors) %.1f ms, "
                        + "exact-Fisher products + quadratic model %.1f ms, inverses %.1f ms, applying F^-1 %.1f ms, loss at proposal %.1f ms%n",
                tridiagonal ? " block-tridiagonal" : "", batch, steps, phase[0] / 1e6 / steps, phase[1] / 1e6 / steps, phase[2] / 1e6 / steps, phase[3] / 1e6 / steps, phase[4] / 1e6 / steps);
    }
}
