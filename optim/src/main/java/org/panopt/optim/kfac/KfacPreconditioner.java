package org.panopt.optim.kfac;

import org.panopt.nn.Module;
import org.panopt.optim.Chain;
import org.panopt.optim.GradientTransformation;
import org.panopt.optim.HyperParams;
import org.panopt.optim.Scale;
import org.panopt.optim.UpdateRule;
import org.panopt.optim.first.AddDecayedWeights;
import org.panopt.optim.first.Trace;

/**
 * Practical K-FAC for small noisy batches: the K-FAC preconditioner ({@link KfacPreconditioning}: fixed
 * damping, KL-norm clipping, factor and inverse update intervals) followed by SGD with momentum, as
 * kfac-pytorch and alecwangcq/KFAC-Pytorch do:
 * <pre>
 *   u ← ν·F̆_d⁻¹∇L (curved layers; others keep ∇L) → u + λθ → b ← μb + u → θ ← θ − η b
 * </pre>
 * Linear and Conv2d layers are preconditioned (block-diagonal); parameters of other layers (batch-norm
 * scales, …) get plain SGD with momentum. No quadratic model, no adaptive λ/γ: the hyper-parameters stay
 * as set — kfac-jax documents that its adaptive learning rate, momentum and damping work well only with
 * large batches, and recommends this mode otherwise.
 *
 * <p>Hyper-parameters: {@code lr} 0.01, {@code momentum} 0.9, {@code weight_decay} 0, {@code damping} 1e-3
 * (d in F + d·I; each factor gets √d, split by π — kfac-pytorch adds d to each factor without π, so equal
 * numbers mean different damping), {@code kl_clip} 1e-3 (0: off), {@code stats_decay} 0.95,
 * {@code stats_fraction} 1, {@code factor_interval} 1, {@code inverse_interval} 10, {@code empirical_fisher}
 * false, {@code seed} 0. Needs {@code step(ModelObjective)}: the statistics use targets sampled from the model.
 */
public final class KfacPreconditioner implements UpdateRule {
    private final Module model;
    private final HyperParams defaults;

    private KfacPreconditioner(Module model, HyperParams defaults) {
        this.model = model;
        this.defaults = defaults;
        transformation(defaults); // checks them
    }

    /** The defaults above for {@code model}. */
    public static KfacPreconditioner create(Module model) {
        return new KfacPreconditioner(model, HyperParams.of("lr", 0.01, "momentum", 0.9, "weight_decay", 0.0, "damping", 1e-3, "kl_clip", 1e-3,
                "stats_decay", 0.95, "stats_fraction", 1.0, "factor_interval", 1, "inverse_interval", 10, "empirical_fisher", false, "seed", 0));
    }

    /** This rule with some defaults replaced ({@code with("lr", 0.1, "damping", 0.01)}). */
    public KfacPreconditioner with(Object... namesAndValues) {
        return new KfacPreconditioner(model, defaults.merge(HyperParams.of(namesAndValues), name()));
    }

    @Override
    public String name() {
        return "K-FAC preconditioner";
    }

    @Override
    public HyperParams defaults() {
        return defaults;
    }

    @Override
    public GradientTransformation<?> transformation(HyperParams h) {
        double lr = h.get("lr");
        KfacPreconditioning precondition = new KfacPreconditioning(model, h.get("damping"), h.get("kl_clip"), lr, h.get("stats_decay"),
                h.get("stats_fraction"), KfacConfig.integer(h, "factor_interval"), KfacConfig.integer(h, "inverse_interval"),
                h.flag("empirical_fisher"), (long) h.get("seed"));
        return Chain.of(precondition, new AddDecayedWeights(h.get("weight_decay")), new Trace(h.get("momentum"), 0, false), Scale.byLearningRate(lr));
    }
}
