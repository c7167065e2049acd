package org.panopt.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
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
import org.panopt.kernels.FloatMaps;
import org.panopt.kernels.UnaryOp;

/**
 * panopt's deterministic float32 math kernels ({@code FloatMath} through {@link FloatMaps}) against the Vector
 * API's own {@code lanewise(EXP)}/{@code lanewise(TANH)} and {@code reduceLanes(ADD)}, which C2 compiles to SVML
 * intrinsics and which the kernels no longer use because their bits change when the JIT compiles them. The
 * baselines live only here. Each call maps 2¹⁶ floats uniform in [−10, 10] (softmax: 64 rows of 1024) on one
 * thread; the score is time per call, and the ratio of {@code panopt} to {@code svml} for the same {@code fn} is
 * what the deterministic kernels cost.
 *
 * <pre>
 *   java -jar bench/target/benchmarks.jar MathKernelBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class MathKernelBenchmark {
    static final int N = 1 << 16;
    static final int ROW = 1024;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Param({"exp", "tanh", "sigmoid", "softmax"})
    public String fn;

    private float[] x;
    private float[] y;

    @Setup
    public void setup() {
        SplittableRandom rnd = new SplittableRandom(42);
        x = new float[N];
        y = new float[N];
        for (int i = 0; i < N; i++) x[i] = (float) rnd.nextDouble(-10, 10);
    }

    @Benchmark
    public float[] panopt() {
        switch (fn) {
            case "exp" -> FloatMaps.unary(UnaryOp.EXP, x, 0, 1, y, 0, N);
            case "tanh" -> FloatMaps.unary(UnaryOp.TANH, x, 0, 1, y, 0, N);
            case "sigmoid" -> FloatMaps.unary(UnaryOp.SIGMOID, x, 0, 1, y, 0, N);
            case "softmax" -> {
                for (int r = 0; r < N; r += ROW) FloatMaps.softmaxRow(x, r, y, r, ROW, false);
            }
            default -> throw new IllegalArgumentException("fn " + fn);
        }
        return y;
    }

    @Benchmark
    public float[] svml() {
        switch (fn) {
            case "exp" -> svmlExp(x, y);
            case "tanh" -> svmlTanh(x, y);
            case "sigmoid" -> svmlSigmoid(x, y);
            case "softmax" -> {
                for (int r = 0; r < N; r += ROW) svmlSoftmaxRow(x, r, y, r, ROW);
            }
            default -> throw new IllegalArgumentException("fn " + fn);
        }
        return y;
    }

    // ---- the baselines: panopt's kernels as they were before they were made deterministic

    private static void svmlExp(float[] x, float[] y) {
        for (int i = 0; i < N; i += L) {
            VectorMask<Float> m = S.indexInRange(i, N);
            FloatVector.fromArray(S, x, i, m).lanewise(VectorOperators.EXP).intoArray(y, i, m);
        }
    }

    private static void svmlTanh(float[] x, float[] y) {
        for (int i = 0; i < N; i += L) {
            VectorMask<Float> m = S.indexInRange(i, N);
            FloatVector.fromArray(S, x, i, m).lanewise(VectorOperators.TANH).intoArray(y, i, m);
        }
    }

    private static void svmlSigmoid(float[] x, float[] y) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = 0; i < N; i += L) {
            VectorMask<Float> m = S.indexInRange(i, N);
            one.div(FloatVector.fromArray(S, x, i, m).neg().lanewise(VectorOperators.EXP).add(one)).intoArray(y, i, m);
        }
    }

    private static void svmlSoftmaxRow(float[] x, int xo, float[] y, int yo, int n) {
        FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            acc = acc.lanewise(VectorOperators.MAX, FloatVector.fromArray(S, x, xo + i, m), m);
        }
        FloatVector vmax = FloatVector.broadcast(S, acc.reduceLanes(VectorOperators.MAX));
        FloatVector sum = FloatVector.zero(S);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector e = FloatVector.fromArray(S, x, xo + i, m).sub(vmax).lanewise(VectorOperators.EXP);
            sum = sum.add(e, m);
            e.intoArray(y, yo + i, m);
        }
        FloatVector inv = FloatVector.broadcast(S, 1f / sum.reduceLanes(VectorOperators.ADD));
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, y, yo + i, m).mul(inv).intoArray(y, yo + i, m);
        }
    }
}
