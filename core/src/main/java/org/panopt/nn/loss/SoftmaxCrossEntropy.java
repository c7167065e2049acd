package org.panopt.nn.loss;

import java.util.SplittableRandom;
import org.panopt.tensor.Tensor;

/**
 * Cross-entropy of softmax(z) for logits z {@code [N, K]}: L = −Σ_k y_k log softmax(z)_k per case, with
 * targets either class indices {@code [N]} (float values 0…K−1) or probability rows {@code [N, K]}
 * (soft targets), as PyTorch's {@code CrossEntropyLoss}. Computed through log-softmax, so it is stable for
 * any logits. The predictive distribution is Categorical(p), p = softmax(z); the output Hessian is
 * diag(p) − p pᵀ per case (divided by N for the mean).
 */
public final class SoftmaxCrossEntropy implements Loss {
    private final Reduction reduction;

    public SoftmaxCrossEntropy(Reduction reduction) {
        this.reduction = reduction;
    }

    /** Mean over the batch, PyTorch's default. */
    public SoftmaxCrossEntropy() {
        this(Reduction.MEAN);
    }

    @Override
    public Tensor loss(Tensor logits, Tensor target) {
        checkLogits(logits);
        Tensor y = target.rank() == 1 ? oneHot(target, logits.dim(1)).to(logits.dtype()) : target;
        if (!y.shape().equals(logits.shape())) {
            throw new IllegalArgumentException("SoftmaxCrossEntropy: targets " + target.shape() + " must be [" + logits.dim(0)
                    + "] class indices or [" + logits.dim(0) + ", " + logits.dim(1) + "] probabilities for logits " + logits.shape());
        }
        return logits.logSoftmax(1).mul(y).sum().neg().div(caseDivisor(logits));
    }

    @Override
    public Tensor sample(Tensor logits, SplittableRandom rng) {
        checkLogits(logits);
        double[] p = logits.detach().softmax(1).toDoubleArray();
        int n = logits.dim(0);
        int k = logits.dim(1);
        double[] labels = new double[n];
        for (int i = 0; i < n; i++) {
            double u = rng.nextDouble();
            int c = 0;
            double acc = p[i * k];
            while (u >= acc && c < k - 1) acc += p[i * k + ++c];
            labels[i] = c;
        }
        return Tensor.of(labels).to(logits.dtype()).to(logits.device());
    }

    @Override
    public Tensor outputHessianVectorProduct(Tensor logits, Tensor v) {
        checkLogits(logits);
        Tensor p = logits.softmax(1);
        Tensor pv = p.mul(v);
        return pv.sub(p.mul(pv.sum(new int[] {1}, true))).div(caseDivisor(logits));
    }

    @Override
    public Reduction reduction() {
        return reduction;
    }

    /** Per case the loss is one number, so MEAN and BATCH_MEAN both divide by N. */
    @Override
    public double caseDivisor(Tensor logits) {
        return reduction == Reduction.SUM ? 1 : logits.dim(0);
    }

    private static void checkLogits(Tensor logits) {
        if (logits.rank() != 2) throw new IllegalArgumentException("SoftmaxCrossEntropy: logits must be [N, K], got shape " + logits.shape());
    }

    /** Rows e_{label} of the K×K identity for labels {@code [N]} given as float values, on the labels' device. */
    public static Tensor oneHot(Tensor labels, int classes) {
        double[] l = labels.toDoubleArray();
        double[] out = new double[l.length * classes];
        for (int i = 0; i < l.length; i++) {
            int c = (int) l[i];
            if (c != l[i] || c < 0 || c >= classes) {
                throw new IllegalArgumentException("oneHot: label " + l[i] + " at position " + i + " is not a class index in [0, " + classes + ")");
            }
            out[i * classes + c] = 1;
        }
        return Tensor.of(out, l.length, classes).to(labels.device());
    }
}
