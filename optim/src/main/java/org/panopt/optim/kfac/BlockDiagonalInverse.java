package org.panopt.optim.kfac;

import java.util.ArrayList;
import java.util.List;
import org.panopt.kernels.Gemm;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * The block-diagonal K-FAC inverse F̆_γ⁻¹ = diag((Ā_i + π_iγI)⁻¹ ⊗ (G_i + (γ/π_i)I)⁻¹) (Martens &amp; Grosse
 * 2015, §3.2 with the factored damping of arXiv §6.3; {@code spec/kfac.md} §2.2, §4.2). Applied per layer
 * to the layer matrix V_i {@code [d_out, d_in+1]} as
 * <pre>
 *   U_i = (G_i + (γ/π_i) I)⁻¹ V_i (Ā_i + π_i γ I)⁻¹,
 * </pre>
 * since (A⊗G)⁻¹vec(V) = vec(G⁻¹VA⁻¹) for symmetric factors.
 */
public final class BlockDiagonalInverse {
    private BlockDiagonalInverse() {}

    /** The damped factor inverses of every layer for damping strength γ. */
    public static List<LayerInverse> build(List<KroneckerFactors> factors, double gamma) {
        checkGamma(gamma);
        LayerInverse[] out = new LayerInverse[factors.size()];
        ByCost.forEach(out.length, i -> cost(factors.get(i)), i -> out[i] = layer(factors.get(i), gamma));
        return List.of(out);
    }

    /** n³ of both factors: the work of inverting them. */
    static long cost(KroneckerFactors f) {
        if (!f.estimated()) return 0;
        long a = f.input().dim(0);
        long g = f.output().dim(0);
        return a * a * a + g * g * g;
    }

    static LayerInverse layer(KroneckerFactors f, double gamma) {
        if (!f.estimated()) throw new IllegalStateException("K-FAC: a layer's factors are inverted before any statistics were collected");
        double pi = pi(f);
        DenseSymmetric.Inverse a = DenseSymmetric.dampedInverse(f.input(), pi * gamma);
        DenseSymmetric.Inverse g = DenseSymmetric.dampedInverse(f.output(), gamma / pi);
        return LayerInverse.blockDiagonal(pi, gamma, a.matrix(), g.matrix(), a.eigenFallback() || g.eigenFallback());
    }

    /** π of one layer from the traces of its factors. */
    static double pi(KroneckerFactors f) {
        return FactoredDamping.pi(DenseSymmetric.trace(f.input()), f.input().dim(0), DenseSymmetric.trace(f.output()), f.output().dim(0));
    }

    /** U_i = G_d⁻¹ V_i Ā_d⁻¹ for every layer. */
    public static List<Tensor> apply(List<LayerInverse> inverses, List<Tensor> v) {
        return apply(inverses, v, 1);
    }

    /** s·G_d⁻¹ V_i Ā_d⁻¹ for every layer (the scale s folded into the second product). */
    static List<Tensor> apply(List<LayerInverse> inverses, List<Tensor> v, double s) {
        checkSizes(inverses, v);
        List<Tensor> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) out.add(applyLayer(inverses.get(i), v.get(i), s));
        return out;
    }

    static Tensor applyLayer(LayerInverse inv, Tensor v) {
        return applyLayer(inv, v, 1);
    }

    // s·(G⁻¹V)Ā⁻¹: the first product through the tensor, the second straight into a fresh array with α = s.
    private static Tensor applyLayer(LayerInverse inv, Tensor v, double s) {
        Tensor gv = inv.outputInverse().matmul(v);
        Tensor ai = inv.inputInverse();
        int rows = gv.dim(0);
        int k = gv.dim(1);
        int cols = ai.dim(1);
        if (gv.dtype() == DType.FLOAT32 && ai.dtype() == DType.FLOAT32) {
            float[] out = new float[rows * cols];
            Gemm.sgemm(false, false, rows, cols, k, (float) s, Float64.heapFloats(gv), 0, k, Float64.heapFloats(ai), 0, cols, 0f, out, 0, cols);
            return Float64.wrap(out, rows, cols);
        }
        if (gv.dtype() == DType.FLOAT64 && ai.dtype() == DType.FLOAT64) {
            double[] out = new double[rows * cols];
            Gemm.dgemm(false, false, rows, cols, k, s, Float64.heapDoubles(gv), 0, k, Float64.heapDoubles(ai), 0, cols, 0, out, 0, cols);
            return Float64.wrap(out, rows, cols);
        }
        Tensor u = gv.matmul(ai);
        return s == 1 ? u : u.mul(s);
    }

    static void checkGamma(double gamma) {
        if (!(gamma > 0) || !Double.isFinite(gamma)) throw new IllegalArgumentException("K-FAC: damping strength γ = " + gamma + " must be positive and finite");
    }

    static void checkSizes(List<LayerInverse> inverses, List<Tensor> v) {
        if (inverses.size() != v.size()) {
            throw new IllegalArgumentException("K-FAC: " + v.size() + " layer matrices for " + inverses.size() + " layer inverses");
        }
    }
}
