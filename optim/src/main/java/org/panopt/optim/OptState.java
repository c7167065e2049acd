package org.panopt.optim;

/**
 * The state of a {@link GradientTransformation}: an immutable record (optax's typed state tuples), for
 * example {@code AdamState(long count, List<Tensor> mu, List<Tensor> nu)}.
 *
 * <p>Conventions that {@link StateTrees} relies on to save and restore any state without per-class code:
 * <ul>
 * <li>the implementing class is a {@code record} whose components are {@code Tensor}, {@code List<Tensor>},
 *     primitives ({@code long}, {@code int}, {@code double}, {@code boolean}), nested {@code OptState}s or
 *     {@code List<? extends OptState>};</li>
 * <li>a {@code List<Tensor>} component holds <em>one tensor per parameter</em> of the group, in the group's
 *     order (this is torch.optim's per-parameter state: {@link Optimizer#parameterState} reads it so); state
 *     that is per layer or per block lives in a list of nested records instead;</li>
 * <li>a {@code null} tensor is "not created yet" (PyTorch's lazily created momentum buffer) and is omitted
 *     from a saved state;</li>
 * <li>tensors held by a state are never mutated after the state is returned: an update makes new ones.</li>
 * </ul>
 */
public interface OptState {

    /** An unmodifiable copy of a per-parameter list that may hold nulls (tensors not created yet). */
    static java.util.List<org.panopt.tensor.Tensor> tensors(java.util.List<org.panopt.tensor.Tensor> list) {
        return java.util.Collections.unmodifiableList(new java.util.ArrayList<>(list));
    }

    /** One zero tensor like each parameter (same dtype, shape, device). */
    static java.util.List<org.panopt.tensor.Tensor> zerosLike(java.util.List<org.panopt.tensor.Tensor> params) {
        return params.stream().map(p -> org.panopt.tensor.Tensor.zeros(p.dtype(), p.shape(), p.device())).toList();
    }

    /** The state of a transformation that keeps none. */
    record Empty() implements OptState {
        public static final Empty INSTANCE = new Empty();
    }
}
