package org.panopt.hessian;

import org.panopt.tensor.Tensor;

/**
 * The generalized Gauss–Newton matrix G = Jᵀ H_L J (Schraudolph 2002; Martens 2010), with J = ∂z/∂θ and
 * H_L = ∇²_z L the Hessian of the reduced loss with respect to the network output (the loss's
 * {@code outputHessianVectorProduct}). Positive semi-definite for convex losses; it is the Hessian with the
 * terms Σ (∂L/∂z)·∇²z dropped, so G = H exactly when the network is linear in θ (a linear model with squared
 * error). For the canonical-link losses of {@code org.panopt.nn.loss}, H_L is also the output-space Fisher,
 * so G equals the true Fisher ({@link FisherOperator}).
 */
public final class GaussNewtonOperator extends OutputSpaceCurvature {

    public GaussNewtonOperator(BatchLoss loss) {
        super(loss);
    }

    @Override
    protected Tensor outputProduct(Tensor output, Tensor u) {
        return loss.loss().outputHessianVectorProduct(output, u);
    }
}
