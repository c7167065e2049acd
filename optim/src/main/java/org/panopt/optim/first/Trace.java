package org.panopt.optim.first;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.panopt.optim.GradientTransformation;
import org.panopt.optim.Hyper;
import org.panopt.optim.OptState;
import org.panopt.optim.StepContext;
import org.panopt.tensor.Tensor;

/**
 * Heavy-ball momentum in PyTorch's form ({@code torch.optim.SGD}), on the incoming updates g:
 * <pre>
 *   b₁ = g₁                               (first step: the buffer is the gradient itself, not (1 − τ)g)
 *   b_t = μ·b_{t−1} + (1 − τ)·g_t          (τ: dampening)
 *   out = g_t + μ·b_t   (Nesterov)   or   b_t
 * </pre>
 * With μ = 0 the updates pass through and no buffer is kept. The buffer is created at the first step, as in
 * PyTorch, so μ may be raised from 0 mid-training. optax's {@code trace} differs: b₀ = 0 and no dampening,
 * so its first step is μ·0 + g — the same — but dampening there is absent.
 *
 * @param momentum  μ ∈ [0, 1)
 * @param dampening τ ∈ [0, 1]
 * @param nesterov  use g + μb (needs μ &gt; 0 and τ = 0, as PyTorch requires)
 */
public record Trace(double momentum, double dampening, boolean nesterov) implements GradientTransformation<Trace.TraceState> {

    /** One momentum buffer per parameter; null before the first step (and always when μ = 0). */
    public record TraceState(List<Tensor> buffers) implements OptState {
        public TraceState {
            buffers = Collections.unmodifiableList(new ArrayList<>(buffers));
        }
    }

    public Trace {
        Hyper.unitInterval("momentum", momentum);
        Hyper.closedUnitInterval("dampening", dampening);
        if (nesterov && (momentum == 0 || dampening != 0)) {
            throw new IllegalArgumentException("Nesterov momentum requires a momentum > 0 and zero dampening (momentum " + momentum + ", dampening " + dampening + ")");
        }
    }

    @Override
    public TraceState init(List<Tensor> params) {
        return new TraceState(Collections.nCopies(params.size(), null));
    }

    @Override
    public Update<TraceState> update(List<Tensor> updates, TraceState state, List<Tensor> params, StepContext context) {
        if (momentum == 0) return new Update<>(updates, state);
        List<Tensor> out = new ArrayList<>(updates.size());
        List<Tensor> buffers = new ArrayList<>(updates.size());
        for (int i = 0; i < updates.size(); i++) {
            Tensor g = updates.get(i);
            Tensor old = state.buffers().get(i);
            Tensor b = old == null ? g.copy() : old.mul(momentum).add(dampening == 0 ? g : g.mul(1 - dampening));
            buffers.add(b);
            out.add(nesterov ? g.add(b.mul(momentum)) : b);
        }
        return new Update<>(out, new TraceState(buffers));
    }
}
