package org.panopt.optim;

import java.util.function.Supplier;
import org.panopt.nn.Module;
import org.panopt.nn.loss.Loss;
import org.panopt.tensor.Tensor;

/**
 * An {@link Objective} that is a {@link Module} and a {@link Loss} on one mini-batch: L(w) = loss(model(inputs), targets).
 * Second-order methods make extra passes through it — K-FAC registers hooks on the model's layers, runs
 * {@link #forward()} inside {@link #withFrozenState}, samples targets from {@link Loss#sample} and
 * back-propagates them, multiplies by {@link Loss#outputHessianVectorProduct} for Fisher–vector products.
 */
public interface ModelObjective extends Objective {

    Module model();

    Loss loss();

    /** The mini-batch inputs the training evaluation uses. */
    Tensor inputs();

    /** The mini-batch targets, in the form {@link #loss()} accepts. */
    Tensor targets();

    /** A forward pass of the model on {@link #inputs()} at the current parameters, recording the graph. */
    Tensor forward();

    /**
     * Runs {@code body} so that the model's state is as before afterwards: buffers (batch-norm running
     * statistics) restored exactly, dropout layers replaying the masks of the last {@link #evaluate()} and
     * drawing nothing from their own generators. Parameters are not saved: the body must not change them.
     */
    <T> T withFrozenState(Supplier<T> body);
}
