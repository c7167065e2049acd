package org.panopt.optim;

import java.util.List;
import java.util.SplittableRandom;
import org.panopt.tensor.Tensor;

/**
 * Logistic regression on 60 overlapping points in 2-d (+ bias): mean of softplus(−y·xᵀw), y ∈ {±1}. Not
 * separable, so a finite minimizer exists; its loss is found by Newton's method in plain double arithmetic.
 */
record LogisticProblem(double[][] x, double[] y, double optimalLoss) {

    static LogisticProblem create() {
        SplittableRandom rng = new SplittableRandom(5);
        int n = 60;
        double[][] x = new double[n][3];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2 == 0 ? 1 : -1;
            // Scaled by 2 so the Hessian's eigenvalues sit in the matrix's curvature range [0.1, 10].
            x[i][0] = 2 * (rng.nextGaussian() + 0.8 * y[i]);
            x[i][1] = 2 * (rng.nextGaussian() - 0.5 * y[i]);
            x[i][2] = 2;
        }
        return new LogisticProblem(x, y, newton(x, y));
    }

    static double loss(double[][] x, double[] y, double[] w) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            double z = -y[i] * (x[i][0] * w[0] + x[i][1] * w[1] + x[i][2] * w[2]);
            s += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
        }
        return s / x.length;
    }

    private static double newton(double[][] x, double[] y) {
        double[] w = new double[3];
        for (int it = 0; it < 50; it++) {
            double[] g = new double[3];
            double[][] h = new double[3][3];
            for (int i = 0; i < x.length; i++) {
                double m = y[i] * (x[i][0] * w[0] + x[i][1] * w[1] + x[i][2] * w[2]);
                double s = 1 / (1 + Math.exp(m)); // σ(−m)
                for (int a = 0; a < 3; a++) {
                    g[a] -= s * y[i] * x[i][a] / x.length;
                    for (int b = 0; b < 3; b++) h[a][b] += s * (1 - s) * x[i][a] * x[i][b] / x.length;
                }
            }
            double[] step = solve3(h, g);
            for (int a = 0; a < 3; a++) w[a] -= step[a];
        }
        return loss(x, y, w);
    }

    private static double[] solve3(double[][] m, double[] b) {
        double det = det(m[0][0], m[0][1], m[0][2], m[1][0], m[1][1], m[1][2], m[2][0], m[2][1], m[2][2]);
        double[] out = new double[3];
        for (int c = 0; c < 3; c++) {
            double[][] k = {m[0].clone(), m[1].clone(), m[2].clone()};
            for (int r = 0; r < 3; r++) k[r][c] = b[r];
            out[c] = det(k[0][0], k[0][1], k[0][2], k[1][0], k[1][1], k[1][2], k[2][0], k[2][1], k[2][2]) / det;
        }
        return out;
    }

    private static double det(double a, double b, double c, double d, double e, double f, double g, double h, double i) {
        return a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
    }

    Objective objective(Tensor w) {
        double[] flat = new double[x.length * 3];
        for (int i = 0; i < x.length; i++) System.arraycopy(x[i], 0, flat, 3 * i, 3);
        Tensor xs = Tensor.of(flat, x.length, 3);
        Tensor ys = Tensor.of(y, x.length);
        return Objective.of(List.of(w), () -> xs.matmul(w.reshape(3, 1)).reshape(x.length).mul(ys).neg().softplus().mean());
    }

}
