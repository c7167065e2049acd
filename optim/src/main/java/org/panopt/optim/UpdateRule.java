package org.panopt.optim;

/**
 * A named optimizer as the {@link Optimizer} facade needs it: default hyper-parameters, and for one
 * group's hyper-parameters the {@link GradientTransformation} that implements it. The facade rebuilds the
 * transformation when a hyper-parameter changes (learning-rate schedules) and keeps the state, so a
 * transformation's state layout must not depend on hyper-parameter values.
 */
public interface UpdateRule {

    /** The optimizer's name, for messages ({@code "SGD"}, {@code "Adam"}). */
    String name();

    /** Every hyper-parameter this rule reads, with its default. Groups may override any of them, no others. */
    HyperParams defaults();

    /**
     * The transformation for {@code hyper} (complete: defaults merged with a group's overrides). Checks the
     * values and fails with an {@link IllegalArgumentException} naming the hyper-parameter and its value.
     */
    GradientTransformation<?> transformation(HyperParams hyper);
}
