package org.panopt.optim;

import java.util.List;
import java.util.function.Supplier;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * The function being minimized on the current mini-batch, able to re-evaluate itself: PyTorch's
 * {@code closure} made explicit. {@link Optimizer#step(Objective)} calls {@link #evaluate} once (the training
 * forward and backward pass); a method that needs more asks again:
 * <ul>
 * <li>{@link #probe} — the loss at other parameter values without touching the model: the Ravaut–Gorti
 *     rule evaluates f(η) = L(w − η'g) at five η', in float64;</li>
 * <li>{@link ModelObjective} adds the model, the loss and the batch, for methods that make extra passes of
 *     their own (K-FAC: model-sampled targets, Fisher–vector products, quadratic models).</li>
 * </ul>
 *
 * <p>Contract for {@link #probe}: the model is left <em>exactly</em> as found — parameters bit-identical,
 * buffers (batch-norm running statistics) unchanged, random streams (dropout) not advanced — and every probe
 * between two {@link #evaluate} calls sees the same stochastic choices (the same dropout masks), so probes
 * differ only through the weights.
 */
public interface Objective {

    /** The tensors the gradient is taken with respect to (leaves of the graph), in a fixed order. */
    List<Tensor> parameters();

    /**
     * A training evaluation at the current parameter values: forward pass, loss, backward pass. It may
     * advance model state as a training pass does (batch-norm running statistics, dropout masks). The
     * gradients are also left in each parameter's {@code grad()}, as {@code loss.backward()} would.
     */
    Evaluation evaluate();

    /**
     * The loss with {@code values.get(i)} in place of {@code targets.get(i)} (a subset of {@link #parameters()};
     * the others keep their values), computed in {@code precision}: the parameters are substituted at that
     * precision, the forward pass and the loss reduction run in it. No gradient is recorded.
     *
     * @throws IllegalArgumentException when a target is not one of the parameters or a value's shape differs
     * @throws UnsupportedOperationException when the objective cannot evaluate in {@code precision} (the
     *         message says how to enable it)
     */
    double probe(List<Tensor> targets, List<Tensor> values, DType precision);

    /**
     * An objective from a loss closure over {@code params}: {@code loss.get()} must build the loss from the
     * current values of {@code params} (recording the graph) and have no side effects, since probes call it
     * with substituted values. Probes run in the parameters' own dtype only.
     */
    static Objective of(List<Tensor> params, Supplier<Tensor> loss) {
        return new ClosureObjective(params, loss);
    }
}
