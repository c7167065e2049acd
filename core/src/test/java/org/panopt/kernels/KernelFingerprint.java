package org.panopt.kernels;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Computes every kernel of {@link FloatMaps} and {@link DoubleMaps}, and a few GEMMs, on a fixed seeded input set
 * and prints one hash of the result bits per kernel, for {@code InterpretedEqualsCompiledTest}, which runs this in
 * child JVMs with the interpreter only and with the JIT. NaNs are hashed canonically (their payload is not a number).
 *
 * <p>Usage: {@code KernelFingerprint rounds}: computes the set {@code rounds} times (the repetitions warm the
 * JIT up) and prints the first and the last as lines {@code FP first|last <kernel> <hash>}.
 */
public final class KernelFingerprint {
    static final int[] LENGTHS = {1, 3, 17, 1000, 1003};
    static final int N = 1003;

    private KernelFingerprint() {}

    public static void main(String[] args) {
        int rounds = Integer.parseInt(args[0]);
        List<String> first = compute();
        List<String> last = first;
        for (int r = 1; r < rounds; r++) last = compute();
        for (String s : first) System.out.println("FP first " + s);
        for (String s : last) System.out.println("FP last " + s);
    }

    /** Mixed magnitudes and signs, with zeros, infinities, NaN, subnormals and overflow thresholds sprinkled in. */
    static double[] mixedInputs(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] v = new double[N];
        for (int i = 0; i < N; i++) v[i] = rng.nextDouble(-1, 1) * Math.pow(10, rng.nextInt(-4, 3));
        double[] specials = {0.0, -0.0, 1, -1, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN,
                1e-40, -1e-40, 4.9e-324, 88.72, 89, -87.3, -103.9, -104, 709.7, 710, -708, -745, 1e4, -1e4, 0.5, 2};
        for (int i = 0; i < specials.length; i++) v[7 * i + 3] = specials[i];
        return v;
    }

    /** Finite values of mixed magnitude: inputs for sums, whose results a NaN would hide. */
    static double[] finiteInputs(long seed, double scale) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] v = new double[N];
        for (int i = 0; i < N; i++) v[i] = scale * rng.nextDouble(-1, 1) * Math.pow(2, rng.nextInt(-6, 1));
        return v;
    }

    static List<String> compute() {
        List<String> out = new ArrayList<>();
        double[] mixed = mixedInputs(11);
        double[] positive = mixed.clone();
        for (int i = 0; i < N; i++) positive[i] = Math.abs(positive[i]);
        double[] other = mixedInputs(12);
        double[] finite = finiteInputs(13, 1);
        double[] finite2 = finiteInputs(14, 1);
        double[] logits = finiteInputs(15, 40);
        floats(out, f(mixed), f(positive), f(other), f(finite), f(finite2), f(logits));
        doubles(out, mixed, positive, other, finite, finite2, logits);
        gemms(out, finite, finite2);
        return out;
    }

    /** GEMM: a direct small product and a packed, blocked one, in all four transpose cases, on one thread. */
    private static void gemms(List<String> out, double[] a, double[] b) {
        int[][] shapes = {{7, 9, 13}, {20, 24, 40}}; // 20·24·40 multiply-adds take the blocked path
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                float[] cf = new float[m * n];
                Gemm.sgemm(ta, tb, m, n, k, 1f, f(a), 0, ta ? m : k, f(b), 0, tb ? k : n, 0f, cf, 0, n, 1);
                out.add("f32 gemm " + m + "x" + n + "x" + k + " " + (ta ? "T" : "N") + (tb ? "T" : "N") + " " + hash(cf));
                double[] cd = new double[m * n];
                Gemm.dgemm(ta, tb, m, n, k, 1.0, a, 0, ta ? m : k, b, 0, tb ? k : n, 0.0, cd, 0, n, 1);
                out.add("f64 gemm " + m + "x" + n + "x" + k + " " + (ta ? "T" : "N") + (tb ? "T" : "N") + " " + hash(cd));
            }
        }
    }

    private static void floats(List<String> out, float[] mixed, float[] positive, float[] other, float[] finite,
                               float[] finite2, float[] logits) {
        float[] y = new float[N];
        for (UnaryOp op : UnaryOp.values()) {
            FloatMaps.unary(op, mixed, 0, 1, y, 0, N);
            out.add("f32 " + op + " " + hash(y));
            FloatMaps.unary(op, positive, 0, 1, y, 0, N);
            out.add("f32 " + op + "(|x|) " + hash(y));
            for (int n : LENGTHS) {
                FloatMaps.unary(op, mixed, N - n, 0, y, 0, n); // broadcast of one element
                out.add("f32 " + op + " broadcast " + n + " " + hash(y, n));
            }
        }
        for (BinaryOp op : BinaryOp.values()) {
            FloatMaps.binary(op, op == BinaryOp.POW ? positive : mixed, 0, 1, other, 0, 1, y, 0, N);
            out.add("f32 " + op + " " + hash(y));
        }
        for (int n : LENGTHS) {
            float[] r = new float[8];
            int k = 0;
            for (ReduceOp op : ReduceOp.values()) r[k++] = FloatMaps.reduce(op, finite, N - n, n);
            r[k++] = FloatMaps.reduce(ReduceOp.MAX, mixed, N - n, n);
            r[k++] = FloatMaps.reduce(ReduceOp.MIN, mixed, N - n, n);
            r[k++] = FloatMaps.dot(finite, N - n, finite2, 0, n);
            r[k++] = FloatMaps.logSumExpRow(logits, N - n, n);
            out.add("f32 reductions n=" + n + " " + hash(r));
            FloatMaps.softmaxRow(logits, N - n, y, 0, n, false);
            out.add("f32 softmax n=" + n + " " + hash(y, n));
            FloatMaps.softmaxRow(logits, N - n, y, 0, n, true);
            out.add("f32 log-softmax n=" + n + " " + hash(y, n));
        }
    }

    private static void doubles(List<String> out, double[] mixed, double[] positive, double[] other, double[] finite,
                                double[] finite2, double[] logits) {
        double[] y = new double[N];
        for (UnaryOp op : UnaryOp.values()) {
            DoubleMaps.unary(op, mixed, 0, 1, y, 0, N);
            out.add("f64 " + op + " " + hash(y));
            DoubleMaps.unary(op, positive, 0, 1, y, 0, N);
            out.add("f64 " + op + "(|x|) " + hash(y));
            for (int n : LENGTHS) {
                DoubleMaps.unary(op, mixed, N - n, 0, y, 0, n);
                out.add("f64 " + op + " broadcast " + n + " " + hash(y, n));
            }
        }
        for (BinaryOp op : BinaryOp.values()) {
            DoubleMaps.binary(op, op == BinaryOp.POW ? positive : mixed, 0, 1, other, 0, 1, y, 0, N);
            out.add("f64 " + op + " " + hash(y));
        }
        for (int n : LENGTHS) {
            double[] r = new double[8];
            int k = 0;
            for (ReduceOp op : ReduceOp.values()) r[k++] = DoubleMaps.reduce(op, finite, N - n, n);
            r[k++] = DoubleMaps.reduce(ReduceOp.MAX, mixed, N - n, n);
            r[k++] = DoubleMaps.reduce(ReduceOp.MIN, mixed, N - n, n);
            r[k++] = DoubleMaps.dot(finite, N - n, finite2, 0, n);
            r[k++] = DoubleMaps.logSumExpRow(logits, N - n, n);
            out.add("f64 reductions n=" + n + " " + hash(r));
            DoubleMaps.softmaxRow(logits, N - n, y, 0, n, false);
            out.add("f64 softmax n=" + n + " " + hash(y, n));
            DoubleMaps.softmaxRow(logits, N - n, y, 0, n, true);
            out.add("f64 log-softmax n=" + n + " " + hash(y, n));
        }
    }

    private static float[] f(double[] v) {
        float[] r = new float[v.length];
        for (int i = 0; i < v.length; i++) r[i] = (float) v[i];
        return r;
    }

    static String hash(float[] v) {
        return hash(v, v.length);
    }

    static String hash(double[] v) {
        return hash(v, v.length);
    }

    /** A hash of the bits of v[0 .. n). */
    static String hash(float[] v, int n) {
        long h = 1125899906842597L;
        for (int i = 0; i < n; i++) h = 31 * h + Float.floatToIntBits(v[i]);
        return Long.toHexString(h);
    }

    static String hash(double[] v, int n) {
        long h = 1125899906842597L;
        for (int i = 0; i < n; i++) h = 31 * h + Double.doubleToLongBits(v[i]);
        return Long.toHexString(h);
    }
}
