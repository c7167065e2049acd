package org.panopt.hessian.fisher;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * Layer-block summaries of Fisher matrices and their inverses, the quantities K-FAC's figures show
 * (Martens &amp; Grosse 2015, figures 2–3): the mean absolute entry of every (i, j) layer block — which
 * reveals that F⁻¹ is dominated by its diagonal blocks, with the next-largest blocks next to the diagonal
 * (why a block-tridiagonal inverse approximation is reasonable) — and the relative error of an
 * approximation per block.
 */
public final class FisherBlocks {
    private FisherBlocks() {}

    /** ℓ × ℓ: mean |mᵢⱼ| over each layer block, blocks given by {@code offsets} (length ℓ + 1, last = size). */
    public static DMatrixRMaj meanAbsolute(DMatrixRMaj m, int[] offsets) {
        int l = offsets.length - 1;
        check(m, offsets);
        DMatrixRMaj out = new DMatrixRMaj(l, l);
        for (int bi = 0; bi < l; bi++) {
            for (int bj = 0; bj < l; bj++) {
                double s = 0;
                for (int i = offsets[bi]; i < offsets[bi + 1]; i++)
                    for (int j = offsets[bj]; j < offsets[bj + 1]; j++) s += Math.abs(m.unsafe_get(i, j));
                out.set(bi, bj, s / ((double) (offsets[bi + 1] - offsets[bi]) * (offsets[bj + 1] - offsets[bj])));
            }
        }
        return out;
    }

    /** ℓ × ℓ: ‖A_{ij} − E_{ij}‖_F / ‖E_{ij}‖_F per block (NaN for an all-zero exact block). */
    public static DMatrixRMaj relativeError(DMatrixRMaj approximation, DMatrixRMaj exact, int[] offsets) {
        check(exact, offsets);
        check(approximation, offsets);
        int l = offsets.length - 1;
        DMatrixRMaj out = new DMatrixRMaj(l, l);
        for (int bi = 0; bi < l; bi++) {
            for (int bj = 0; bj < l; bj++) {
                double num = 0;
                double den = 0;
                for (int i = offsets[bi]; i < offsets[bi + 1]; i++) {
                    for (int j = offsets[bj]; j < offsets[bj + 1]; j++) {
                        double d = approximation.unsafe_get(i, j) - exact.unsafe_get(i, j);
                        num += d * d;
                        den += exact.unsafe_get(i, j) * exact.unsafe_get(i, j);
                    }
                }
                out.set(bi, bj, den == 0 ? Double.NaN : Math.sqrt(num / den));
            }
        }
        return out;
    }

    /**
     * (M + λI)⁻¹ for a symmetric positive semi-definite M and damping λ &gt; 0 (a Fisher is singular when
     * there are fewer cases·outputs than parameters, so its inverse needs damping, as in K-FAC), by Cholesky.
     */
    public static DMatrixRMaj dampedInverse(DMatrixRMaj m, double damping) {
        if (!(damping > 0)) throw new IllegalArgumentException("FisherBlocks.dampedInverse: damping " + damping + " must be positive");
        if (m.numRows != m.numCols) throw new IllegalArgumentException("FisherBlocks.dampedInverse: matrix is " + m.numRows + "×" + m.numCols);
        DMatrixRMaj a = m.copy();
        for (int i = 0; i < a.numRows; i++) a.add(i, i, damping);
        LinearSolverDense<DMatrixRMaj> chol = LinearSolverFactory_DDRM.chol(a.numRows);
        if (!chol.setA(a)) {
            throw new ArithmeticException("FisherBlocks.dampedInverse: M + " + damping + "·I is not positive definite (M not PSD?)");
        }
        DMatrixRMaj inv = new DMatrixRMaj(a.numRows, a.numCols);
        chol.invert(inv);
        return inv;
    }

    /** The offsets of an analysis, for the block functions. */
    public static int[] offsets(KroneckerFisherAnalysis analysis) {
        int l = analysis.layers().size();
        int[] o = new int[l + 1];
        for (int i = 0; i <= l; i++) o[i] = analysis.offset(i);
        return o;
    }

    private static void check(DMatrixRMaj m, int[] offsets) {
        if (offsets.length < 2 || offsets[0] != 0 || offsets[offsets.length - 1] != m.numRows || m.numRows != m.numCols) {
            throw new IllegalArgumentException("FisherBlocks: offsets " + java.util.Arrays.toString(offsets) + " do not partition a "
                    + m.numRows + "×" + m.numCols + " matrix");
        }
        for (int i = 1; i < offsets.length; i++) {
            if (offsets[i] <= offsets[i - 1]) throw new IllegalArgumentException("FisherBlocks: offsets " + java.util.Arrays.toString(offsets) + " must increase");
        }
    }

    /** A symmetric copy (M + Mᵀ)/2, to clear round-off before decompositions. */
    public static DMatrixRMaj symmetrized(DMatrixRMaj m) {
        DMatrixRMaj t = CommonOps_DDRM.transpose(m, null);
        DMatrixRMaj out = new DMatrixRMaj(m.numRows, m.numCols);
        CommonOps_DDRM.add(0.5, m, 0.5, t, out);
        return out;
    }
}
