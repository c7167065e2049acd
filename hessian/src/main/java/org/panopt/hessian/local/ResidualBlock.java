package org.panopt.hessian.local;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.panopt.hessian.spectrum.ConditionNumber;
import org.panopt.hessian.spectrum.DenseSpectrum;

/**
 * The local input Hessian of a residual block z_b = S z_{b−1} + φ_b(W_b, z_{b−1}) (Zhang, Chen &amp; Liu
 * 2018, eqs. 12–15; {@code spec/local-hessian.md} A.6), S the skip map (I in He et al.):
 * <pre>
 *   H_z = (S + J_φ)ᵀ (S + J_φ) + Σᵢ rᵢ ∂²φᵢ/∂z²,    J_φ = ∂φ_b/∂z_{b−1},  r = F_b − z_b^{k+½}   (eq. 13)
 * </pre>
 * The first term is the Gauss–Newton part analysed by the paper. An orthogonal S leaves its condition
 * number as the identity does when φ = 0 (SᵀS = I), and a non-orthogonal S worsens it — the Orhan &amp;
 * Pitkow observation. Remark 1: if σ_max(J_φ) &lt; 1 − s and C(J_φ) &gt; (2 − s)/s for some s ∈ (0, 1), then
 * C((I + J_φ)ᵀ(I + J_φ)) &lt; ((2 − s)/s)² &lt; C(J_φᵀJ_φ) (eq. 15): the skip connection conditions the block.
 */
public final class ResidualBlock {
    private ResidualBlock() {}

    /** (S + J)ᵀ(S + J) for square S and J of one size. */
    public static DMatrixRMaj gaussNewtonInputHessian(DMatrixRMaj skip, DMatrixRMaj branchJacobian) {
        if (skip.numRows != skip.numCols || skip.numRows != branchJacobian.numRows || skip.numCols != branchJacobian.numCols) {
            throw new IllegalArgumentException("ResidualBlock: skip " + skip.numRows + "×" + skip.numCols + " and branch Jacobian "
                    + branchJacobian.numRows + "×" + branchJacobian.numCols + " must be square and of one size");
        }
        DMatrixRMaj a = new DMatrixRMaj(skip.numRows, skip.numCols);
        CommonOps_DDRM.add(skip, branchJacobian, a);
        DMatrixRMaj h = new DMatrixRMaj(a.numCols, a.numCols);
        CommonOps_DDRM.multTransA(a, a, h);
        return h;
    }

    /** (I + J)ᵀ(I + J), the identity skip. */
    public static DMatrixRMaj gaussNewtonInputHessian(DMatrixRMaj branchJacobian) {
        return gaussNewtonInputHessian(CommonOps_DDRM.identity(branchJacobian.numRows), branchJacobian);
    }

    /** ((2 − s)/s)², the bound of eq. (15). */
    public static double remark1Bound(double s) {
        if (!(s > 0 && s < 1)) throw new IllegalArgumentException("ResidualBlock: s " + s + " must be in (0, 1)");
        return Math.pow((2 - s) / s, 2);
    }

    /**
     * Remark 1 evaluated on a branch Jacobian J, with s = 1 − σ_max(J) (the largest s its assumption (a)
     * allows, up to strictness): the condition numbers with and without the skip, the bound, and whether
     * the assumptions and the conclusion hold.
     *
     * @param sigmaMax           σ_max(J)
     * @param s                  1 − σ_max(J)
     * @param branch             C(J)
     * @param branchGaussNewton  C(JᵀJ) = C(J)²
     * @param residualGaussNewton C((I + J)ᵀ(I + J))
     * @param bound              ((2 − s)/s)²
     */
    public record Remark1(double sigmaMax, double s, double branch, double branchGaussNewton, double residualGaussNewton, double bound) {
        /** Assumption (a), σ_max(J) &lt; 1 − s, holds for every s slightly below 1 − σ_max; needs σ_max &lt; 1. */
        public boolean branchIsSmall() {
            return sigmaMax < 1;
        }

        /** Assumption (b): C(J) &gt; (2 − s)/s. */
        public boolean branchIsBadlyConditioned() {
            return branch > (2 - s) / s;
        }

        /** Eq. (15): C((I + J)ᵀ(I + J)) ≤ ((2 − s)/s)² &lt; C(JᵀJ) (the first inequality is strict for any smaller s). */
        public boolean conclusionHolds() {
            return residualGaussNewton <= bound * (1 + 1e-12) && bound < branchGaussNewton;
        }
    }

    /** Remark 1's quantities for the branch Jacobian J (square), in float64 with the default rank tolerance. */
    public static Remark1 remark1(DMatrixRMaj branchJacobian) {
        double[] sv = DenseSpectrum.singularValues(branchJacobian);
        double sigmaMax = sv[0];
        double s = 1 - sigmaMax;
        double tol = ConditionNumber.defaultTolerance(branchJacobian.numRows);
        double c = ConditionNumber.ofSingularValues(sv, tol).value();
        DMatrixRMaj jtj = new DMatrixRMaj(branchJacobian.numCols, branchJacobian.numCols);
        CommonOps_DDRM.multTransA(branchJacobian, branchJacobian, jtj);
        double cBranch = ConditionNumber.ofEigenvalues(DenseSpectrum.eigenvalues(jtj), tol).value();
        double cResidual = ConditionNumber.ofEigenvalues(DenseSpectrum.eigenvalues(gaussNewtonInputHessian(branchJacobian)), tol).value();
        return new Remark1(sigmaMax, s, c, cBranch, cResidual, s > 0 && s < 1 ? remark1Bound(s) : Double.NaN);
    }
}
