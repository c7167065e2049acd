package org.panopt.optim.adaptive;

import java.util.Collections;
import java.util.List;
import org.panopt.optim.Chain;
import org.panopt.optim.GradientTransformation;
import org.panopt.optim.Hyper;
import org.panopt.optim.LearningRateState;
import org.panopt.optim.OptState;
import org.panopt.optim.StepContext;
import org.panopt.tensor.Tensor;

/**
 * Hypergradient descent on the learning rate (Baydin et al. 2018, arXiv:1703.04782; {@code spec/adaptive-lr.md}
 * C.1), around any step direction d_t of the wrapped transformation (update u_t = −α_t d_t):
 * <pre>
 *   h_t = g_t · ∇_α u_{t−1} = −g_t · d_{t−1}      (one dot product over all parameters of the group; h₁ = 0)
 *   α_t = α_{t−1} − β h_t                           (updated first, then used in the same step)
 *   θ_t = θ_{t−1} − α_t d_t
 * </pre>
 * SGD-HD: d = g; SGDN-HD: d = g + μv (PyTorch Nesterov); Adam-HD: d = m̂/(√v̂ + ε). Weight decay is folded
 * into g before h (place {@code AddDecayedWeights} before this transformation in the chain). The official
 * code updates α per parameter tensor inside its loop; the paper, and this, use one global dot product.
 * Baydin et al. do not bound α (their SGDN-HD run ends at α = −2e-4); {@code lowerBound} = −∞ is that. The
 * Ravaut–Gorti first-order rule with analytic f′(η_t) = −d_tᵀg_{t+1} is this rule with β = α_RG and the bound
 * η ≥ δ ({@link AdaptiveRules#ravautGortiFirstOrder}).
 *
 * @param direction  the wrapped transformation (its output is d)
 * @param initialLr  α₀
 * @param hyperLr    β, the hypergradient learning rate
 * @param lowerBound α is clamped to at least this (−∞ for none)
 */
public record HypergradientDescent(GradientTransformation<?> direction, double initialLr, double hyperLr, double lowerBound)
        implements GradientTransformation<HypergradientDescent.HdState> {

    /**
     * @param count             steps taken
     * @param lr                α of the last step (and the start of the next)
     * @param hypergradient     h of the last step
     * @param previousDirection d of the last step (null before the first)
     * @param inner             the wrapped transformation's state
     */
    public record HdState(long count, double lr, double hypergradient, List<Tensor> previousDirection, OptState inner) implements LearningRateState {
        public HdState {
            previousDirection = OptState.tensors(previousDirection);
        }

        @Override
        public double learningRate() {
            return lr;
        }

        @Override
        public HdState withLearningRate(double v) {
            return new HdState(count, Hyper.checkLearningRate(v), hypergradient, previousDirection, inner);
        }
    }

    public HypergradientDescent {
        Hyper.checkLearningRate(initialLr);
        Hyper.nonNegative("hypergrad_lr", hyperLr);
        if (Double.isNaN(lowerBound)) throw new IllegalArgumentException("lower bound on the learning rate must not be NaN");
    }

    @Override
    public HdState init(List<Tensor> params) {
        return new HdState(0, initialLr, 0, Collections.nCopies(params.size(), null), direction.init(params));
    }

    @Override
    public Update<HdState> update(List<Tensor> updates, HdState s, List<Tensor> params, StepContext context) {
        double h = s.previousDirection().getFirst() == null ? 0 : -LineProbes.dot(updates, s.previousDirection());
        double lr = s.lr() - hyperLr * h;
        if (!Double.isFinite(lr)) lr = s.lr();
        lr = Math.max(lr, lowerBound);
        Update<OptState> inner = Chain.apply(direction, updates, s.inner(), params, context);
        return new Update<>(LineProbes.step(inner.updates(), lr), new HdState(s.count() + 1, lr, h, inner.updates(), inner.state()));
    }
}
