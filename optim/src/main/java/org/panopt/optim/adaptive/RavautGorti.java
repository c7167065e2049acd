package org.panopt.optim.adaptive;

import java.util.List;
import org.panopt.optim.Chain;
import org.panopt.optim.GradientTransformation;
import org.panopt.optim.Hyper;
import org.panopt.optim.LearningRateState;
import org.panopt.optim.Objective;
import org.panopt.optim.OptState;
import org.panopt.optim.StepContext;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * Learning-rate adaptation by finite differences of the line function (Ravaut &amp; Gorti 2018,
 * arXiv:1801.09136; {@code spec/adaptive-lr.md} B.2–B.6). With d the step direction of the wrapped
 * transformation (the gradient for the paper's plain SGD) and f(η) = L(w − ηd) on the current batch:
 * <pre>
 *   second order (eq. 16–19):  N = f(η+ε) − f(η−ε),   D = f(η+2ε) + f(η−2ε) − 2f(η) (+ δ, see smoothing)
 *                              s = 2ε·N/D,   η ← max(η − s, δ)
 *                              with momentum β (eq. 20–21): Δ ← βΔ − s,   η ← max(η + Δ, δ)
 *   first order (finite differences):  f′(η) ≈ (f(η+ε) − f(η−ε))/(2ε),   η ← max(η − α·f′(η), δ)
 * </pre>
 * Per step, as the paper lists it: the gradient g (and the direction d) at w; the probes at w − η'd through
 * {@link Objective#probe} (5 for second order, 2 for first order; forward passes only, the model left
 * exactly as found); the weight step w ← w − ηd with the <em>old</em> η; then η updated. The first-order rule
 * with the analytic f′(η_t) = −d_tᵀg_{t+1} is {@link HypergradientDescent} with a lower bound δ.
 *
 * <p><b>Precision.</b> With ε = 1e-5 the second difference is ≈ 4ε²f″ ≈ 4e-10·f″, pure rounding noise in
 * float32 (B.6). Probes run in float64 by default: the probe weights are built and the forward pass and the
 * loss are computed in float64 ({@link org.panopt.optim.ModuleObjective#withProbeModel} for a float32 net).
 * {@code probePrecision = FLOAT32} is an explicit option for emulating the original float32 runs.
 *
 * <p><b>Smoothing.</b> The paper adds δ to D "when it is ≈ 0" without a threshold. {@code smoothingThreshold
 * = +∞} (the default) adds δ always, the formula as the issue states it; a finite τ adds δ only when |D| &lt; τ.
 * Note that with ε = 1e-5 and δ = 1e-6, adding δ always dominates D whenever f″ ≲ 2500 and then shrinks the
 * Newton step by D/(D + δ).
 *
 * <p><b>Safeguards.</b> Faithful to the paper there is no sign guard: a concave f (D &lt; 0) moves η the other
 * way, and the clamp η ≥ δ keeps it positive. A non-finite step (a probe loss that is NaN or ∞, D + δ = 0)
 * leaves η unchanged (and resets the η-momentum), so η is never negative or NaN.
 *
 * @param direction          the wrapped transformation whose output d is the step direction (descent is −ηd)
 * @param secondOrder        the Newton rule (5 probes) or the first-order finite-difference rule (2 probes)
 * @param initialLr          η₀
 * @param metaLr             α of the first-order rule (ignored by the second-order rule)
 * @param eps                ε, the probe spacing (1e-5)
 * @param delta              δ, the smoothing and the lower bound on η (1e-6)
 * @param momentum           β of the η-momentum, 0 for none (second order)
 * @param smoothingThreshold τ: add δ to D when |D| &lt; τ; +∞ adds it always
 * @param probePrecision     FLOAT64 (default) or FLOAT32 (explicit emulation of float32 runs)
 */
public record RavautGorti(GradientTransformation<?> direction, boolean secondOrder, double initialLr, double metaLr, double eps, double delta,
                          double momentum, double smoothingThreshold, DType probePrecision) implements GradientTransformation<RavautGorti.RgState> {

    /**
     * The adapted η and what the last step measured (for plots).
     *
     * @param count      steps taken
     * @param eta        the η the next step will use
     * @param velocity   Δ of the η-momentum
     * @param lossAtStep f(η) of the last step: the loss on its batch after its weight step (NaN before the first)
     * @param etaStep    the change the rule asked for at the last step (−s, or −α f′), before the clamp
     * @param curvature  D of the last step, before smoothing (second order; NaN for first order)
     * @param inner      the wrapped transformation's state
     */
    public record RgState(long count, double eta, double velocity, double lossAtStep, double etaStep, double curvature, OptState inner)
            implements LearningRateState {
        @Override
        public double learningRate() {
            return eta;
        }

        @Override
        public RgState withLearningRate(double lr) {
            return new RgState(count, Hyper.checkLearningRate(lr), velocity, lossAtStep, etaStep, curvature, inner);
        }
    }

    public RavautGorti {
        Hyper.checkLearningRate(initialLr);
        Hyper.nonNegative("meta_lr", metaLr);
        Hyper.positive("eps", eps);
        Hyper.nonNegative("delta", delta);
        Hyper.unitInterval("eta_momentum", momentum);
        if (!(smoothingThreshold >= 0)) throw new IllegalArgumentException("Invalid smoothing_threshold value: " + smoothingThreshold + " (must be >= 0)");
        if (probePrecision == null) throw new IllegalArgumentException("probePrecision must not be null");
    }

    @Override
    public RgState init(List<Tensor> params) {
        return new RgState(0, initialLr, 0, Double.NaN, Double.NaN, Double.NaN, direction.init(params));
    }

    @Override
    public Update<RgState> update(List<Tensor> updates, RgState s, List<Tensor> params, StepContext context) {
        Objective objective = context.requireObjective(secondOrder ? "The Ravaut–Gorti second-order η rule" : "The Ravaut–Gorti finite-difference η rule");
        Update<OptState> inner = Chain.apply(direction, updates, s.inner(), params, context);
        List<Tensor> d = inner.updates();
        double eta = s.eta();
        double next;
        double velocity = s.velocity();
        double change;
        double curvature = Double.NaN;
        double lossAtStep;
        if (secondOrder) {
            double[] f = LineProbes.evaluate(objective, params, d, new double[] {eta - 2 * eps, eta - eps, eta, eta + eps, eta + 2 * eps}, probePrecision);
            lossAtStep = f[2];
            curvature = f[4] + f[0] - 2 * f[2];
            double den = Math.abs(curvature) < smoothingThreshold ? curvature + delta : curvature;
            double newton = 2 * eps * (f[3] - f[1]) / den;
            if (momentum > 0) {
                velocity = momentum * velocity - newton;
                change = velocity;
            } else {
                change = -newton;
            }
        } else {
            double[] f = LineProbes.evaluate(objective, params, d, new double[] {eta - eps, eta + eps}, probePrecision);
            lossAtStep = Double.NaN;
            change = -metaLr * (f[1] - f[0]) / (2 * eps);
        }
        next = eta + change;
        if (!Double.isFinite(next)) {
            next = eta;
            velocity = 0;
        }
        next = Math.max(next, delta);
        return new Update<>(LineProbes.step(d, eta), new RgState(s.count() + 1, next, velocity, lossAtStep, change, curvature, inner.state()));
    }
}
