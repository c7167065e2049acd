package org.panopt.optim.kfac;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.panopt.nn.Module;
import org.panopt.optim.GradientTransformation;
import org.panopt.optim.Hyper;
import org.panopt.optim.ModelObjective;
import org.panopt.optim.Objective;
import org.panopt.optim.OptState;
import org.panopt.optim.StepContext;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * The K-FAC preconditioner as a plain gradient transformation (kfac-pytorch's and alecwangcq's practical
 * K-FAC; the "fixed learning rate, momentum and damping" mode kfac-jax and tensorflow/kfac recommend for
 * small noisy batches): per curved layer
 * <pre>
 *   U_i = (G_i + (√d/π_i) I)⁻¹ ∇_{W̄_i}L (Ā_i + π_i√d I)⁻¹,        (factored Tikhonov for F + d·I, spec §4.2)
 *   ν   = min(1, √( κ / (η² · |Σ_i ⟨U_i, ∇_{W̄_i}L⟩|) )),             (KL-norm clipping, Ba et al. 2017)
 *   out = ν·U  on curved parameters,  the gradient itself on the others,
 * </pre>
 * with the factors re-estimated every {@code factorInterval} steps (model-sampled targets on a fraction of
 * the batch, decayed with ε = min(1 − 1/j, ε_max) over the j-th estimate) and the inverses recomputed every
 * {@code inverseInterval} steps. Followed in {@link KfacPreconditioner} by weight decay, momentum and −η. The
 * approximate-Fisher quadratic ν·ηUᵀ∇ bounds how far (in KL) one step moves the predictive distribution.
 *
 * @param model           the network whose Linear/Conv2d layers are preconditioned
 * @param damping         d ≥ 0 (added to the approximate Fisher; each factor gets √d, split by π)
 * @param klClip          κ &gt; 0, or 0 for no clipping
 * @param lr              η, for the clipping bound only (the step's −η is applied by the chain)
 * @param statisticsDecay ε_max
 * @param statisticsFraction fraction of the batch used for the statistics
 * @param factorInterval  statistics every this many steps (the first step always)
 * @param inverseInterval inverses every this many steps (the first step always)
 * @param empiricalFisher G from the data labels instead of model samples
 * @param seed            seeds the subsets and the sampled targets
 */
public record KfacPreconditioning(Module model, double damping, double klClip, double lr, double statisticsDecay,
                                  double statisticsFraction, int factorInterval, int inverseInterval, boolean empiricalFisher, long seed)
        implements GradientTransformation<KfacPreconditioning.PreconditionerState> {

    public KfacPreconditioning {
        if (model == null) throw new IllegalArgumentException("K-FAC preconditioner: the model must not be null");
        Hyper.positive("damping", damping);
        Hyper.nonNegative("kl_clip", klClip);
        Hyper.checkLearningRate(lr);
        Hyper.unitInterval("stats_decay", statisticsDecay);
        KfacConfig.fraction("stats_fraction", statisticsFraction);
        if (factorInterval < 1) throw new IllegalArgumentException("Invalid factor_interval value: " + factorInterval + " (must be >= 1)");
        if (inverseInterval < 1) throw new IllegalArgumentException("Invalid inverse_interval value: " + inverseInterval + " (must be >= 1)");
    }

    /**
     * Steps taken, statistics estimates taken, the running factors and cached inverses per curved layer, and
     * the last clipping factor ν.
     */
    public record PreconditionerState(long step, long estimates, List<KroneckerFactors> factors, List<LayerInverse> inverses, double lastScale)
            implements OptState {
        public PreconditionerState {
            factors = List.copyOf(factors);
            inverses = List.copyOf(inverses);
        }
    }

    @Override
    public PreconditionerState init(List<Tensor> params) {
        int layers = KfacLayer.discover(model, params, true).layers().size();
        return new PreconditionerState(0, 0, Collections.nCopies(layers, KroneckerFactors.EMPTY), Collections.nCopies(layers, KfacState.NO_INVERSE), Double.NaN);
    }

    @Override
    public Update<PreconditionerState> update(List<Tensor> gradient, PreconditionerState state, List<Tensor> params, StepContext context) {
        KfacLayer.Discovery found = KfacLayer.discover(model, params, true);
        List<KfacLayer> layers = found.layers();
        long k = state.step() + 1;
        long estimates = state.estimates();
        List<KroneckerFactors> factors = state.factors();
        if (state.step() % factorInterval == 0) {
            Objective objective = context.requireObjective("K-FAC preconditioner");
            if (!(objective instanceof ModelObjective mo) || mo.model() != model) {
                throw new IllegalStateException("K-FAC preconditioner: the step needs a ModelObjective of the model it was built for");
            }
            SplittableRandom rng = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * k));
            int m = mo.inputs().dim(0);
            int[] cases = BatchRows.sample(m, BatchRows.subsetSize(m, statisticsFraction), rng);
            List<KfacStatistics.LayerRows> rows = KfacStatistics.rows(mo, layers, cases,
                    empiricalFisher ? KfacStatistics.Targets.EMPIRICAL : KfacStatistics.Targets.SAMPLED, false, rng);
            estimates++;
            factors = KfacStatistics.decay(factors, rows, false, KfacSchedules.statisticsDecay(estimates, statisticsDecay));
        }
        List<LayerInverse> inverses = state.inverses();
        if (state.step() % inverseInterval == 0 || inverses.getFirst().outputInverse() == null) {
            inverses = BlockDiagonalInverse.build(factors, Math.sqrt(damping));
        }
        List<Tensor> grad = AdaptiveKfac.layerMatrices(layers, gradient, DType.FLOAT64);
        List<Tensor> u = BlockDiagonalInverse.apply(inverses, grad);
        double scale = 1;
        if (klClip > 0 && lr > 0) {
            double vg = Math.abs(Float64.dot(u, grad)) * lr * lr;
            if (vg > 0) scale = Math.min(1, Math.sqrt(klClip / vg));
        }
        List<Tensor> perParameter = AdaptiveKfac.toParameters(layers, Float64.scale(scale, u), params);
        List<Tensor> out = new ArrayList<>(params.size());
        for (int i = 0; i < params.size(); i++) out.add(perParameter.get(i).to(gradient.get(i).dtype()));
        for (int i : found.otherParameters()) out.set(i, gradient.get(i));
        return new Update<>(out, new PreconditionerState(k, estimates, factors, inverses, scale));
    }
}
