package org.panopt.nn;

import java.util.SplittableRandom;
import org.panopt.init.Initializer;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * y = x·Wᵀ + b with W {@code [out, in]} and b {@code [out]} (optional), on inputs {@code [..., in]}.
 * Initialized as PyTorch does (U[−1/√in, 1/√in] for W and b); {@link #initialize} applies any other
 * {@link Initializer}.
 */
public class Linear extends Module {
    private final int in;
    private final int out;
    private final Tensor weight;
    private final Tensor bias;

    public Linear(int in, int out, boolean bias, SplittableRandom rng) {
        this(in, out, bias, DType.FLOAT32, rng);
    }

    public Linear(int in, int out, boolean bias, DType dtype, SplittableRandom rng) {
        if (in <= 0 || out <= 0) throw new IllegalArgumentException("Linear(" + in + ", " + out + "): sizes must be positive");
        this.in = in;
        this.out = out;
        Initializer init = Initializer.uniformFanIn(in);
        this.weight = registerParameter("weight", init.fill(Tensor.zeros(dtype, out, in), rng));
        this.bias = bias ? registerParameter("bias", init.fill(Tensor.zeros(dtype, out), rng)) : null;
    }

    /** Re-initializes W with {@code weightInit} and b (if any) with {@code biasInit}; returns this. */
    public Linear initialize(Initializer weightInit, Initializer biasInit, SplittableRandom rng) {
        weightInit.fill(weight, rng);
        if (bias != null) biasInit.fill(bias, rng);
        return this;
    }

    @Override
    protected Tensor compute(Tensor x) {
        if (x.rank() == 0 || x.dim(-1) != in) {
            throw new IllegalArgumentException("Linear(" + in + " → " + out + "): input shape " + x.shape() + " does not end in " + in);
        }
        Tensor y = x.matmul(weight, false, true);
        return bias == null ? y : y.add(bias);
    }

    public Tensor weight() {
        return weight;
    }

    /** The bias, or null when the layer has none. */
    public Tensor bias() {
        return bias;
    }

    public boolean hasBias() {
        return bias != null;
    }

    public int inFeatures() {
        return in;
    }

    public int outFeatures() {
        return out;
    }

    /**
     * The homogeneous-coordinate view the K-FAC paper uses: W̄ = [W b] ({@code [out, in+1]}), so that
     * y = W̄·[x; 1]. Without a bias, W itself. A copy that stays attached to the graph.
     */
    public Tensor homogeneousWeight() {
        return bias == null ? weight : Tensor.concat(1, weight, bias.reshape(out, 1));
    }

    @Override
    protected String describe() {
        return "Linear(" + in + " → " + out + (bias == null ? ", no bias" : "") + ")";
    }
}
