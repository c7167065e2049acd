package org.panopt.optim.schedule;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.panopt.optim.Optimizer;

/**
 * Applies a {@link Schedule} to every group of an {@link Optimizer}, as torch's {@code LRScheduler}: the base
 * rate of each group is its learning rate when the scheduler is made; construction sets the rate for t = 0,
 * each {@link #step()} advances t by one and sets η = schedule(t, base). Call it once per epoch (or per
 * iteration, for warm-up), after the optimizer's step.
 */
public final class LrScheduler {
    private final Optimizer optimizer;
    private final Schedule schedule;
    private final List<Double> baseRates = new ArrayList<>();
    private long t;

    public LrScheduler(Optimizer optimizer, Schedule schedule) {
        this.optimizer = optimizer;
        this.schedule = schedule;
        for (int g = 0; g < optimizer.groupCount(); g++) baseRates.add(optimizer.learningRate(g));
        apply();
    }

    /** t ← t + 1 and every group's η set from the schedule. */
    public void step() {
        t++;
        apply();
    }

    private void apply() {
        for (int g = 0; g < baseRates.size(); g++) {
            double lr = schedule.learningRate(t, baseRates.get(g));
            if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalStateException("schedule gave learning rate " + lr + " at t = " + t + " for group " + g);
            optimizer.setLearningRate(g, lr);
        }
    }

    /** The current t (torch's {@code last_epoch}). */
    public long lastStep() {
        return t;
    }

    /** The rates the schedule scales, one per group. */
    public List<Double> baseRates() {
        return List.copyOf(baseRates);
    }

    /** t and the base rates; {@link #loadStateDict} restores them (and sets the rates for that t). */
    public Map<String, Double> stateDict() {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("last_step", (double) t);
        for (int g = 0; g < baseRates.size(); g++) out.put("base_lr." + g, baseRates.get(g));
        return out;
    }

    public void loadStateDict(Map<String, Double> state) {
        Double last = state.get("last_step");
        if (last == null) throw new IllegalArgumentException("LrScheduler.loadStateDict: missing 'last_step' in " + state.keySet());
        List<Double> bases = new ArrayList<>();
        for (int g = 0; g < baseRates.size(); g++) {
            Double b = state.get("base_lr." + g);
            if (b == null) throw new IllegalArgumentException("LrScheduler.loadStateDict: missing 'base_lr." + g + "'");
            bases.add(b);
        }
        t = last.longValue();
        for (int g = 0; g < bases.size(); g++) baseRates.set(g, bases.get(g));
        apply();
    }
}
