package org.panopt.optim.kfac;

import java.util.LinkedHashMap;
import java.util.Map;
import org.panopt.nn.Module;
import org.panopt.optim.GradientTransformation;
import org.panopt.optim.HyperParams;
import org.panopt.optim.OptState;
import org.panopt.optim.Optimizer;
import org.panopt.optim.UpdateRule;

/**
 * K-FAC, Kronecker-factored approximate curvature (Martens &amp; Grosse, ICML 2015; the full algorithm of the
 * arXiv version as restored in {@code spec/kfac.md}): an approximate natural-gradient method whose
 * curvature is, per layer, a Kronecker product Ā ⊗ G of the second moments of the layer's homogeneous
 * inputs ā and of the derivatives g of its outputs with targets sampled from the model — block-diagonal
 * F̆ or block-tridiagonal F̂ across layers — made robust by factored Tikhonov damping γ, re-scaling and
 * momentum from the exact-Fisher quadratic model (α, μ), and Levenberg–Marquardt adaptation of λ.
 *
 * <pre>{@code
 * Optimizer opt = Optimizer.of(Kfac.builder(model).build(), model);
 * for (each batch) opt.step(new ModuleObjective(model, new SigmoidCrossEntropy(Reduction.BATCH_MEAN), x, y));
 * KfacReport r = Kfac.report(opt);    // λ, γ, α, μ, ρ, π per layer, predicted vs actual reduction
 * }</pre>
 *
 * <p>Every curved parameter must belong to a {@code Linear} or {@code Conv2d} layer of the model (convolutions
 * with the KFC factors of Grosse &amp; Martens 2016, block-diagonal only). The loss must be a negative
 * log-likelihood that knows its predictive distribution (every {@code nn.loss.Loss} does); any reduction works
 * — the factors are scaled to the curvature of the objective as reduced. {@code step(Objective)} with a
 * {@code ModelObjective} is required: K-FAC re-evaluates the model on the batch. There is no learning rate:
 * α is chosen by the quadratic model. For small noisy batches with a fixed learning rate use
 * {@link KfacPreconditioner}.
 *
 * <p>Hyper-parameters (the paper's constants as defaults, see {@link KfacConfig}): {@code lambda} 150,
 * {@code l2} 1e-5, {@code gamma} √(λ₀+η), {@code lambda_interval} 5, {@code gamma_interval} 20,
 * {@code inverse_interval} 20, {@code early_refresh} 3, {@code lambda_decay} 0.95⁵, {@code gamma_decay}
 * 0.95^10, {@code rho_low} 0.25, {@code rho_high} 0.75, {@code min_lambda} 1e-8, {@code max_lambda} 1e8,
 * {@code min_gamma} 1e-8, {@code max_gamma} 1e8, {@code stats_decay} 0.95, {@code stats_fraction} 1/8,
 * {@code fisher_fraction} 1/4, {@code momentum} true, {@code tridiagonal} false, {@code rho_with_lambda}
 * false, {@code empirical_fisher} false, {@code reduction_every_step} false, {@code seed} 0. λ₀ and γ₀ are
 * initial values: λ and γ then live in the state.
 */
public final class Kfac implements UpdateRule {
    private final Module model;
    private final HyperParams defaults;

    private Kfac(Module model, HyperParams defaults) {
        if (model == null) throw new IllegalArgumentException("K-FAC: the model must not be null");
        this.model = model;
        this.defaults = defaults;
        KfacConfig.from(defaults); // checks them
    }

    /** A builder with the paper's constants, for K-FAC on {@code model}. */
    public static Builder builder(Module model) {
        return new Builder(model);
    }

    /** The paper's hyper-parameters, without a model (for {@link KfacConfig#paper()}). */
    static Builder builder() {
        return new Builder(null);
    }

    @Override
    public String name() {
        return "K-FAC";
    }

    @Override
    public HyperParams defaults() {
        return defaults;
    }

    @Override
    public GradientTransformation<?> transformation(HyperParams hyper) {
        return new AdaptiveKfac(model, KfacConfig.from(hyper));
    }

    /** The model whose layers this rule curves. */
    public Module model() {
        return model;
    }

    /** The last step's report of group 0 of an optimizer running K-FAC. */
    public static KfacReport report(Optimizer optimizer) {
        return report(optimizer.state(0));
    }

    /** The report of the first {@link KfacState} in a state tree (K-FAC alone or inside a chain). */
    public static KfacReport report(OptState state) {
        KfacState s = find(state);
        if (s == null) throw new IllegalArgumentException("no K-FAC state in " + state.getClass().getSimpleName());
        return s.report();
    }

