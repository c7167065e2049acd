package org.panopt.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.panopt.autograd.Autograd;
import org.panopt.tensor.Tensor;

/** Shared by the objectives: substitute parameter values for the length of a probe, then put back the exact bits. */
final class ProbeSupport {
    private ProbeSupport() {}

    static void checkSubstitution(List<Tensor> params, List<Tensor> targets, List<Tensor> values) {
        if (targets.size() != values.size()) {
            throw new IllegalArgumentException("probe: " + targets.size() + " targets but " + values.size() + " values");
        }
        Set<Tensor> known = Collections.newSetFromMap(new IdentityHashMap<>());
        known.addAll(params);
        for (int i = 0; i < targets.size(); i++) {
            Tensor t = targets.get(i);
            if (!known.contains(t)) throw new IllegalArgumentException("probe: target " + i + " " + t.shape() + " is not one of the objective's parameters");
            if (!t.shape().equals(values.get(i).shape())) {
                throw new IllegalArgumentException("probe: value " + i + " has shape " + values.get(i).shape() + ", its parameter " + t.shape());
            }
        }
    }

    /** Runs {@code body} with {@code values} copied into {@code targets}; restores the saved copies afterwards, whatever happens. */
    static <T> T withSubstituted(List<Tensor> targets, List<Tensor> values, Supplier<T> body) {
        List<Tensor> saved = new ArrayList<>(targets.size());
        Autograd.noGrad(() -> {
            for (Tensor t : targets) saved.add(t.detach().copy());
        });
        try {
            Autograd.noGrad(() -> {
                for (int i = 0; i < targets.size(); i++) targets.get(i).copyFrom(values.get(i));
            });
            return body.get();
        } finally {
            Autograd.noGrad(() -> {
                for (int i = 0; i < targets.size(); i++) targets.get(i).copyFrom(saved.get(i));
            });
        }
    }
}
