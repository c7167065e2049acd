package org.panopt.optim;

import java.util.List;
import org.panopt.tensor.Tensor;

/**
 * An optimizer as a value made of two pure functions (optax's {@code GradientTransformation}):
 * <pre>
 *   init(params)                                → state
 *   update(updates, state, params, context)     → (updates', state')
 * </pre>
 * {@code updates} enters as the gradient (one tensor per parameter) and leaves as what is <em>added</em> to
 * the parameters: a learning-rate transformation at the end of a {@link Chain} turns a direction d into
 * −η·d. Named optimizers ({@code first.Sgd}, {@code first.Adam}, …) are chains of small transformations.
 *
 * <p>A transformation never mutates its inputs or its state; it returns new tensors and a new state
 * record. The parameters are read-only. Transformations that need more than the gradient (the
 * Ravaut–Gorti line probes, K-FAC's curvature products) find the {@link Objective} in the
 * {@link StepContext}; first-order ones ignore the context.
 *
 * @param <S> the state record
 */
public interface GradientTransformation<S extends OptState> {

    /** The initial state for {@code params} (read only for shapes, dtypes, and where needed values). */
    S init(List<Tensor> params);

    /**
     * One step.
     *
     * @param updates the incoming updates (the gradient at the head of a chain), one per parameter
     * @param state   the state returned by {@link #init} or the previous {@code update}
     * @param params  the current parameter values (read only)
     * @param context what else the step knows: the objective and the evaluation at the current parameters
     */
    Update<S> update(List<Tensor> updates, S state, List<Tensor> params, StepContext context);

    /** The outgoing updates (one per parameter, each of its parameter's shape) and the new state. */
    record Update<S extends OptState>(List<Tensor> updates, S state) {
        public Update {
            updates = List.copyOf(updates);
        }
    }
}
