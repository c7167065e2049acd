package org.panopt.autograd;

import java.util.List;
import org.panopt.tensor.Tensor;

/**
 * One recorded op in the define-by-run graph: the op's inputs and its vector–Jacobian product. A tensor
 * computed from inputs that require a gradient points at the node that made it ({@link Tensor#gradFn()}).
 *
 * <p>The backward rule is written with differentiable tensor ops, so when the engine runs it with
 * graph recording on ({@code createGraph}), the gradient is itself a recorded function of the inputs and
 * can be differentiated again — exact Hessian–vector products by double back-propagation.
 */
public final class Node {

    /** The vector–Jacobian product of an op: given ∂L/∂output, ∂L/∂input for each input (null where none). */
    @FunctionalInterface
    public interface Backward {
        Tensor[] apply(Tensor gradOutput);
    }

    private final String name;
    private final List<Tensor> inputs;
    private Backward backward;

    public Node(String name, Backward backward, Tensor... inputs) {
        this.name = name;
        this.backward = backward;
        this.inputs = java.util.Arrays.asList(inputs.clone());
    }

    /** The op's name, e.g. {@code "matmul"}. */
    public String name() {
        return name;
    }

    /** The op's inputs in argument order (entries may be null for absent optional inputs). */
    public List<Tensor> inputs() {
        return inputs;
    }

    /** Whether a backward pass without {@code retainGraph} has already released this node's saved tensors. */
    public boolean isFreed() {
        return backward == null;
    }

    Tensor[] apply(Tensor gradOutput) {
        if (backward == null) {
            throw new IllegalStateException("backward through '" + name + "' a second time: its graph was freed by an"
                    + " earlier backward pass; pass retainGraph=true (or createGraph=true) to the first one");
        }
        Tensor[] grads = backward.apply(gradOutput);
        if (grads.length != inputs.size()) {
            throw new IllegalStateException("backward of '" + name + "' returned " + grads.length + " gradients for " + inputs.size() + " inputs");
        }
        return grads;
    }

    void free() {
        backward = null;
    }

    @Override
    public String toString() {
        return name + "Backward";
    }
}
