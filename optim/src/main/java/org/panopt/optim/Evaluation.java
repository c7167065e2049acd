package org.panopt.optim;

import java.util.List;
import org.panopt.tensor.Tensor;

/**
 * The loss and its gradient at one set of parameter values, as an {@link Objective} computed them.
 *
 * @param loss      the reduced loss, as a double
 * @param gradients ∂loss/∂p for each of the objective's {@link Objective#parameters()}, in that order
 *                  (detached, never mutated afterwards)
 * @param output    the model's output of this pass (detached), or null when the objective has no model
 */
public record Evaluation(double loss, List<Tensor> gradients, Tensor output) {
    public Evaluation {
        gradients = List.copyOf(gradients);
    }
}
