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

    /**
     * F̆⁻¹ = diag(M₁₁⁻¹, …, M_ℓℓ⁻¹): the inverse of M's block diagonal (Martens &amp; Grosse 2015, §3.2, with M = F̃
     * it is K-FAC's block-diagonal approximation of F̃⁻¹). Every diagonal block must be positive definite
     * (add damping to M first); dense, by Cholesky.
     */
    public static DMatrixRMaj blockDiagonalInverse(DMatrixRMaj m, int[] offsets) {
        check(m, offsets);
        DMatrixRMaj out = new DMatrixRMaj(m.numRows, m.numCols);
        for (int i = 0; i + 1 < offsets.length; i++) CommonOps_DDRM.insert(blockInverse(block(m, offsets, i, i), i), out, offsets[i], offsets[i]);
        return out;
    }

    /**
     * F̂⁻¹ = ΞᵀΛΞ, the inverse of the matrix F̂ that agrees with M on the diagonal and first off-diagonal
     * blocks and whose inverse is block-tridiagonal (§3.3; {@code spec/kfac.md} §7): the precision of the
     * Gaussian chain with Σ_ℓ = M_ℓℓ, Ψ_i = M_{i,i+1}M_{i+1,i+1}⁻¹, Σ_{i|i+1} = M_ii − Ψ_i M_{i+1,i}, so that
     * F̂⁻¹ = Σ_i Ξ_iᵀΛ_iΞ_i with Ξ_i the block row [I at i, −Ψ_i at i+1] and Λ_i = Σ_{i|i+1}⁻¹ (Λ_ℓ = Σ_ℓ⁻¹).
     * With M = F̃ this is K-FAC's block-tridiagonal approximation of F̃⁻¹, here dense and for any symmetric M
     * whose diagonal blocks and conditional covariances are positive definite (add damping to M first). Exact
     * (F̂ = M) when M⁻¹ is block-tridiagonal.
     */
    public static DMatrixRMaj blockTridiagonalInverse(DMatrixRMaj m, int[] offsets) {
        check(m, offsets);
        int l = offsets.length - 1;
        DMatrixRMaj out = new DMatrixRMaj(m.numRows, m.numCols);
        for (int i = 0; i < l; i++) {
            DMatrixRMaj lambda;
            DMatrixRMaj psi = null;
            if (i == l - 1) {
                lambda = blockInverse(block(m, offsets, i, i), i);
            } else {
                DMatrixRMaj nextInverse = blockInverse(block(m, offsets, i + 1, i + 1), i + 1);
                psi = new DMatrixRMaj(offsets[i + 1] - offsets[i], offsets[i + 2] - offsets[i + 1]);
                CommonOps_DDRM.mult(block(m, offsets, i, i + 1), nextInverse, psi);
                DMatrixRMaj sigma = block(m, offsets, i, i);
                CommonOps_DDRM.multAdd(-1, psi, block(m, offsets, i + 1, i), sigma);
                lambda = blockInverse(symmetrized(sigma), i, "the conditional covariance Σ_{" + i + "|" + (i + 1) + "}");
            }
            addInto(out, offsets[i], offsets[i], lambda);
            if (psi == null) continue;
            DMatrixRMaj lambdaPsi = new DMatrixRMaj(lambda.numRows, psi.numCols);
            CommonOps_DDRM.mult(lambda, psi, lambdaPsi);
            CommonOps_DDRM.scale(-1, lambdaPsi);
            addInto(out, offsets[i], offsets[i + 1], lambdaPsi); // −Λ_iΨ_i
            addInto(out, offsets[i + 1], offsets[i], CommonOps_DDRM.transpose(lambdaPsi, null)); // −Ψ_iᵀΛ_i
            DMatrixRMaj psiLambdaPsi = new DMatrixRMaj(psi.numCols, psi.numCols);
            CommonOps_DDRM.multTransA(psi, lambdaPsi, psiLambdaPsi);
            CommonOps_DDRM.scale(-1, psiLambdaPsi);
            addInto(out, offsets[i + 1], offsets[i + 1], psiLambdaPsi); // Ψ_iᵀΛ_iΨ_i
        }
        return symmetrized(out);
    }

    /** M + λI (a new matrix). */
    public static DMatrixRMaj plusIdentity(DMatrixRMaj m, double lambda) {
        DMatrixRMaj out = m.copy();
        for (int i = 0; i < Math.min(m.numRows, m.numCols); i++) out.add(i, i, lambda);
        return out;
    }

    private static DMatrixRMaj block(DMatrixRMaj m, int[] offsets, int i, int j) {
        return CommonOps_DDRM.extract(m, offsets[i], offsets[i + 1], offsets[j], offsets[j + 1]);
    }

    private static DMatrixRMaj blockInverse(DMatrixRMaj b, int i) {
        return blockInverse(symmetrized(b), i, "diagonal block " + i);
    }

    private static DMatrixRMaj blockInverse(DMatrixRMaj b, int i, String what) {
        LinearSolverDense<DMatrixRMaj> chol = LinearSolverFactory_DDRM.chol(b.numRows);
        if (!chol.setA(b.copy())) {
            throw new ArithmeticException("FisherBlocks: " + what + " (" + b.numRows + "×" + b.numCols + ") is not positive definite; add damping");
        }
        DMatrixRMaj inv = new DMatrixRMaj(b.numRows, b.numCols);
        chol.invert(inv);
        return inv;
    }

    private static void addInto(DMatrixRMaj out, int row, int col, DMatrixRMaj b) {
        for (int r = 0; r < b.numRows; r++)
            for (int c = 0; c < b.numCols; c++) out.add(row + r, col + c, b.get(r, c));
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
