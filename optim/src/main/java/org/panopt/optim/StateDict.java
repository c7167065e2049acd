package org.panopt.optim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.panopt.tensor.Tensor;

/**
 * A snapshot of an {@link Optimizer} that {@link Optimizer#loadStateDict} resumes exactly (torch.optim's
 * {@code state_dict}): each group's hyper-parameters, and the state as named tensors (copies) and numbers.
 * Keys: {@code group.<g>.<path in the state record>}, e.g. {@code group.0.links.1.mu.3}, plus the
 * facade's counters {@code optimizer.steps} and {@code optimizer.skipped}. Plain data, easy to write to disk.
 *
 * @param rule    the {@link UpdateRule#name()} that made it (checked on load)
 * @param groups  each group's hyper-parameters
 * @param tensors state tensors by key
 * @param numbers state numbers (counts, η, switches as 0/1) by key
 */
public record StateDict(String rule, List<HyperParams> groups, Map<String, Tensor> tensors, Map<String, Double> numbers) {
    public StateDict {
        groups = List.copyOf(groups);
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        numbers = Collections.unmodifiableMap(new LinkedHashMap<>(numbers));
    }
}
