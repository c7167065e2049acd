package org.panopt.bench;

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
import org.panopt.kernels.Gemm;

/**
 * panopt's sgemm and dgemm on square matrices and on every product of an autoencoder training
 * step (see {@link GemmShape#autoencoder()}). Scores are time per call; GFLOP/s = 2mnk / time.
 * For side-by-side numbers against OpenBLAS and netlib-java use {@link GemmCompare}.
 *
 * <pre>
 *   java -jar bench/target/benchmarks.jar GemmBenchmark -p shape=1024x1024x1024:NN
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class GemmBenchmark {
    /** {@code MxNxK:OPS}; the squares, then forward/dX/dW of each layer 784→1000→…→30→…→784. */
    @Param({
        "256x256x256:NN", "512x512x512:NN", "1024x1024x1024:NN", "2048x2048x2048:NN",
        "256x1000x784:NT", "256x784x1000:NN", "1000x784x256:TN",
        "256x500x1000:NT", "256x1000x500:NN", "500x1000x256:TN",
        "256x250x500:NT", "256x500x250:NN", "250x500x256:TN",
        "256x30x250:NT", "256x250x30:NN", "30x250x256:TN",
        "256x250x30:NT", "256x30x250:NN", "250x30x256:TN",
        "256x500x250:NT", "256x250x500:NN", "500x250x256:TN",
        "256x1000x500:NT", "256x500x1000:NN", "1000x500x256:TN",
        "256x784x1000:NT", "256x1000x784:NN", "784x1000x256:TN",
    })
    public String shape;

    private GemmShape s;
    private int lda, ldb;
    private float[] af, bf, cf;
    private double[] ad, bd, cd;

    @Setup
    public void setup() {
        s = GemmShape.parse(shape);
        lda = s.transA() ? s.m() : s.k();
        ldb = s.transB() ? s.k() : s.n();
        SplittableRandom rnd = new SplittableRandom(42);
        af = new float[s.m() * s.k()];
        bf = new float[s.k() * s.n()];
        cf = new float[s.m() * s.n()];
        for (int i = 0; i < af.length; i++) af[i] = (float) rnd.nextDouble(-1, 1);
        for (int i = 0; i < bf.length; i++) bf[i] = (float) rnd.nextDouble(-1, 1);
        ad = new double[af.length];
        bd = new double[bf.length];
        cd = new double[cf.length];
        for (int i = 0; i < af.length; i++) ad[i] = af[i];
        for (int i = 0; i < bf.length; i++) bd[i] = bf[i];
    }

    @Benchmark
    public float[] sgemm() {
        Gemm.sgemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, af, 0, lda, bf, 0, ldb, 0f, cf, 0, s.n());
        return cf;
    }

    @Benchmark
    public double[] dgemm() {
        Gemm.dgemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1.0, ad, 0, lda, bd, 0, ldb, 0.0, cd, 0, s.n());
        return cd;
    }
}
