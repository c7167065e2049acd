package org.panopt.data;

import org.panopt.tensor.Tensor;

/**
 * Standardization z = (x − μ)/σ with statistics fitted on one data set (the training set) and applied
 * to any other (validation, test), as scikit-learn's {@code StandardScaler} and torchvision's
 * {@code Normalize}. σ is the population standard deviation (divisor N, as {@code StandardScaler});
 * where σ = 0 — constant features, such as MNIST's border pixels — it is replaced by 1, so those
 * features become 0 rather than NaN. Statistics are accumulated in double.
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
        HostArrays.Floats v = HostArrays.floats(x);
        double[] sum = new double[features];
        for (int i = 0; i < n; i++) {
            int row = v.offset() + i * features;
            for (int j = 0; j < features; j++) sum[j] += v.data()[row + j];
        }
        double[] mu = new double[features];
        for (int j = 0; j < features; j++) mu[j] = sum[j] / n;
        double[] ss = new double[features];
        for (int i = 0; i < n; i++) {
            int row = v.offset() + i * features;
            for (int j = 0; j < features; j++) {
                double d = v.data()[row + j] - mu[j];
                ss[j] += d * d;
            }
        }
        float[] m = new float[features];
        float[] s = new float[features];
        for (int j = 0; j < features; j++) {
            m[j] = (float) mu[j];
            double sd = Math.sqrt(ss[j] / n);
            s[j] = sd == 0 ? 1 : (float) sd;
        }
        int[] sample = x.shape().dropFirst().dims();
        return new Standardizer(HostArrays.wrap(m, sample), HostArrays.wrap(s, sample));
    }

    /** Per-channel statistics of images {@code [N, C, H, W]} over examples and pixels: μ, σ of shape {@code [C, 1, 1]}. */
    public static Standardizer fitPerChannel(Tensor images) {
        if (images.rank() != 4) throw new IllegalArgumentException("per-channel statistics need images [N, C, H, W], not " + images.shape());
        int n = images.dim(0);
        int c = images.dim(1);
        int hw = images.dim(2) * images.dim(3);
        if (n * hw == 0) throw new IllegalArgumentException("cannot fit a standardizer on " + images.shape());
        HostArrays.Floats v = HostArrays.floats(images);
        float[] m = new float[c];
        float[] s = new float[c];
        for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                int at = v.offset() + (i * c + ch) * hw;
                for (int p = 0; p < hw; p++) sum += v.data()[at + p];
            }
            double mu = sum / ((double) n * hw);
            double ss = 0;
            for (int i = 0; i < n; i++) {
                int at = v.offset() + (i * c + ch) * hw;
                for (int p = 0; p < hw; p++) {
                    double d = v.data()[at + p] - mu;
                    ss += d * d;
                }
            }
            double sd = Math.sqrt(ss / ((double) n * hw));
            m[ch] = (float) mu;
            s[ch] = sd == 0 ? 1 : (float) sd;
        }
        return new Standardizer(HostArrays.wrap(m, c, 1, 1), HostArrays.wrap(s, c, 1, 1));
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
