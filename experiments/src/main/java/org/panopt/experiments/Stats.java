package org.panopt.experiments;

/** Mean and spread over repeated runs (seeds), and other small summaries the reports need. */
public final class Stats {
    private Stats() {}

    public static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }

    /** The sample standard deviation (n − 1); 0 for a single value. */
    public static double std(double[] v) {
        if (v.length < 2) return 0;
        double m = mean(v), s = 0;
        for (double x : v) s += (x - m) * (x - m);
        return Math.sqrt(s / (v.length - 1));
    }

    /** Per position j: the mean over runs i of values[i][j]. */
    public static double[] meanOverRuns(double[][] values) {
        double[] out = new double[values[0].length];
        for (int j = 0; j < out.length; j++) out[j] = mean(column(values, j));
        return out;
    }

    /** Per position j: the standard deviation over runs i of values[i][j]. */
    public static double[] stdOverRuns(double[][] values) {
        double[] out = new double[values[0].length];
        for (int j = 0; j < out.length; j++) out[j] = std(column(values, j));
        return out;
    }

    /** values[i][j] for every run i. */
    public static double[] column(double[][] values, int j) {
        double[] c = new double[values.length];
        for (int i = 0; i < c.length; i++) c[i] = values[i][j];
        return c;
    }

    public static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) m = Math.max(m, x);
        return m;
    }

    public static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) m = Math.min(m, x);
        return m;
    }
}
