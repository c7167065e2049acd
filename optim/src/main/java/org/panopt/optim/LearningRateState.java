package org.panopt.optim;

/**
 * A state that carries its own learning rate η — learning-rate adaptation (Ravaut–Gorti, hypergradient
 * descent) changes η inside the transformation at every step. {@link Optimizer#learningRate} reads it from
 * here instead of the group's {@code lr} hyper-parameter, and {@link Optimizer#setLearningRate} writes it
 * here, so schedules and plateau reductions act on the adapted η. The facade finds it anywhere in the
 * state tree ({@link StateTrees#findLearningRate}), e.g. inside a {@link Chain.ChainState}.
 */
public interface LearningRateState extends OptState {

    double learningRate();

    /** This state with η replaced. */
    LearningRateState withLearningRate(double lr);
}
