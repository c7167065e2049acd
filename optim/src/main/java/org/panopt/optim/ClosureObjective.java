package org.panopt.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.panopt.autograd.Autograd;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/** {@link Objective#of}: a loss closure over explicit parameter tensors. */
final class ClosureObjective implements Objective {
    private final List<Tensor> params;
    private final Supplier<Tensor> loss;

    ClosureObjective(List<Tensor> params, Supplier<Tensor> loss) {
        this.params = List.copyOf(params);
        this.loss = loss;
        for (int i = 0; i < this.params.size(); i++) {
            if (!this.params.get(i).isLeaf() || !this.params.get(i).requiresGrad()) {
                throw new IllegalArgumentException("Objective.of: parameter " + i + " " + this.params.get(i).shape()
                        + " must be a leaf tensor that requires a gradient");
            }
        }
    }

    @Override
    public List<Tensor> parameters() {
        return params;
    }

    @Override
    public Evaluation evaluate() {
        for (Tensor p : params) p.zeroGrad();
        Tensor l = loss.get();
        if (l.size() != 1) throw new IllegalStateException("Objective.of: the loss closure returned shape " + l.shape() + ", not a scalar");
        l.backward();
        List<Tensor> grads = new ArrayList<>(params.size());
        for (int i = 0; i < params.size(); i++) {
            Tensor g = params.get(i).grad();
            if (g == null) throw new IllegalStateException("Objective.of: parameter " + i + " " + params.get(i).shape() + " is not used by the loss");
            grads.add(g.detach());
        }
        return new Evaluation(l.item(), grads, null);
    }

    @Override
    public double probe(List<Tensor> targets, List<Tensor> values, DType precision) {
        ProbeSupport.checkSubstitution(params, targets, values);
        for (Tensor t : targets) {
            if (t.dtype() != precision) {
                throw new UnsupportedOperationException("Objective.of probes in the parameters' dtype only: parameter " + t.shape()
                        + " is " + t.dtype() + ", probe asked for " + precision + " (use a ModuleObjective with a probe model of that dtype)");
            }
        }
        return ProbeSupport.withSubstituted(targets, values, () -> Autograd.noGrad(() -> loss.get().item()));
    }
}
