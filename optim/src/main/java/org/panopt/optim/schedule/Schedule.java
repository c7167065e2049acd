package org.panopt.optim.schedule;

import java.util.Arrays;
import org.panopt.optim.Hyper;

/**
 * A learning-rate schedule: the rate at step (or epoch) t = 0, 1, … for a group whose initial rate is
 * {@code base} — torch's {@code LRScheduler} closed forms, optax's schedules as functions of the count.
 * {@link LrScheduler} applies one to an {@link org.panopt.optim.Optimizer}'s groups.
 */
@FunctionalInterface
public interface Schedule {

    double learningRate(long t, double base);

    /** η_t = base. */
    static Schedule constant() {
        return (t, base) -> base;
    }

    /** η_t = base·γ^⌊t/stepSize⌋ (torch {@code StepLR}). */
    static Schedule step(long stepSize, double gamma) {
        if (stepSize <= 0) throw new IllegalArgumentException("Invalid step_size value: " + stepSize + " (must be > 0)");
        Hyper.nonNegative("gamma", gamma);
        return (t, base) -> base * Math.pow(gamma, Math.floorDiv(t, stepSize));
    }

    /** η_t = base·γ^(number of milestones ≤ t) (torch {@code MultiStepLR}); milestones strictly increasing. */
    static Schedule multiStep(long[] milestones, double gamma) {
        long[] m = milestones.clone();
        for (int i = 1; i < m.length; i++) {
            if (m[i] <= m[i - 1]) throw new IllegalArgumentException("milestones must be strictly increasing, got " + Arrays.toString(milestones));
        }
        Hyper.nonNegative("gamma", gamma);
        return (t, base) -> {
            int passed = 0;
            while (passed < m.length && m[passed] <= t) passed++;
            return base * Math.pow(gamma, passed);
        };
    }

    /** η_t = base·γ^t (torch {@code ExponentialLR}). */
    static Schedule exponential(double gamma) {
        Hyper.nonNegative("gamma", gamma);
        return (t, base) -> base * Math.pow(gamma, t);
    }

    /**
     * η_t = base/(β + t): the 1/t decay of stochastic approximation (Robbins–Monro). Note η₀ = base/β: for a
     * schedule that starts at η₀ pass base = η₀·β (then η_t = η₀β/(β + t), LeCun's form).
     */
    static Schedule inverseTime(double beta) {
        Hyper.positive("beta", beta);
        return (t, base) -> base / (beta + t);
    }

    /**
     * Linear warm-up from base·startFactor to base over {@code warmup} steps, then cosine annealing to
     * {@code minLr} at step {@code total}, held there afterwards (torch's {@code SequentialLR(LinearLR,
     * CosineAnnealingLR)} in closed form, except that torch's cosine rises again after T_max; optax's
     * {@code warmup_cosine_decay_schedule} holds, as here):
     * <pre>
     *   t &lt; w:  η_t = base·(s + (1 − s)·t/w)
     *   t ≥ w:  η_t = η_min + (base − η_min)·(1 + cos(π·min(t − w, T − w)/(T − w)))/2
     * </pre>
     */
    static Schedule cosineWithWarmup(long warmup, long total, double minLr, double startFactor) {
        if (warmup < 0 || total <= warmup) throw new IllegalArgumentException("cosine schedule: need 0 <= warmup (" + warmup + ") < total (" + total + ")");
        Hyper.nonNegative("min_lr", minLr);
        Hyper.closedUnitInterval("start_factor", startFactor);
        return (t, base) -> {
            if (t < warmup) return base * (startFactor + (1 - startFactor) * t / warmup);
            double progress = Math.min(t - warmup, total - warmup) / (double) (total - warmup);
            return minLr + (base - minLr) * (1 + Math.cos(Math.PI * progress)) / 2;
        };
    }
}
