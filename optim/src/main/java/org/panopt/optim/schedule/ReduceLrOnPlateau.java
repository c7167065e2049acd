package org.panopt.optim.schedule;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.panopt.optim.Hyper;
import org.panopt.optim.Optimizer;

/**
 * Lowers the learning rate when a metric stops improving — torch's {@code ReduceLROnPlateau}, same rules:
 * <pre>
 *   better(a):  min/rel  a &lt; best·(1 − threshold)     min/abs  a &lt; best − threshold
 *               max/rel  a &gt; best·(1 + threshold)     max/abs  a &gt; best + threshold
 *   step(a):    if better(a): best ← a, bad ← 0  else bad ← bad + 1
 *               if cooling down: cooldown ← cooldown − 1, bad ← 0
 *               if bad &gt; patience: for each group η ← max(η·factor, min_lr_g) unless that changes η by ≤ eps;
 *                                    cooldown ← cooldown period, bad ← 0
 * </pre>
 * best starts at +∞ (min) or −∞ (max); a NaN metric counts as not better. Defaults as PyTorch: mode min,
 * factor 0.1, patience 10, threshold 1e-4 relative, cooldown 0, min_lr 0, eps 1e-8. The scale-amended SGD
 * experiments use mode max on validation accuracy, factor 0.5, patience 10.
 */
public final class ReduceLrOnPlateau {
    public enum Mode { MIN, MAX }

    public enum ThresholdMode { REL, ABS }

    private final Optimizer optimizer;
    private final Mode mode;
    private final double factor;
    private final int patience;
    private final ThresholdMode thresholdMode;
    private final double threshold;
    private final int cooldown;
    private final List<Double> minLrs;
    private final double eps;

    private double best;
    private int badEpochs;
    private int cooldownCounter;
    private long lastEpoch;

    private ReduceLrOnPlateau(Builder b) {
        if (!(b.factor < 1.0) || !(b.factor >= 0)) throw new IllegalArgumentException("Invalid factor value: " + b.factor + " (must be in [0, 1))");
        if (b.patience < 0) throw new IllegalArgumentException("Invalid patience value: " + b.patience + " (must be >= 0)");
        if (b.cooldown < 0) throw new IllegalArgumentException("Invalid cooldown value: " + b.cooldown + " (must be >= 0)");
        Hyper.nonNegative("threshold", b.threshold);
        Hyper.nonNegative("eps", b.eps);
        this.optimizer = b.optimizer;
        this.mode = b.mode;
        this.factor = b.factor;
        this.patience = b.patience;
        this.thresholdMode = b.thresholdMode;
        this.threshold = b.threshold;
        this.cooldown = b.cooldown;
        this.eps = b.eps;
        List<Double> mins = b.minLrs != null ? b.minLrs : Collections.nCopies(optimizer.groupCount(), b.minLr);
        if (mins.size() != optimizer.groupCount()) {
            throw new IllegalArgumentException("expected " + optimizer.groupCount() + " min_lrs, got " + mins.size());
        }
        for (double m : mins) Hyper.nonNegative("min_lr", m);
        this.minLrs = List.copyOf(mins);
        this.best = mode == Mode.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    public static Builder builder(Optimizer optimizer) {
        return new Builder(optimizer);
    }

    /** Records one value of the metric (once per epoch) and lowers the rates if it has plateaued. */
    public void step(double metric) {
        lastEpoch++;
        if (isBetter(metric)) {
            best = metric;
            badEpochs = 0;
        } else {
            badEpochs++;
        }
        if (cooldownCounter > 0) {
            cooldownCounter--;
            badEpochs = 0;
        }
        if (badEpochs > patience) {
            reduce();
            cooldownCounter = cooldown;
            badEpochs = 0;
        }
    }

    private boolean isBetter(double a) {
        return switch (mode) {
            case MIN -> thresholdMode == ThresholdMode.REL ? a < best * (1 - threshold) : a < best - threshold;
            case MAX -> thresholdMode == ThresholdMode.REL ? a > best * (1 + threshold) : a > best + threshold;
        };
    }

    private void reduce() {
        for (int g = 0; g < optimizer.groupCount(); g++) {
            double old = optimizer.learningRate(g);
            double next = Math.max(old * factor, minLrs.get(g));
            if (old - next > eps) optimizer.setLearningRate(g, next);
        }
    }

    public double best() {
        return best;
    }

    public int badEpochs() {
        return badEpochs;
    }

    public boolean inCooldown() {
        return cooldownCounter > 0;
    }

    public Map<String, Double> stateDict() {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("best", best);
        out.put("num_bad_epochs", (double) badEpochs);
        out.put("cooldown_counter", (double) cooldownCounter);
        out.put("last_epoch", (double) lastEpoch);
        return out;
    }

    public void loadStateDict(Map<String, Double> state) {
        for (String k : List.of("best", "num_bad_epochs", "cooldown_counter", "last_epoch")) {
            if (!state.containsKey(k)) throw new IllegalArgumentException("ReduceLrOnPlateau.loadStateDict: missing '" + k + "'");
        }
        best = state.get("best");
        badEpochs = state.get("num_bad_epochs").intValue();
        cooldownCounter = state.get("cooldown_counter").intValue();
        lastEpoch = state.get("last_epoch").longValue();
    }

    /** Options, PyTorch's defaults. */
    public static final class Builder {
        private final Optimizer optimizer;
        private Mode mode = Mode.MIN;
        private double factor = 0.1;
        private int patience = 10;
        private ThresholdMode thresholdMode = ThresholdMode.REL;
        private double threshold = 1e-4;
        private int cooldown;
        private double minLr;
        private List<Double> minLrs;
        private double eps = 1e-8;

        private Builder(Optimizer optimizer) {
            this.optimizer = optimizer;
        }

        public Builder mode(Mode v) { mode = v; return this; }
        public Builder factor(double v) { factor = v; return this; }
        public Builder patience(int v) { patience = v; return this; }
        public Builder threshold(double v, ThresholdMode m) { threshold = v; thresholdMode = m; return this; }
        public Builder cooldown(int v) { cooldown = v; return this; }
        public Builder minLr(double v) { minLr = v; minLrs = null; return this; }
        public Builder minLrs(List<Double> v) { minLrs = new ArrayList<>(v); return this; }
        public Builder eps(double v) { eps = v; return this; }

        public ReduceLrOnPlateau build() {
            return new ReduceLrOnPlateau(this);
        }
    }
}
