package org.panopt.optim;

import java.util.ArrayList;
import java.util.List;
import org.panopt.tensor.Tensor;

/**
 * Transformations applied one after another (optax's {@code chain}): the updates leaving one enter the next;
 * each keeps its own state, held together in a {@link ChainState}.
 */
public final class Chain implements GradientTransformation<Chain.ChainState> {
    private final List<GradientTransformation<?>> links;

    /** The states of the links, in order. */
    public record ChainState(List<OptState> links) implements OptState {
        public ChainState {
            links = List.copyOf(links);
        }
    }

    private Chain(List<GradientTransformation<?>> links) {
        this.links = List.copyOf(links);
    }

    public static Chain of(GradientTransformation<?>... links) {
        return new Chain(List.of(links));
    }

    public static Chain of(List<GradientTransformation<?>> links) {
        return new Chain(links);
    }

    public List<GradientTransformation<?>> links() {
        return links;
    }

    @Override
    public ChainState init(List<Tensor> params) {
        List<OptState> states = new ArrayList<>(links.size());
        for (GradientTransformation<?> t : links) states.add(t.init(params));
        return new ChainState(states);
    }

    @Override
    public Update<ChainState> update(List<Tensor> updates, ChainState state, List<Tensor> params, StepContext context) {
        if (state.links().size() != links.size()) {
            throw new IllegalArgumentException("Chain of " + links.size() + " transformations given a state of " + state.links().size());
        }
        List<OptState> next = new ArrayList<>(links.size());
        List<Tensor> u = updates;
        for (int i = 0; i < links.size(); i++) {
            Update<OptState> r = apply(links.get(i), u, state.links().get(i), params, context);
            u = r.updates();
            next.add(r.state());
        }
        return new Update<>(u, new ChainState(next));
    }

    /** Calls {@code t.update} with a state of unknown static type (it came from {@code t.init} or {@code t.update}). */
    @SuppressWarnings("unchecked")
    public static Update<OptState> apply(GradientTransformation<?> t, List<Tensor> updates, OptState state, List<Tensor> params, StepContext context) {
        return ((GradientTransformation<OptState>) t).update(updates, state, params, context);
    }
}
