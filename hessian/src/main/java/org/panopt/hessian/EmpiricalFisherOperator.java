package org.panopt.hessian;

import org.panopt.tensor.Tensor;

/**
 * The empirical Fisher at the data targets, at the scale of the reduced loss L = (1/D) Σₙ ℓₙ:
 * <pre>
 *   F_emp = (1/D) Σₙ ∇_θ ℓₙ(yₙ) ∇_θ ℓₙ(yₙ)ᵀ
 * </pre>
 * the (uncentred) second moment of per-case gradients. Unlike the true Fisher it uses the data labels, is
 * not a curvature of the loss in general, and has rank ≤ N (Kunstner et al. 2019 on why it can mislead).
 * Computed without per-case backward passes: F_emp v = Jᵀ w with wₙ = D·gₙ(gₙ·(Jv)ₙ), gₙ = ∂L/∂zₙ.
 */
public final class EmpiricalFisherOperator extends OutputSpaceCurvature {

    public EmpiricalFisherOperator(BatchLoss loss) {
        super(loss);
        if (loss.targets() == null) throw new IllegalArgumentException("EmpiricalFisherOperator: the BatchLoss needs data targets");
    }

    @Override
    protected Tensor outputProduct(Tensor output, Tensor u) {
        Tensor g = outputGradient(output, loss.targets());
        return g.mul(perCaseDot(g, u)).mul(loss.loss().caseDivisor(output));
    }
}
