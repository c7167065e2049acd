package org.panopt.experiments.adaptive;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/** The summaries of learning-rate and loss traces that the claims of the adaptive-lr experiment are judged on. */
final class TraceStats {
    private TraceStats() {}

    /** The median of the finite values of {@code v[from, to)}; NaN when there are none. */
    static double median(double[] v, int from, int to) {
        double[] f = Arrays.stream(v, Math.max(0, from), Math.min(v.length, to)).filter(Double::isFinite).sorted().toArray();
        if (f.length == 0) return Double.NaN;
        return f.length % 2 == 1 ? f[f.length / 2] : (f[f.length / 2 - 1] + f[f.length / 2]) / 2;
    }

    /** The median of the second half of {@code v}. */
    static double secondHalfMedian(double[] v) {
        return median(v, v.length / 2, v.length);
    }

    /**
     * How much a trace still moves at its end: |median of the last quarter / median of the third quarter − 1|.
     * A trace that has settled gives a small number.
     */
    static double lateDrift(double[] v) {
        int n = v.length;
        return Math.abs(median(v, 3 * n / 4, n) / median(v, n / 2, 3 * n / 4) - 1);
    }

    /** The fraction of steps at which the trace does not decrease (v[i+1] ≥ v[i]), over its finite part. */
    static double nonDecreasingFraction(double[] v) {
        int up = 0, n = 0;
        for (int i = 0; i + 1 < v.length; i++) {
            if (!Double.isFinite(v[i]) || !Double.isFinite(v[i + 1])) continue;
            n++;
            if (v[i + 1] >= v[i]) up++;
        }
        return n == 0 ? Double.NaN : (double) up / n;
    }

    /** The fraction of consecutive non-zero changes of the trace whose sign differs from the previous change's. */
    static double directionChanges(double[] v) {
        int changes = 0, n = 0;
        double previous = 0;
        for (int i = 0; i + 1 < v.length; i++) {
            double d = v[i + 1] - v[i];
            if (!Double.isFinite(d) || d == 0) continue;
            if (previous != 0) {
                n++;
                if (Math.signum(d) != Math.signum(previous)) changes++;
            }
            previous = d;
        }
        return n == 0 ? 0 : (double) changes / n;
    }

    /** max / min of the finite positive values of {@code v[from, to)}. */
    static double range(double[] v, int from, int to) {
        double lo = Double.POSITIVE_INFINITY, hi = 0;
        for (int i = Math.max(0, from); i < Math.min(v.length, to); i++) {
            if (Double.isFinite(v[i]) && v[i] > 0) {
                lo = Math.min(lo, v[i]);
                hi = Math.max(hi, v[i]);
            }
        }
        return hi == 0 ? Double.NaN : hi / lo;
    }

    /** The trailing running mean over {@code window} values (fewer at the start); NaN values are skipped. */
    static double[] runningMean(double[] v, int window) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = meanFinite(v, i - window + 1, i + 1);
        return out;
    }

    /** Index of the largest finite value, −1 when there is none. */
    static int argmax(double[] v) {
        int best = -1;
        for (int i = 0; i < v.length; i++) if (Double.isFinite(v[i]) && (best < 0 || v[i] > v[best])) best = i;
        return best;
    }

    /** 1, 2, …, n. */
    static double[] axis(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = i + 1;
        return x;
    }

    /** Per position, the mean over the runs of one trace of each (NaN where any run is NaN). */
    static <R> double[] meanOf(List<R> runs, Function<R, double[]> trace) {
        double[] out = new double[trace.apply(runs.getFirst()).length];
        for (R r : runs) {
            double[] t = trace.apply(r);
            for (int i = 0; i < out.length; i++) out[i] += t[i] / runs.size();
        }
        return out;
    }

    /** Per position, the sample standard deviation over the runs (null for a single run: no band to draw). */
    static <R> double[] stdOf(List<R> runs, Function<R, double[]> trace) {
        if (runs.size() < 2) return null;
        double[] mean = meanOf(runs, trace);
        double[] out = new double[mean.length];
        for (R r : runs) {
            double[] t = trace.apply(r);
            for (int i = 0; i < out.length; i++) out[i] += (t[i] - mean[i]) * (t[i] - mean[i]) / (runs.size() - 1);
        }
        for (int i = 0; i < out.length; i++) out[i] = Math.sqrt(out[i]);
        return out;
    }

    /** The mean of the finite values of {@code v[from, to)}, NaN when there are none. */
    static double meanFinite(double[] v, int from, int to) {
        double s = 0;
        int n = 0;
        for (int i = Math.max(0, from); i < Math.min(v.length, to); i++) {
            if (Double.isFinite(v[i])) {
                s += v[i];
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }
}
