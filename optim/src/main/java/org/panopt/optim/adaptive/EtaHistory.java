package org.panopt.optim.adaptive;

import java.util.ArrayList;
import java.util.List;
import org.panopt.optim.Optimizer;
import org.panopt.optim.OptState;

/**
 * η per step, for plots: call {@link #record} after every {@code optimizer.step(…)}. Each entry has the η the
 * next step will use and, for the Ravaut–Gorti rules, what the step measured (f(η) on its batch, the change
 * the rule asked for, the second difference D); NaN where the rule does not have it.
 */
public final class EtaHistory {

    /** One step: the optimizer's step count, η for the next step, and the rule's measurements. */
    public record Entry(long step, double eta, double lossAtStep, double etaStep, double curvature) {}

    private final List<Entry> entries = new ArrayList<>();

    /** Appends the state of {@code group} after the step just taken. */
    public Entry record(Optimizer optimizer, int group) {
        double eta = optimizer.learningRate(group);
        RavautGorti.RgState rg = find(optimizer.state(group));
        Entry e = rg != null
                ? new Entry(optimizer.steps(), eta, rg.lossAtStep(), rg.etaStep(), rg.curvature())
                : new Entry(optimizer.steps(), eta, Double.NaN, Double.NaN, Double.NaN);
        entries.add(e);
        return e;
    }

    /** {@link #record(Optimizer, int)} for group 0. */
    public Entry record(Optimizer optimizer) {
        return record(optimizer, 0);
    }

    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** CSV with a header: step,eta,loss_at_step,eta_step,curvature. */
    public String toCsv() {
        StringBuilder sb = new StringBuilder("step,eta,loss_at_step,eta_step,curvature\n");
        for (Entry e : entries) sb.append(e.step()).append(',').append(e.eta()).append(',').append(e.lossAtStep()).append(',')
                .append(e.etaStep()).append(',').append(e.curvature()).append('\n');
        return sb.toString();
    }

    private static RavautGorti.RgState find(OptState s) {
        if (s instanceof RavautGorti.RgState rg) return rg;
        if (s instanceof org.panopt.optim.Chain.ChainState c) {
            for (OptState inner : c.links()) {
                RavautGorti.RgState r = find(inner);
                if (r != null) return r;
            }
        }
        return null;
    }
}
