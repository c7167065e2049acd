package org.panopt.optim.first;

import org.panopt.optim.Chain;
import org.panopt.optim.GradientTransformation;
import org.panopt.optim.HyperParams;
import org.panopt.optim.Hyper;
import org.panopt.optim.Scale;
import org.panopt.optim.UpdateRule;

/**
 * Stochastic gradient descent with momentum, dampening and Nesterov, exactly as {@code torch.optim.SGD}:
 * <pre>
 *   g ← ∇L(θ) + λθ                              (weight_decay λ: coupled L2, on the gradient)
 *   b ← g at the first step, else μb + (1 − τ)g  (momentum μ, dampening τ)
 *   d ← g + μb (nesterov)  or  b  (or g when μ = 0)
 *   θ ← θ − η d
 * </pre>
 * As a chain: {@link AddDecayedWeights}(λ) → {@link Trace}(μ, τ, nesterov) → {@link Scale#byLearningRate}(η).
 * The Nesterov form here is PyTorch's reformulation (Sutskever et al.'s look-ahead rewritten in terms of
 * the current gradient); {@code SutskeverNesterov} is the original form with the μ schedule.
 *
 * <p>Hyper-parameters (defaults as PyTorch): {@code lr} 1e-3, {@code momentum} 0, {@code dampening} 0,
 * {@code weight_decay} 0, {@code nesterov} false. Stricter than PyTorch: μ must lie in [0, 1) and τ in [0, 1].
 */
public final class Sgd implements UpdateRule {
    private final HyperParams defaults;

    private Sgd(HyperParams defaults) {
        this.defaults = defaults;
        transformation(defaults); // checks them
    }

    /** SGD with PyTorch's defaults. */
    public static Sgd create() {
        return builder().build();
    }

    /** Plain SGD, θ ← θ − ηg. */
    public static Sgd create(double lr) {
        return builder().lr(lr).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The transformation for the given hyper-parameters (optax style, without the facade). */
    public static GradientTransformation<?> transformation(double lr, double momentum, double dampening, boolean nesterov, double weightDecay) {
        Hyper.checkLearningRate(lr);
        return Chain.of(new AddDecayedWeights(weightDecay), new Trace(momentum, dampening, nesterov), Scale.byLearningRate(lr));
    }

    @Override
    public String name() {
        return "SGD";
    }

    @Override
    public HyperParams defaults() {
        return defaults;
    }

    @Override
    public GradientTransformation<?> transformation(HyperParams h) {
        return transformation(h.get("lr"), h.get("momentum"), h.get("dampening"), h.flag("nesterov"), h.get("weight_decay"));
    }

    /** Defaults for an {@link Sgd} rule. */
    public static final class Builder {
        private double lr = 1e-3;
        private double momentum;
        private double dampening;
        private double weightDecay;
        private boolean nesterov;

        public Builder lr(double v) {
            lr = v;
            return this;
        }

        public Builder momentum(double v) {
            momentum = v;
            return this;
        }

        public Builder dampening(double v) {
            dampening = v;
            return this;
        }

        public Builder weightDecay(double v) {
            weightDecay = v;
            return this;
        }

        public Builder nesterov(boolean v) {
            nesterov = v;
            return this;
        }

        public Sgd build() {
            return new Sgd(HyperParams.of("lr", lr, "momentum", momentum, "dampening", dampening, "weight_decay", weightDecay, "nesterov", nesterov));
        }
    }
}
