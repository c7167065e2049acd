package org.panopt.nn.loss;

import java.util.SplittableRandom;
import org.panopt.tensor.Tensor;

/**
 * Binary cross-entropy of sigmoid(z) for independent binary outputs, per element
 * L = −y log σ(z) − (1 − y) log(1 − σ(z)) = softplus(z) − y·z (stable for any z), as PyTorch's
 * {@code BCEWithLogitsLoss}. The predictive distribution is Bernoulli(σ(z)) per element; the output
 * Hessian is diag(σ(1 − σ)) divided by the reduction's divisor. The K-FAC paper's autoencoders use this
 * loss (summed per case: {@link Reduction#BATCH_MEAN}).
 */
public final class SigmoidCrossEntropy implements Loss {
    private final Reduction reduction;

    public SigmoidCrossEntropy(Reduction reduction) {
        this.reduction = reduction;
    }

    /** Mean over all elements, PyTorch's default. */
    public SigmoidCrossEntropy() {
        this(Reduction.MEAN);
    }

    @Override
    public Tensor loss(Tensor logits, Tensor target) {
        if (!logits.shape().equals(target.shape())) {
            throw new IllegalArgumentException("SigmoidCrossEntropy: logits shape " + logits.shape() + " and target shape " + target.shape() + " differ");
        }
        return logits.softplus().sub(logits.mul(target)).sum().div(Loss.divisor(reduction, logits));
    }

    @Override
    public Tensor sample(Tensor logits, SplittableRandom rng) {
        Tensor u = Tensor.rand(rng, 0, 1, logits.dtype(), logits.dims()).to(logits.device());
        return u.lt(logits.detach().sigmoid());
    }

    @Override
    public Tensor outputHessianVectorProduct(Tensor logits, Tensor v) {
        Tensor p = logits.sigmoid();
        return v.mul(p.mul(p.neg().add(1))).div(Loss.divisor(reduction, logits));
    }

    @Override
    public Reduction reduction() {
        return reduction;
    }
}
