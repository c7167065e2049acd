package org.panopt.tensor;

import static org.assertj.core.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.DoubleBinaryOperator;

/**
 * Naive N-d array references in double, written index by index with no shared code from the library:
 * the "dense truth" the tensor tests compare against.
 */
final class NdRef {
    private NdRef() {}

    static int size(int... d) {
        int n = 1;
        for (int x : d) n *= x;
        return n;
    }

    static int[] unravel(int flat, int[] d) {
        int[] idx = new int[d.length];
        for (int a = d.length - 1; a >= 0; a--) {
            idx[a] = flat % d[a];
            flat /= d[a];
        }
        return idx;
    }

    static int ravel(int[] idx, int[] d) {
        int f = 0;
        for (int a = 0; a < d.length; a++) f = f * d[a] + idx[a];
        return f;
    }

    static int[] broadcastShape(int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i < r - a.length ? 1 : a[i - (r - a.length)];
            int db = i < r - b.length ? 1 : b[i - (r - b.length)];
            if (da != db && da != 1 && db != 1) throw new IllegalArgumentException("not broadcastable");
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** The flat position in an array of shape {@code d} that output index {@code idx} reads under broadcasting. */
    static int broadcastIndex(int[] idx, int[] d) {
        int shift = idx.length - d.length;
        int f = 0;
        for (int a = 0; a < d.length; a++) f = f * d[a] + (d[a] == 1 ? 0 : idx[a + shift]);
        return f;
    }

    static double[] binary(double[] a, int[] ad, double[] b, int[] bd, DoubleBinaryOperator f) {
        int[] od = broadcastShape(ad, bd);
        double[] out = new double[size(od)];
        for (int i = 0; i < out.length; i++) {
            int[] idx = unravel(i, od);
            out[i] = f.applyAsDouble(a[broadcastIndex(idx, ad)], b[broadcastIndex(idx, bd)]);
        }
        return out;
    }

    /** y axis i is x axis perm[i]. */
    static double[] permute(double[] x, int[] d, int[] perm) {
        int[] od = new int[d.length];
        for (int i = 0; i < d.length; i++) od[i] = d[perm[i]];
        double[] out = new double[x.length];
        for (int o = 0; o < out.length; o++) {
            int[] oi = unravel(o, od);
            int[] xi = new int[d.length];
            for (int i = 0; i < d.length; i++) xi[perm[i]] = oi[i];
            out[o] = x[ravel(xi, d)];
        }
        return out;
    }

    /** Reduction over the flagged axes; the result has the keep-dim shape (reduced axes of extent 1). */
    static double[] reduce(double[] x, int[] d, boolean[] axes, double init, DoubleBinaryOperator f) {
        int[] od = d.clone();
        for (int a = 0; a < d.length; a++) if (axes[a]) od[a] = 1;
        double[] out = new double[size(od)];
        Arrays.fill(out, init);
        for (int i = 0; i < x.length; i++) {
            int[] idx = unravel(i, d);
            for (int a = 0; a < d.length; a++) if (axes[a]) idx[a] = 0;
            int o = ravel(idx, od);
            out[o] = f.applyAsDouble(out[o], x[i]);
        }
        return out;
    }

    /** Standard-normal values, rounded to float when {@code dtype} is float32 (so references see the stored inputs). */
    static double[] random(long seed, DType dtype, int n) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            double x = rng.nextDouble(-3, 3);
            v[i] = dtype == DType.FLOAT32 ? (float) x : x;
        }
        return v;
    }

    static Tensor tensor(double[] v, DType dtype, int... dims) {
        return Tensor.of(v, dims).to(dtype).reshape(dims);
    }

    /** Elementwise |got − expected| ≤ atol + rtol·|expected|, NaN matching NaN, with the first mismatch named. */
    static void assertClose(double[] got, double[] expected, double rtol, double atol, String what) {
        if (got.length != expected.length) fail(what + ": " + got.length + " values, expected " + expected.length);
        for (int i = 0; i < got.length; i++) {
            double e = expected[i];
            double g = got[i];
            if (Double.isNaN(e) && Double.isNaN(g)) continue;
            if (e == g) continue;
            if (!(Math.abs(g - e) <= atol + rtol * Math.abs(e))) {
                fail(what + ": element " + i + " is " + g + ", expected " + e + " (got " + Arrays.toString(head(got))
                        + "…, expected " + Arrays.toString(head(expected)) + "…)");
            }
        }
    }

    private static double[] head(double[] v) {
        return Arrays.copyOf(v, Math.min(v.length, 8));
    }

    /** Relative tolerance for a result computed in {@code dtype} from a few rounded steps. */
    static double rtol(DType dtype) {
        return dtype == DType.FLOAT32 ? 2e-6 : 1e-14;
    }
}
