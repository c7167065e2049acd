package org.panopt.data;

import java.util.function.IntToDoubleFunction;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * Standardization z = (x − μ)/σ with statistics fitted on one data set (the training set) and applied
 * to any other (validation, test), as scikit-learn's {@code StandardScaler} and torchvision's
 * {@code Normalize}. σ is the population standard deviation (divisor N, as {@code StandardScaler});
 * where σ = 0 — constant features, such as MNIST's border pixels — it is replaced by 1, so those
 * features become 0 rather than NaN. Statistics are accumulated in double; μ and σ take the data's dtype.
 *
 * @param mean μ, shaped to broadcast against the data ({@code [features…]} or {@code [C, 1, 1]})
 * @param std σ (zeros replaced by 1), same shape
 */
public record Standardizer(Tensor mean, Tensor std) {

    public Standardizer {
        if (!mean.shape().equals(std.shape())) throw new IllegalArgumentException("mean " + mean.shape() + " and std " + std.shape() + " differ in shape");
    }

    /** Per-feature statistics over the examples (axis 0): μ and σ have the shape of one example. */
    public static Standardizer fit(Tensor x) {
        if (x.rank() < 1 || x.dim(0) == 0) throw new IllegalArgumentException("cannot fit a standardizer on " + x.shape());
        int n = x.dim(0);
        int features = x.size() / n;
        IntToDoubleFunction v = elements(x);
        double[] mu = new double[features];
        for (int i = 0; i < n; i++) for (int j = 0; j < features; j++) mu[j] += v.applyAsDouble(i * features + j);
        for (int j = 0; j < features; j++) mu[j] /= n;
        double[] sd = new double[features];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < features; j++) {
                double d = v.applyAsDouble(i * features + j) - mu[j];
                sd[j] += d * d;
            }
        }
        for (int j = 0; j < features; j++) sd[j] = Math.sqrt(sd[j] / n);
        return of(mu, sd, x.dtype(), x.shape().dropFirst().dims());
    }

    /** Per-channel statistics of images {@code [N, C, H, W]} over examples and pixels: μ, σ of shape {@code [C, 1, 1]}. */
    public static Standardizer fitPerChannel(Tensor images) {
        if (images.rank() != 4) throw new IllegalArgumentException("per-channel statistics need images [N, C, H, W], not " + images.shape());
        int n = images.dim(0);
        int c = images.dim(1);
        int hw = images.dim(2) * images.dim(3);
        if (n * hw == 0) throw new IllegalArgumentException("cannot fit a standardizer on " + images.shape());
        IntToDoubleFunction v = elements(images);
        double count = (double) n * hw;
        double[] mu = new double[c];
        double[] sd = new double[c];
        for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            for (int i = 0; i < n; i++) for (int p = 0, at = (i * c + ch) * hw; p < hw; p++) sum += v.applyAsDouble(at + p);
            mu[ch] = sum / count;
            double ss = 0;
            for (int i = 0; i < n; i++) {
                for (int p = 0, at = (i * c + ch) * hw; p < hw; p++) {
                    double d = v.applyAsDouble(at + p) - mu[ch];
                    ss += d * d;
                }
            }
            sd[ch] = Math.sqrt(ss / count);
        }
        return of(mu, sd, images.dtype(), c, 1, 1);
    }

    /** Element k of x (row-major), read from its storage without copying float32 CPU tensors. */
    private static IntToDoubleFunction elements(Tensor x) {
        if (x.dtype() == DType.FLOAT64) {
            double[] d = x.toDoubleArray();
            return k -> d[k];
        }
        HostArrays.Floats f = HostArrays.floats(x);
        float[] a = f.data();
        int offset = f.offset();
        return k -> a[offset + k];
    }

    private static Standardizer of(double[] mu, double[] sd, DType dtype, int... dims) {
        for (int j = 0; j < sd.length; j++) if (sd[j] == 0) sd[j] = 1;
        return new Standardizer(Tensor.of(mu, dims).to(dtype), Tensor.of(sd, dims).to(dtype));
    }

    /** (x − μ)/σ, broadcasting μ and σ over the leading axis; keeps x's dtype. */
    public Tensor apply(Tensor x) {
        return x.sub(mean.to(x.dtype())).div(std.to(x.dtype()));
    }

    /** x = z·σ + μ, the inverse of {@link #apply}. */
    public Tensor invert(Tensor z) {
        return z.mul(std.to(z.dtype())).add(mean.to(z.dtype()));
    }

    /** Standardized inputs of {@code data} (targets unchanged). */
    public Dataset apply(Dataset data) {
        return new Dataset(apply(data.inputs()), data.targets());
    }
}
