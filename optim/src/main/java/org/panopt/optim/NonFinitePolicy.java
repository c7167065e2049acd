package org.panopt.optim;

/**
 * What {@link Optimizer} does when a gradient holds NaN or ±∞. It checks every gradient before touching
 * any parameter or state, so neither policy leaves a half-applied step. (torch.optim does not check: a NaN
 * gradient silently turns the parameters into NaN.)
 */
public enum NonFinitePolicy {
    /** Throw an {@link IllegalStateException} naming the group, the parameter and the offending value (default). */
    THROW,
    /** Skip the whole step — parameters and state unchanged — and count it ({@link Optimizer#skippedSteps()}), as AMP's GradScaler does. */
    SKIP
}
