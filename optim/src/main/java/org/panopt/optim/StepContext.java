package org.panopt.optim;

/**
 * What a step knows besides the gradient: the {@link Objective} that can re-evaluate the loss at the current
 * (or probe) parameters, and the {@link Evaluation} the step started from. Both are null when the step was
 * taken from gradients a caller computed ({@link Optimizer#step()}): a transformation that needs them then
 * fails with {@link #requireObjective}.
 *
 * @param objective  the objective of this step, or null
 * @param evaluation the loss and gradient at the parameters before the step, or null
 */
public record StepContext(Objective objective, Evaluation evaluation) {

    /** The context of a step without an objective. */
    public static final StepContext NONE = new StepContext(null, null);

    /** The objective; a clear error naming {@code who} needs it when there is none. */
    public Objective requireObjective(String who) {
        if (objective == null) {
            throw new IllegalStateException(who + " re-evaluates the loss and needs an Objective: call Optimizer.step(objective), not step()");
        }
        return objective;
    }

    /** The loss at the parameters before this step, or NaN when unknown. */
    public double loss() {
        return evaluation == null ? Double.NaN : evaluation.loss();
    }
}
