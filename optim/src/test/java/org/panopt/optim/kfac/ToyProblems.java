package org.panopt.optim.kfac;

import java.util.SplittableRandom;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/** Small deterministic data sets for the K-FAC tests. */
final class ToyProblems {
    private ToyProblems() {}

    /**
     * Autoencoder data: {@code n} cases of {@code dim} pixel intensities in (0, 1), σ of a random linear map of a
     * {@code latent}-dimensional Gaussian code — so a bottleneck of that width can reconstruct them.
     */
    static Tensor lowRankImages(int n, int dim, int latent, DType dtype, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor code = Tensor.randn(rng, DType.FLOAT64, n, latent);
        Tensor map = Tensor.randn(rng, DType.FLOAT64, latent, dim).mul(2.0 / Math.sqrt(latent));
        return code.matmul(map).sigmoid().to(dtype);
    }
}
