package org.panopt.nn;

import org.panopt.autograd.Autograd;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * Batch normalization (Ioffe & Szegedy 2015) over {@code [N, C]} (1-d) or {@code [N, C, H, W]} (2-d)
 * inputs, per channel C:
 * <pre>
 *   training: x̂ = (x − μ_B) / √(σ²_B + ε)   with the batch mean and biased batch variance,
 *             running ← (1 − momentum)·running + momentum·batch statistic (variance unbiased),
 *   eval:     x̂ = (x − running mean) / √(running var + ε),
 *   y = γ·x̂ + β   when affine, else y = x̂.
 * </pre>
 * As PyTorch's {@code BatchNorm1d/2d} (ε = 1e-5, momentum = 0.1). The local-Hessian paper uses batch
 * normalization without trainable parameters: {@code affine = false}.
 */
public class BatchNorm extends Module {
    private final int channels;
    private final boolean spatial;
    private final double eps;
    private final double momentum;
    private final Tensor gamma;
    private final Tensor beta;
    private final Tensor runningMean;
    private final Tensor runningVar;

    /** 1-d ({@code spatial = false}, inputs [N, C]) or 2-d (inputs [N, C, H, W]). */
    public BatchNorm(int channels, boolean spatial, boolean affine) {
        this(channels, spatial, affine, 1e-5, 0.1, DType.FLOAT32);
    }

    public BatchNorm(int channels, boolean spatial, boolean affine, double eps, double momentum, DType dtype) {
        if (channels <= 0) throw new IllegalArgumentException("BatchNorm: channels " + channels + " must be positive");
        if (!(eps > 0) || !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("BatchNorm: eps " + eps + " must be > 0 and momentum " + momentum + " in [0, 1]");
        }
        this.channels = channels;
        this.spatial = spatial;
        this.eps = eps;
        this.momentum = momentum;
        this.gamma = affine ? registerParameter("weight", Tensor.ones(dtype, channels)) : null;
        this.beta = affine ? registerParameter("bias", Tensor.zeros(dtype, channels)) : null;
        this.runningMean = registerBuffer("runningMean", Tensor.zeros(dtype, channels));
        this.runningVar = registerBuffer("runningVar", Tensor.ones(dtype, channels));
    }

    @Override
    protected Tensor compute(Tensor x) {
        int rank = spatial ? 4 : 2;
        if (x.rank() != rank || x.dim(1) != channels) {
            throw new IllegalArgumentException(describe() + ": input shape " + x.shape() + " is not " + (spatial ? "[N, " + channels + ", H, W]" : "[N, " + channels + "]"));
        }
        int[] axes = spatial ? new int[] {0, 2, 3} : new int[] {0};
        int[] bshape = spatial ? new int[] {1, channels, 1, 1} : new int[] {1, channels};
        Tensor mean;
        Tensor var;
        if (isTraining()) {
            int count = x.size() / channels;
            if (count < 2) throw new IllegalArgumentException(describe() + ": training needs more than one value per channel, got input " + x.shape());
            mean = x.mean(axes, true);
            var = x.var(axes, true, 0);
            Tensor m = mean;
            Tensor v = var;
            Autograd.noGrad(() -> {
                runningMean.mulInPlace(1 - momentum).addInPlace(m.detach().reshape(channels), momentum);
                runningVar.mulInPlace(1 - momentum).addInPlace(v.detach().reshape(channels).mul(count / (count - 1.0)), momentum);
            });
        } else {
            mean = runningMean.reshape(bshape);
            var = runningVar.reshape(bshape);
        }
        Tensor y = x.sub(mean).mul(var.add(eps).rsqrt());
        return gamma == null ? y : y.mul(gamma.reshape(bshape)).add(beta.reshape(bshape));
    }

    public Tensor runningMean() {
        return runningMean;
    }

    public Tensor runningVar() {
        return runningVar;
    }

    /** γ, or null when not affine. */
    public Tensor weight() {
        return gamma;
    }

    /** β, or null when not affine. */
    public Tensor bias() {
        return beta;
    }

    @Override
    protected String describe() {
        return "BatchNorm" + (spatial ? "2d" : "1d") + "(" + channels + (gamma == null ? ", affine=false" : "") + ")";
    }
}
