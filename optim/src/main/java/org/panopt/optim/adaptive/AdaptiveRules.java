package org.panopt.optim.adaptive;

import org.panopt.optim.Chain;
import org.panopt.optim.GradientTransformation;
import org.panopt.optim.HyperParams;
import org.panopt.optim.Rule;
import org.panopt.optim.first.AddDecayedWeights;
import org.panopt.optim.first.ScaleByAdam;
import org.panopt.optim.first.Trace;
import org.panopt.tensor.DType;

/**
 * The learning-rate adaptation methods as {@link Rule}s for the {@link org.panopt.optim.Optimizer} facade. Each
 * wraps a step direction — the plain gradient unless a {@code direction} is given (any transformation:
 * {@link Trace} for momentum, {@link ScaleByAdam} for Adam's direction, …) — and keeps its own η, which
 * {@code optimizer.learningRate()} reads after every step (record it for plots) and {@code setLearningRate}
 * overrides. Weight decay, when set, is coupled: λθ joins the gradient before the direction and before the
 * hypergradient.
 */
public final class AdaptiveRules {
    private AdaptiveRules() {}

    private static final GradientTransformation<?> GRADIENT = Chain.of();

    /**
     * Ravaut–Gorti second-order rule around the plain gradient. Hyper-parameters: {@code lr} (η₀, 0.01),
     * {@code eps} (1e-5), {@code delta} (1e-6), {@code eta_momentum} (β, 0 = off), {@code smoothing_threshold}
     * (+∞: δ always added), {@code float32_probes} (false), {@code weight_decay} (0).
     */
    public static Rule ravautGortiSecondOrder() {
        return ravautGortiSecondOrder(GRADIENT);
    }

    public static Rule ravautGortiSecondOrder(GradientTransformation<?> direction) {
        return new Rule("RavautGorti2", HyperParams.of("lr", 0.01, "eps", 1e-5, "delta", 1e-6, "eta_momentum", 0.0,
                "smoothing_threshold", Double.POSITIVE_INFINITY, "float32_probes", false, "weight_decay", 0.0),
                h -> withDecay(h, new RavautGorti(direction, true, h.get("lr"), 0, h.get("eps"), h.get("delta"), h.get("eta_momentum"),
                        h.get("smoothing_threshold"), precision(h))));
    }

    /**
     * Ravaut–Gorti first-order rule η ← max(η − α f′(η), δ). {@code analytic}: f′(η_t) = −d_tᵀ g_{t+1} from the
     * next gradient (no probes; {@link HypergradientDescent} bounded below by δ); otherwise central differences
     * of two probes at spacing ε. Hyper-parameters: {@code lr} (η₀), {@code meta_lr} (α), {@code eps},
     * {@code delta}, {@code float32_probes}, {@code weight_decay}.
     */
    public static Rule ravautGortiFirstOrder(boolean analytic) {
        return ravautGortiFirstOrder(analytic, GRADIENT);
    }

    public static Rule ravautGortiFirstOrder(boolean analytic, GradientTransformation<?> direction) {
        return new Rule(analytic ? "RavautGorti1" : "RavautGorti1FD", HyperParams.of("lr", 0.01, "meta_lr", 1e-6, "eps", 1e-5, "delta", 1e-6,
                "float32_probes", false, "weight_decay", 0.0),
                h -> withDecay(h, analytic
                        ? new HypergradientDescent(direction, h.get("lr"), h.get("meta_lr"), h.get("delta"))
                        : new RavautGorti(direction, false, h.get("lr"), h.get("meta_lr"), h.get("eps"), h.get("delta"), 0,
                                Double.POSITIVE_INFINITY, precision(h))));
    }

    /**
     * SGD-HD and SGDN-HD (Baydin et al.): {@code lr} (α₀, 1e-3), {@code hypergrad_lr} (β, 1e-3 as in the paper's
     * runs), {@code momentum} (0), {@code nesterov} (false), {@code weight_decay} (0). α is not bounded.
     */
    public static Rule sgdHd() {
        return new Rule("SGD-HD", HyperParams.of("lr", 1e-3, "hypergrad_lr", 1e-3, "momentum", 0.0, "nesterov", false, "weight_decay", 0.0),
                h -> withDecay(h, new HypergradientDescent(new Trace(h.get("momentum"), 0, h.flag("nesterov")), h.get("lr"), h.get("hypergrad_lr"),
                        Double.NEGATIVE_INFINITY)));
    }

    /**
     * Adam-HD (Baydin et al.): {@code lr} (α₀, 1e-3), {@code hypergrad_lr} (β, 1e-7 as in the paper's logistic
     * regression and MLP runs), {@code beta1}, {@code beta2}, {@code eps}, {@code weight_decay}.
     */
    public static Rule adamHd() {
        return new Rule("Adam-HD", HyperParams.of("lr", 1e-3, "hypergrad_lr", 1e-7, "beta1", 0.9, "beta2", 0.999, "eps", 1e-8, "weight_decay", 0.0),
                h -> withDecay(h, new HypergradientDescent(new ScaleByAdam(h.get("beta1"), h.get("beta2"), h.get("eps"), false), h.get("lr"),
                        h.get("hypergrad_lr"), Double.NEGATIVE_INFINITY)));
    }

    private static GradientTransformation<?> withDecay(HyperParams h, GradientTransformation<?> rule) {
        return Chain.of(new AddDecayedWeights(h.get("weight_decay")), rule);
    }

    private static DType precision(HyperParams h) {
        return h.flag("float32_probes") ? DType.FLOAT32 : DType.FLOAT64;
    }
}
