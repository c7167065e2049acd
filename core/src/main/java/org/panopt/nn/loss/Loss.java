package org.panopt.nn.loss;

import java.util.SplittableRandom;
import org.panopt.tensor.Tensor;

/**
 * A loss that is a negative log-likelihood L(y, z) = −log r(y|z) of a predictive distribution R(y|z) over
 * targets given the network output z (kfac-jax's view). Knowing the distribution gives:
 * <ul>
 * <li>{@link #sample}: targets y ~ R(y|z) drawn from the model — K-FAC's G statistics need these, not the
 *     data labels, for an estimate of the true Fisher;</li>
 * <li>{@link #outputHessianVectorProduct}: ∇²_z L · v, the Hessian of the (reduced) loss with respect to
 *     the output. For these canonical-link losses it does not depend on y and equals the output-space
 *     Fisher F_R, so J ᵀ(H_L)J is both the generalized Gauss–Newton and the Fisher.</li>
 * </ul>
 */
public interface Loss {

    /** The reduced loss of {@code output} against {@code target} (differentiable in the output). */
    Tensor loss(Tensor output, Tensor target);

    /** Targets drawn from the predictive distribution at {@code output}, in the form {@link #loss} accepts. */
    Tensor sample(Tensor output, SplittableRandom rng);

    /** ∇²_z L(y, z)·v for the reduced loss, v of the output's shape (differentiable in v and z). */
    Tensor outputHessianVectorProduct(Tensor output, Tensor v);

    Reduction reduction();

    /**
     * D such that the reduced loss is L = (1/D) Σₙ ℓₙ, ℓₙ = −log r(yₙ|zₙ) the negative log-likelihood of case n
     * (axis 0) under the predictive distribution — the scale at which Fisher matrices and K-FAC's factors are
     * defined. For the elementwise losses (a case's ℓₙ sums its elements) this is {@link #divisor(Reduction,
     * Tensor)}; a loss with one value per case (softmax cross-entropy) divides MEAN by N, not N·K.
     */
    default double caseDivisor(Tensor output) {
        return divisor(reduction(), output);
    }

    /** The divisor the reduction applies to the summed per-element losses of an output of this shape. */
    static double divisor(Reduction r, Tensor output) {
        return switch (r) {
            case MEAN -> output.size();
            case BATCH_MEAN -> output.rank() == 0 ? 1 : output.dim(0);
            case SUM -> 1;
        };
    }
}
