package org.panopt.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * Hessians assembled column by column from createGraph Hessian–vector products, against closed forms
 * (linear and logistic regression) and against finite differences (a 2-layer tanh network).
 */
class SecondOrderTest {
    private static final SplittableRandom RNG = new SplittableRandom(2024);

    /** H[:, j] = H·e_j for the scalar function f of a flat parameter vector. */
    private static double[][] hessianFromHvp(Function<Tensor, Tensor> f, double[] w) {
        int n = w.length;
        double[][] h = new double[n][n];
        for (int j = 0; j < n; j++) {
            Tensor p = Tensor.of(w).requiresGrad(true);
            double[] e = new double[n];
            e[j] = 1;
            double[] col = Autograd.hvp(f.apply(p), List.of(p), List.of(Tensor.of(e))).getFirst().toDoubleArray();
            for (int i = 0; i < n; i++) h[i][j] = col[i];
        }
        return h;
    }

    private static double[] gradient(Function<Tensor, Tensor> f, double[] w) {
        Tensor p = Tensor.of(w).requiresGrad(true);
        return Autograd.grad(List.of(f.apply(p)), List.of(p), null, false).getFirst().toDoubleArray();
    }

    @Test
    void linearRegressionHessianIsXtXOverN() {
        int n = 7, d = 4;
        Tensor x = Tensor.randn(RNG, DType.FLOAT64, n, d);
        Tensor y = Tensor.randn(RNG, DType.FLOAT64, n);
        Function<Tensor, Tensor> loss = w -> x.matmul(w).sub(y).square().mean().mul(0.5);
        double[][] h = hessianFromHvp(loss, Tensor.randn(RNG, DType.FLOAT64, d).toDoubleArray());
        double[][] expected = new double[d][d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
                for (int k = 0; k < n; k++) expected[i][j] += x.at(k, i) * x.at(k, j) / n;
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++) assertThat(h[i][j]).as("H[%d][%d]", i, j).isCloseTo(expected[i][j], within(1e-12));
    }

    @Test
    void logisticRegressionHessianIsXtDiagPQX() {
        int n = 9, d = 3;
        Tensor x = Tensor.randn(RNG, DType.FLOAT64, n, d);
        Tensor y = Tensor.rand(RNG, 0, 1, DType.FLOAT64, n).gt(0.5);
        double[] w = Tensor.randn(RNG, DType.FLOAT64, d).toDoubleArray();
        Function<Tensor, Tensor> loss = p -> {
            Tensor z = x.matmul(p);
            return z.softplus().sub(z.mul(y)).mean();
        };
        double[][] h = hessianFromHvp(loss, w);
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double e = 0;
                for (int k = 0; k < n; k++) {
                    double z = 0;
                    for (int c = 0; c < d; c++) z += x.at(k, c) * w[c];
                    double p = 1 / (1 + Math.exp(-z));
                    e += p * (1 - p) * x.at(k, i) * x.at(k, j) / n;
                }
                assertThat(h[i][j]).as("H[%d][%d]", i, j).isCloseTo(e, within(1e-12));
            }
        }
    }

    @Test
    void twoLayerTanhNetHessianMatchesFiniteDifferencesAndIsSymmetric() {
        int n = 5, din = 3, hid = 4, dout = 2;
        Tensor x = Tensor.randn(RNG, DType.FLOAT64, n, din);
        Tensor y = Tensor.randn(RNG, DType.FLOAT64, n, dout);
        int n1 = hid * din, n2 = dout * hid;
        Function<Tensor, Tensor> loss = p -> {
            Tensor w1 = p.narrow(0, 0, n1).reshape(hid, din);
            Tensor w2 = p.narrow(0, n1, n2).reshape(dout, hid);
            Tensor out = x.matmul(w1, false, true).tanh().matmul(w2, false, true);
            return out.sub(y).square().sum().mul(0.5 / n);
        };
        double[] w = Tensor.randn(RNG, DType.FLOAT64, n1 + n2).mul(0.7).toDoubleArray();
        double[][] h = hessianFromHvp(loss, w);
        double step = 1e-5;
        for (int j = 0; j < w.length; j++) {
            double[] plus = w.clone();
            double[] minus = w.clone();
            plus[j] += step;
            minus[j] -= step;
            double[] gp = gradient(loss, plus);
            double[] gm = gradient(loss, minus);
            for (int i = 0; i < w.length; i++) {
                double fd = (gp[i] - gm[i]) / (2 * step);
                assertThat(h[i][j]).as("H[%d][%d] vs finite differences", i, j).isCloseTo(fd, within(1e-7));
                assertThat(h[i][j]).as("symmetry at (%d, %d)", i, j).isCloseTo(h[j][i], within(1e-12));
            }
        }
    }

    @Test
    void hvpIsSymmetricAsABilinearForm() {
        Tensor x = Tensor.randn(RNG, DType.FLOAT64, 6, 3);
        Tensor w1 = Tensor.randn(RNG, DType.FLOAT64, 4, 3).requiresGrad(true);
        Tensor w2 = Tensor.randn(RNG, DType.FLOAT64, 1, 4).requiresGrad(true);
        List<Tensor> params = List.of(w1, w2);
        List<Tensor> u = List.of(Tensor.randn(RNG, DType.FLOAT64, 4, 3), Tensor.randn(RNG, DType.FLOAT64, 1, 4));
        List<Tensor> v = List.of(Tensor.randn(RNG, DType.FLOAT64, 4, 3), Tensor.randn(RNG, DType.FLOAT64, 1, 4));
        Function<Void, Tensor> loss = ignored -> x.matmul(w1, false, true).sigmoid().matmul(w2, false, true).exp().mean();
        List<Tensor> hv = Autograd.hvp(loss.apply(null), params, v);
        List<Tensor> hu = Autograd.hvp(loss.apply(null), params, u);
        double uHv = u.get(0).mul(hv.get(0)).sum().item() + u.get(1).mul(hv.get(1)).sum().item();
        double vHu = v.get(0).mul(hu.get(0)).sum().item() + v.get(1).mul(hu.get(1)).sum().item();
        assertThat(uHv).isCloseTo(vHu, within(1e-12 * Math.max(1, Math.abs(uHv))));
        assertThat(Math.abs(uHv)).isGreaterThan(1e-6); // a non-trivial form
    }
}
