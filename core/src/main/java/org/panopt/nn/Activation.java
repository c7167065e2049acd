package org.panopt.nn;

import org.panopt.tensor.Tensor;

/**
 * Elementwise non-linearities as layers. The lecture's point about vanishing gradients is visible in
 * their derivatives: σ' = σ(1 − σ) ≤ ¼, tanh' = 1 − tanh² ≤ 1, ReLU' ∈ {0, 1}.
 */
public final class Activation extends Module {

    /** The functions offered. */
    public enum Kind { IDENTITY, RELU, LEAKY_RELU, TANH, SIGMOID, SOFTPLUS, ELU, GELU }

    private final Kind kind;
    private final double alpha;

    private Activation(Kind kind, double alpha) {
        this.kind = kind;
        this.alpha = alpha;
    }

    public static Activation identity() { return new Activation(Kind.IDENTITY, 0); }
    public static Activation relu() { return new Activation(Kind.RELU, 0); }
    /** max(x, 0) + slope·min(x, 0); PyTorch's default slope is 0.01. */
    public static Activation leakyRelu(double slope) { return new Activation(Kind.LEAKY_RELU, slope); }
    public static Activation tanh() { return new Activation(Kind.TANH, 0); }
    public static Activation sigmoid() { return new Activation(Kind.SIGMOID, 0); }
    public static Activation softplus() { return new Activation(Kind.SOFTPLUS, 0); }
    /** x for x > 0, α(eˣ − 1) otherwise (Clevert et al. 2016); PyTorch's default α is 1. */
    public static Activation elu(double alpha) { return new Activation(Kind.ELU, alpha); }
    /** x·Φ(x) with the exact normal CDF Φ(x) = (1 + erf(x/√2))/2, PyTorch's default GELU. */
    public static Activation gelu() { return new Activation(Kind.GELU, 0); }

    /** The activation of this kind with its default parameter. */
    public static Activation of(Kind kind) {
        return switch (kind) {
            case LEAKY_RELU -> leakyRelu(0.01);
            case ELU -> elu(1);
            default -> new Activation(kind, 0);
        };
    }

    public Kind kind() {
        return kind;
    }

    @Override
    protected Tensor compute(Tensor x) {
        return switch (kind) {
            case IDENTITY -> x;
            case RELU -> x.relu();
            case LEAKY_RELU -> x.relu().add(x.min(0).mul(alpha));
            case TANH -> x.tanh();
            case SIGMOID -> x.sigmoid();
            case SOFTPLUS -> x.softplus();
            case ELU -> Tensor.where(x.gt(0), x, x.min(0).expm1().mul(alpha));
            case GELU -> x.mul(x.mul(1 / Math.sqrt(2)).erf().add(1).mul(0.5));
        };
    }

    @Override
    protected String describe() {
        return switch (kind) {
            case LEAKY_RELU -> "LeakyReLU(" + alpha + ")";
            case ELU -> "ELU(" + alpha + ")";
            default -> kind.name().charAt(0) + kind.name().substring(1).toLowerCase();
        };
    }
}
