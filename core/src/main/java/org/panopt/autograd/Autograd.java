package org.panopt.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.panopt.tensor.Tensor;

/**
 * Reverse-mode differentiation over the graph that tensor ops record (define-by-run, as PyTorch).
 *
 * <p>{@link #grad} returns gradients of outputs with respect to chosen inputs, like
 * {@code torch.autograd.grad}; {@link Tensor#backward()} accumulates into the {@code grad} of every leaf
 * that requires one. With {@code createGraph} the backward pass is itself recorded, so its results can be
 * differentiated again: {@link #hvp} computes exact Hessian–vector products {@code Hv = ∇(∇L·v)}, and
 * {@link #jvp} forward-mode products {@code Jv} by the double-vjp trick.
 */
public final class Autograd {
    private Autograd() {}

    /** Runs {@code body} without recording ops. */
    public static <T> T noGrad(Supplier<T> body) {
        return GradMode.noGrad(body);
    }

    /** Runs {@code body} without recording ops. */
    public static void noGrad(Runnable body) {
        GradMode.noGrad(body);
    }

    /**
     * Σ_k (∂outputs_k/∂inputs)ᵀ gradOutputs_k for each input. {@code gradOutputs} may be null when every
     * output is a one-element tensor (then 1 each). Inputs that no output depends on are an error.
     *
     * @param createGraph record the backward pass, so the returned gradients can be differentiated again
     */
    public static List<Tensor> grad(List<Tensor> outputs, List<Tensor> inputs, List<Tensor> gradOutputs, boolean createGraph) {
        return grad(outputs, inputs, gradOutputs, createGraph, createGraph);
    }

