package org.panopt.optim.first;

import org.panopt.optim.Chain;
import org.panopt.optim.GradientTransformation;
import org.panopt.optim.HyperParams;
import org.panopt.optim.Rule;
import org.panopt.optim.Scale;

/**
 * Adam (Kingma &amp; Ba 2015), AMSGrad (Reddi et al. 2018) and AdamW (Loshchilov &amp; Hutter 2019), step for
 * step as {@code torch.optim.Adam}/{@code AdamW}:
 * <pre>
 *   Adam:   g ← ∇L + λθ (coupled L2);  θ ← θ − η·m̂/(√v̂ + ε)
 *   AdamW:  θ ← θ − ηλθ − η·m̂/(√v̂ + ε)       (decoupled: λθ joins after the adaptive scaling)
 * </pre>
 * with m̂ = m/(1 − β₁ᵗ), √v̂ = √v/√(1 − β₂ᵗ) ({@link ScaleByAdam}; AMSGrad replaces v by its running maximum).
 * As chains: Adam = {@link AddDecayedWeights}(λ) → {@link ScaleByAdam} → ×(−η); AdamW = {@link ScaleByAdam} →
 * {@link AddDecayedWeights}(λ) → ×(−η). PyTorch's AdamW multiplies θ by (1 − ηλ) before adding the Adam step; the
 * two agree to rounding.
 *
 * <p>Hyper-parameters and PyTorch's defaults: {@code lr} 1e-3, {@code beta1} 0.9, {@code beta2} 0.999,
 * {@code eps} 1e-8, {@code weight_decay} 0 (AdamW: 1e-2), {@code amsgrad} false.
 */
public final class Adam {
    private Adam() {}

    /** Adam with PyTorch's defaults; {@code .with("lr", …)} to change them. */
    public static Rule rule() {
        return new Rule("Adam", defaults(0), h -> transformation(h, false));
    }

    /** AdamW with PyTorch's defaults (weight decay 1e-2, decoupled). */
    public static Rule adamW() {
        return new Rule("AdamW", defaults(1e-2), h -> transformation(h, true));
    }

    private static HyperParams defaults(double weightDecay) {
        return HyperParams.of("lr", 1e-3, "beta1", 0.9, "beta2", 0.999, "eps", 1e-8, "weight_decay", weightDecay, "amsgrad", false);
    }

    private static GradientTransformation<?> transformation(HyperParams h, boolean decoupled) {
        return transformation(h.get("lr"), h.get("beta1"), h.get("beta2"), h.get("eps"), h.get("weight_decay"), h.flag("amsgrad"), decoupled);
    }

    /** Adam ({@code decoupled = false}) or AdamW ({@code true}) as a transformation. */
    public static GradientTransformation<?> transformation(double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad,
                                                           boolean decoupled) {
        ScaleByAdam adam = new ScaleByAdam(beta1, beta2, eps, amsgrad);
        AddDecayedWeights decay = new AddDecayedWeights(weightDecay);
        Scale step = Scale.byLearningRate(lr);
        return decoupled ? Chain.of(adam, decay, step) : Chain.of(decay, adam, step);
    }
}
