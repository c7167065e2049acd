package org.panopt.nn.loss;

import java.util.SplittableRandom;
import org.panopt.tensor.Tensor;

/**
 * Squared error c·(z − y)² per element, reduced: with c = 1 and {@link Reduction#MEAN} this is PyTorch's
 * {@code MSELoss}. As a likelihood, c·(z − y)² = −log N(y; z, 1/(2c)) + const, so the predictive
 * distribution is a Gaussian with variance 1/(2c) per element: {@code sample} adds N(0, 1/(2c)) noise, and
 * the output Hessian is 2c·I (divided by the reduction's divisor). c = ½ is the K-FAC paper's ½‖y − z‖²
 * (variance 1); c = 1 is kfac-jax's convention (variance ½).
 */
public final class MeanSquaredError implements Loss {
    private final double c;
    private final Reduction reduction;

    public MeanSquaredError(double c, Reduction reduction) {
        if (!(c > 0)) throw new IllegalArgumentException("MeanSquaredError: scale " + c + " must be positive");
        this.c = c;
        this.reduction = reduction;
    }

    /** PyTorch's {@code MSELoss()}: mean of (z − y)². */
    public MeanSquaredError() {
        this(1, Reduction.MEAN);
    }

    /** ½‖y − z‖² per case, averaged over the batch (the K-FAC paper's squared error). */
    public static MeanSquaredError halfSumPerCase() {
        return new MeanSquaredError(0.5, Reduction.BATCH_MEAN);
    }

    @Override
    public Tensor loss(Tensor output, Tensor target) {
        if (!output.shape().equals(target.shape())) {
            throw new IllegalArgumentException("MeanSquaredError: output shape " + output.shape() + " and target shape " + target.shape() + " differ");
        }
        return output.sub(target).square().sum().mul(c / Loss.divisor(reduction, output));
    }

    @Override
    public Tensor sample(Tensor output, SplittableRandom rng) {
        return output.detach().add(Tensor.randn(rng, output.dtype(), output.dims()).to(output.device()).mul(Math.sqrt(1 / (2 * c))));
    }

    @Override
    public Tensor outputHessianVectorProduct(Tensor output, Tensor v) {
        return v.mul(2 * c / Loss.divisor(reduction, output));
    }

    @Override
    public Reduction reduction() {
        return reduction;
    }
}