    /** As {@link #grad(List, List, List, boolean)}, choosing separately whether the graph survives. */
    public static List<Tensor> grad(List<Tensor> outputs, List<Tensor> inputs, List<Tensor> gradOutputs,
                                    boolean createGraph, boolean retainGraph) {
        for (int i = 0; i < inputs.size(); i++) {
            if (!inputs.get(i).requiresGrad()) {
                throw new IllegalArgumentException("grad: input " + i + " " + inputs.get(i).shape()
                        + " does not require a gradient (call requiresGrad(true) on it before the forward pass)");
            }
        }
        Map<Tensor, Tensor> grads = run(outputs, gradOutputs, inputs, createGraph, retainGraph, false);
        List<Tensor> result = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            Tensor g = grads.get(inputs.get(i));
            if (g == null) {
                throw new IllegalArgumentException("grad: input " + i + " " + inputs.get(i).shape() + " is not used by the outputs");
            }
            result.add(g);
        }
        return result;
    }

    /**
     * Back-propagates from {@code output} (with {@code gradOutput}, or 1 for a one-element output) and adds
     * the gradient of every leaf that requires one into its {@code grad}. Called by {@link Tensor#backward}.
     */
    public static void backward(Tensor output, Tensor gradOutput, boolean retainGraph, boolean createGraph) {
        if (!output.requiresGrad()) {
            throw new IllegalStateException("backward: the tensor " + output.shape()
                    + " does not require a gradient (no input of its computation requires one, or it was computed under noGrad)");
        }
        run(List.of(output), gradOutput == null ? null : java.util.Arrays.asList(gradOutput), null,
                createGraph, retainGraph || createGraph, true);
    }

    /**
     * Exact Hessian–vector products: for the scalar {@code loss}, H·v per parameter block. The gradient g(θ) is
     * computed with {@code createGraph}; then H·v = ∇_θ⟨g(θ), v⟩ = J_gᵀ·v is one vector–Jacobian product of the
     * recorded gradient with v as its outgoing gradient — not the gradient of the scalar ⟨g, v⟩, which would
     * multiply every block by v and back-propagate a parameter-sized tensor of ones through the sum.
     */
    public static List<Tensor> hvp(Tensor loss, List<Tensor> params, List<Tensor> v) {
        checkDirections("hvp", params, v);
        List<Tensor> g = grad(List.of(loss), params, null, true, true);
        return grad(g, params, v, false, true);
    }

    /**
     * Forward-mode Jacobian–vector product J·v of {@code output} with respect to {@code inputs}, by the
     * double-vjp trick: u ↦ Jᵀu is linear in u, so differentiating ⟨Jᵀu, v⟩ with respect to a dummy u
     * gives Jv. Used for Gauss–Newton and exact-Fisher products.
     */
    public static Tensor jvp(Tensor output, List<Tensor> inputs, List<Tensor> v) {
        checkDirections("jvp", inputs, v);
        Tensor u = Tensor.zeros(output.dtype(), output.shape(), output.device()).requiresGrad(true);
        List<Tensor> jtu = grad(List.of(output), inputs, List.of(u), true, true);
        return grad(jtu, List.of(u), v, false, true).getFirst(); // ∇_u⟨Jᵀu, v⟩ as one vector–Jacobian product
    }

    private static void checkDirections(String op, List<Tensor> blocks, List<Tensor> v) {
        if (v.size() != blocks.size()) {
            throw new IllegalArgumentException(op + ": " + v.size() + " direction blocks for " + blocks.size() + " tensors");
        }
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).shape().equals(blocks.get(i).shape())) {
                throw new IllegalArgumentException(op + ": direction block " + i + " has shape " + v.get(i).shape()
                        + " but its tensor has shape " + blocks.get(i).shape());
            }
        }
    }

    // The engine: reverse topological sweep, summing gradient contributions per tensor.
    private static Map<Tensor, Tensor> run(List<Tensor> outputs, List<Tensor> gradOutputs, List<Tensor> wanted,
                                           boolean createGraph, boolean retainGraph, boolean accumulate) {
        if (gradOutputs != null && gradOutputs.size() != outputs.size()) {
            throw new IllegalArgumentException("grad: " + gradOutputs.size() + " gradOutputs for " + outputs.size() + " outputs");
        }
        List<Tensor> order = topologicalOrder(outputs);
        Set<Tensor> needed = neededFor(order, wanted);
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        for (int i = 0; i < outputs.size(); i++) {
            Tensor out = outputs.get(i);
            Tensor g = gradOutputs == null ? null : gradOutputs.get(i);
            if (g == null) {
                if (out.size() != 1) {
                    throw new IllegalArgumentException("grad: output " + i + " has shape " + out.shape()
                            + "; a gradient can be implied only for one-element outputs, so pass gradOutputs");
                }
                g = Tensor.zeros(out.dtype(), out.shape(), out.device()).fill(1.0); // on the output's device
            } else if (!g.shape().equals(out.shape())) {
                throw new IllegalArgumentException("grad: gradOutput " + i + " has shape " + g.shape() + " but output has shape " + out.shape());
            }
            grads.merge(out, g, Tensor::add);
        }
        GradMode.with(createGraph, () -> {
            for (int k = order.size() - 1; k >= 0; k--) {
                Tensor t = order.get(k);
                Tensor g = grads.get(t);
                if (g == null || !needed.contains(t)) continue;
                g = t.runHooks(g);
                grads.put(t, g);
                Node node = t.gradFn();
                if (node == null) {
                    if (accumulate && t.requiresGrad()) t.setGrad(t.grad() == null ? g : t.grad().add(g));
                    continue;
                }
                Tensor[] in = node.apply(g);
                List<Tensor> inputs = node.inputs();
                for (int j = 0; j < in.length; j++) {
                    Tensor x = inputs.get(j);
                    if (x == null || in[j] == null || !x.requiresGrad() || !needed.contains(x)) continue;
                    grads.merge(x, in[j], Tensor::add);
                }
                if (!accumulate && !isWanted(t, wanted)) grads.remove(t); // not returned: let it go
                if (!retainGraph) node.free();
            }
            return null;
        });
        return grads;
    }

    private static boolean isWanted(Tensor t, List<Tensor> wanted) {
        for (Tensor w : wanted) if (w == t) return true;
        return false;
    }

    // Tensors in an order where every tensor comes after the inputs of its node (iterative DFS).
    private static List<Tensor> topologicalOrder(List<Tensor> outputs) {
        List<Tensor> order = new ArrayList<>();
        Set<Tensor> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Object[]> stack = new ArrayDeque<>();
        for (Tensor root : outputs) {
            if (!visited.add(root)) continue;
            stack.push(new Object[] {root, 0});
            while (!stack.isEmpty()) {
                Object[] frame = stack.peek();
                Tensor t = (Tensor) frame[0];
                int next = (Integer) frame[1];
                List<Tensor> inputs = t.gradFn() == null ? List.of() : t.gradFn().inputs();
                if (next < inputs.size()) {
                    frame[1] = next + 1;
                    Tensor child = inputs.get(next);
                    if (child != null && child.requiresGrad() && visited.add(child)) stack.push(new Object[] {child, 0});
                } else {
                    stack.pop();
                    order.add(t);
                }
            }
        }
        return order;
    }

    // Tensors on a path to a wanted input (all, when every leaf's gradient is wanted).
    private static Set<Tensor> neededFor(List<Tensor> order, List<Tensor> wanted) {
        Set<Tensor> needed = Collections.newSetFromMap(new IdentityHashMap<>());
        if (wanted == null) {
            needed.addAll(order);
            return needed;
        }
        Set<Tensor> targets = Collections.newSetFromMap(new IdentityHashMap<>());
        targets.addAll(wanted);
        for (Tensor t : order) { // inputs before outputs
            boolean need = targets.contains(t);
            if (!need && t.gradFn() != null) {
                for (Tensor x : t.gradFn().inputs()) {
                    if (x != null && needed.contains(x)) {
                        need = true;
                        break;
                    }
                }
            }
            if (need) needed.add(t);
        }
        return needed;
    }
}
