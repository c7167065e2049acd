package org.panopt.experiments.kfac;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;
import org.panopt.hessian.fisher.FisherBlocks;
import org.panopt.optim.kfac.BlockDiagonalInverse;
import org.panopt.optim.kfac.BlockTridiagonalInverse;
import org.panopt.optim.kfac.KroneckerFactors;
import org.panopt.optim.kfac.LayerInverse;
import org.panopt.tensor.Tensor;

/**
 * The dense structured inverses the kfac-fisher driver draws (hessian's {@link FisherBlocks}) are the ones the
 * optimizer applies (optim's factored {@link BlockDiagonalInverse} and {@link BlockTridiagonalInverse}): the
 * optimizer's F̂⁻¹ applied to every basis vector equals the dense ΞᵀΛΞ of the matrix with K-FAC's factored-damped
 * diagonal blocks (Ā + πγI) ⊗ (G + (γ/π)I) and undamped cross blocks Ā_{i−1,i} ⊗ G_{i,i+1}.
 */
class StructuredInverseAgreementTest {
    private static final int[] IN = {4, 3, 5}; // ā sizes (homogeneous coordinate included)
    private static final int[] OUT = {2, 4, 3}; // g sizes (g_i and the next layer's ā are different vectors here)

    @Test
    void optimizersFactoredInversesEqualTheDenseConstructions() {
        // factors as moments of one random joint sample, so that every conditional covariance is positive definite
        SplittableRandom rng = new SplittableRandom(11);
        int samples = 40;
        double[][][] a = new double[3][samples][];
        double[][][] g = new double[3][samples][];
        for (int s = 0; s < samples; s++) {
            for (int i = 0; i < 3; i++) {
                a[i][s] = new double[IN[i]];
                g[i][s] = new double[OUT[i]];
                for (int k = 0; k < IN[i]; k++) a[i][s][k] = k == IN[i] - 1 ? 1 : Math.tanh(rng.nextGaussian() + (i > 0 ? a[i - 1][s][0] : 0));
                for (int k = 0; k < OUT[i]; k++) g[i][s][k] = rng.nextGaussian() * (1 + Math.abs(a[i][s][0])) + (i > 0 ? 0.5 * g[i - 1][s][0] : 0);
            }
        }
        List<KroneckerFactors> factors = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            factors.add(new KroneckerFactors(moment(a[i], a[i]), moment(g[i], g[i]), i < 2 ? moment(a[i], a[i + 1]) : null, i < 2 ? moment(g[i], g[i + 1]) : null));
        }
        double gamma = 0.05;
        List<LayerInverse> tri = BlockTridiagonalInverse.build(factors, gamma);
        List<LayerInverse> diag = BlockDiagonalInverse.build(factors, gamma);

        int[] offsets = new int[4];
        for (int i = 0; i < 3; i++) offsets[i + 1] = offsets[i] + IN[i] * OUT[i];
        int p = offsets[3];
        DMatrixRMaj m = new DMatrixRMaj(p, p);
        for (int i = 0; i < 3; i++) {
            double pi = tri.get(i).pi();
            assertThat(diag.get(i).pi()).isEqualTo(pi);
            DMatrixRMaj ad = dense(factors.get(i).input());
            DMatrixRMaj gd = dense(factors.get(i).output());
            for (int k = 0; k < IN[i]; k++) ad.add(k, k, pi * gamma);
            for (int k = 0; k < OUT[i]; k++) gd.add(k, k, gamma / pi);
            CommonOps_DDRM.insert(CommonOps_DDRM.kron(ad, gd, null), m, offsets[i], offsets[i]);
            if (i < 2) {
                DMatrixRMaj cross = CommonOps_DDRM.kron(dense(factors.get(i).inputCross()), dense(factors.get(i).outputCross()), null);
                CommonOps_DDRM.insert(cross, m, offsets[i], offsets[i + 1]);
                CommonOps_DDRM.insert(CommonOps_DDRM.transpose(cross, null), m, offsets[i + 1], offsets[i]);
            }
        }
        // blocks (1, 3) and (3, 1) stay 0: F̂ does not depend on them
        assertClose(applied(tri, true, offsets), FisherBlocks.blockTridiagonalInverse(m, offsets), 1e-9, "F̂⁻¹: optim vs dense");
        assertClose(applied(diag, false, offsets), FisherBlocks.blockDiagonalInverse(m, offsets), 1e-10, "F̆⁻¹: optim vs dense");
    }

    // The optimizer's inverse applied to every basis vector of θ (columns stacked per layer matrix V_i [d_out, d_in]).
    private static DMatrixRMaj applied(List<LayerInverse> inv, boolean tridiagonal, int[] offsets) {
        int p = offsets[3];
        DMatrixRMaj out = new DMatrixRMaj(p, p);
        for (int col = 0; col < p; col++) {
            List<Tensor> v = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                double[] vi = new double[OUT[i] * IN[i]];
                if (col >= offsets[i] && col < offsets[i + 1]) {
                    int local = col - offsets[i];
                    vi[(local % OUT[i]) * IN[i] + local / OUT[i]] = 1; // θ index c·d_out + r ↔ V[r][c]
                }
                v.add(Tensor.of(vi, OUT[i], IN[i]));
            }
            List<Tensor> u = tridiagonal ? BlockTridiagonalInverse.apply(inv, v) : BlockDiagonalInverse.apply(inv, v);
            for (int i = 0; i < 3; i++) {
                double[] ui = u.get(i).toDoubleArray();
                for (int r = 0; r < OUT[i]; r++) for (int c = 0; c < IN[i]; c++) out.set(offsets[i] + c * OUT[i] + r, col, ui[r * IN[i] + c]);
            }
        }
        return out;
    }

    private static Tensor moment(double[][] x, double[][] y) {
        int n = x.length;
        double[] m = new double[x[0].length * y[0].length];
        for (int s = 0; s < n; s++)
            for (int i = 0; i < x[0].length; i++)
                for (int j = 0; j < y[0].length; j++) m[i * y[0].length + j] += x[s][i] * y[s][j] / n;
        return Tensor.of(m, x[0].length, y[0].length);
    }

    private static DMatrixRMaj dense(Tensor t) {
        return new DMatrixRMaj(t.dim(0), t.dim(1), true, t.toDoubleArray());
    }

    private static void assertClose(DMatrixRMaj actual, DMatrixRMaj expected, double tol, String what) {
        double scale = 0, worst = 0;
        for (double v : expected.data) scale = Math.max(scale, Math.abs(v));
        for (int k = 0; k < expected.data.length; k++) worst = Math.max(worst, Math.abs(actual.data[k] - expected.data[k]));
        assertThat(worst / scale).as(what).isLessThanOrEqualTo(tol);
    }
}