    /** The first {@link KfacState} in a state tree, or null. */
    public static KfacState find(OptState state) {
        if (state instanceof KfacState k) return k;
        for (var c : state.getClass().getRecordComponents()) {
            try {
                Object v = c.getAccessor().invoke(state);
                if (v instanceof OptState s && find(s) instanceof KfacState k) return k;
                if (v instanceof java.util.List<?> l) for (Object e : l) if (e instanceof OptState s && find(s) instanceof KfacState k) return k;
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + state.getClass().getName() + "." + c.getName(), e);
            }
        }
        return null;
    }

    /** Hyper-parameter defaults for a {@link Kfac} rule; every constant of the paper is settable. */
    public static final class Builder {
        private final Module model;
        private final Map<String, Object> values = new LinkedHashMap<>();
        private boolean gammaSet; // γ₀ follows √(λ₀ + η) until set explicitly

        private Builder(Module model) {
            this.model = model;
            double lambda = 150;
            double l2 = 1e-5;
            values.put("lambda", lambda);
            values.put("l2", l2);
            values.put("gamma", Math.sqrt(lambda + l2));
            values.put("lambda_interval", 5);
            values.put("gamma_interval", 20);
            values.put("inverse_interval", 20);
            values.put("early_refresh", 3);
            values.put("lambda_decay", KfacSchedules.lambdaMultiplier(5));
            values.put("gamma_decay", KfacSchedules.gammaMultiplier(20));
            values.put("rho_low", 0.25);
            values.put("rho_high", 0.75);
            values.put("min_lambda", 1e-8);
            values.put("max_lambda", 1e8);
            values.put("min_gamma", 1e-8);
            values.put("max_gamma", 1e8);
            values.put("stats_decay", 0.95);
            values.put("stats_fraction", 1.0 / 8);
            values.put("fisher_fraction", 1.0 / 4);
            values.put("momentum", true);
            values.put("tridiagonal", false);
            values.put("rho_with_lambda", false);
            values.put("empirical_fisher", false);
            values.put("reduction_every_step", false);
            values.put("seed", 0);
        }

        /** λ₀; also resets γ₀ to √(λ₀ + η) unless γ₀ was set explicitly. */
        public Builder lambda(double v) {
            values.put("lambda", v);
            if (!gammaSet) values.put("gamma", Math.sqrt(v + (double) values.get("l2")));
            return this;
        }

        /** η, the ℓ2 coefficient; also resets γ₀ to √(λ₀ + η) unless γ₀ was set explicitly. */
        public Builder l2(double v) {
            values.put("l2", v);
            if (!gammaSet) values.put("gamma", Math.sqrt((double) values.get("lambda") + v));
            return this;
        }

        /** γ₀. */
        public Builder gamma(double v) {
            values.put("gamma", v);
            gammaSet = true;
            return this;
        }

        /** T₁; also sets ω₁ = (19/20)^{T₁}. */
        public Builder lambdaInterval(int t1) {
            values.put("lambda_interval", t1);
            values.put("lambda_decay", KfacSchedules.lambdaMultiplier(t1));
            return this;
        }

        /** T₂; also sets ω₂ = (√(19/20))^{T₂}. */
        public Builder gammaInterval(int t2) {
            values.put("gamma_interval", t2);
            values.put("gamma_decay", KfacSchedules.gammaMultiplier(t2));
            return this;
        }

        /** T₃. */
        public Builder inverseInterval(int t3) {
            return set("inverse_interval", t3);
        }

        /** Any hyper-parameter by name (see {@link Kfac}). */
        public Builder set(String name, Object value) {
            if (!values.containsKey(name)) throw new IllegalArgumentException("K-FAC has no hyper-parameter '" + name + "'; it has " + values.keySet());
            values.put(name, value);
            if (name.equals("gamma")) gammaSet = true;
            return this;
        }

        public Builder momentum(boolean on) {
            return set("momentum", on);
        }

        public Builder tridiagonal(boolean on) {
            return set("tridiagonal", on);
        }

        public Builder seed(long seed) {
            return set("seed", (double) seed);
        }

        HyperParams hyperParams() {
            Object[] flat = new Object[values.size() * 2];
            int i = 0;
            for (Map.Entry<String, Object> e : values.entrySet()) {
                flat[i++] = e.getKey();
                flat[i++] = e.getValue();
            }
            return HyperParams.of(flat);
        }

        public Kfac build() {
            if (model == null) throw new IllegalStateException("K-FAC: builder() without a model can only describe the defaults");
            return new Kfac(model, hyperParams());
        }
    }
}
