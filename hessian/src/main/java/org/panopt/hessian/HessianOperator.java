package org.panopt.hessian;

import java.util.ArrayList;
import java.util.List;
import org.panopt.autograd.Autograd;
import org.panopt.tensor.Tensor;

/**
 * The exact Hessian H = ∇²_θ L(θ) of a {@link BatchLoss}, by double back-propagation (Pearlmutter's
 * trick as PyTorch does it): H·v = ∇_θ ⟨∇_θ L, v⟩. Indefinite in general (negative curvature from the
 * loss's second-order terms through non-linear layers). Two ways to evaluate it:
 * <ul>
 * <li>{@code new HessianOperator(loss)}: evaluated at the parameters' current values at every call — one
 *     forward pass, the gradient with {@code createGraph}, and one vector–Jacobian product of it per product
 *     (about three gradients of work);</li>
 * <li>{@link #retained(BatchLoss)}: the forward pass and the gradient graph are recorded once, at the
 *     parameters' values then, and every product is only the vector–Jacobian product of the recorded gradient
 *     (about two gradients of work) — what PyHessian does for its Lanczos and power iterations. The
 *     parameters must not change while it is used: every product checks them against a snapshot and refuses
 *     to answer for a stale graph.</li>
 * </ul>
 */
public final class HessianOperator implements LinearOperator {
    private final BatchLoss loss;
    private final List<Tensor> gradient; // the recorded ∇L (retained mode), or null
    private final List<Tensor> snapshot; // the parameters' values when it was recorded

    public HessianOperator(BatchLoss loss) {
        this(loss, null, null);
    }

    private HessianOperator(BatchLoss loss, List<Tensor> gradient, List<Tensor> snapshot) {
        this.loss = loss;
        this.gradient = gradient;
        this.snapshot = snapshot;
    }

    /**
     * The Hessian at the parameters' current values, with the gradient graph recorded now and reused by every
     * product. It holds the graph (activations and the backward pass's intermediates of the whole batch) until
     * it is unreachable.
     */
    public static HessianOperator retained(BatchLoss loss) {
        Tensor value = loss.lossOf(loss.output());
        List<Tensor> g = Autograd.grad(List.of(value), loss.tensors(), null, true, true);
        List<Tensor> snapshot = new ArrayList<>();
        for (Tensor p : loss.tensors()) snapshot.add(p.detach().copy());
        return new HessianOperator(loss, g, snapshot);
    }

    /** Whether the gradient graph is recorded once ({@link #retained}) rather than at every product. */
    public boolean isRetained() {
        return gradient != null;
    }

    @Override
    public int dim() {
        return loss.dim();
    }

    @Override
    public void apply(double[] v, double[] out) {
        checkLength("Hessian apply", v);
        List<Tensor> hv;
        if (gradient == null) {
            hv = Autograd.hvp(loss.lossOf(loss.output()), loss.tensors(), loss.toTensors(v));
        } else {
            checkUnchanged();
            hv = Autograd.grad(gradient, loss.tensors(), loss.toTensors(v), false, true);
        }
        loss.flattenInto(hv, out);
    }

    private void checkUnchanged() {
        List<Tensor> now = loss.tensors();
        for (int i = 0; i < now.size(); i++) {
            boolean changed = now.get(i).detach().ne(snapshot.get(i)).sum().item() != 0; // NaN ≠ NaN: a NaN parameter counts as changed
            if (changed) {
                throw new IllegalStateException("HessianOperator.retained: parameter '" + loss.parameters().get(i).name()
                        + "' changed since the gradient graph was recorded; record a new operator at the new parameters");
            }
        }
    }

    @Override
    public boolean isSymmetric() {
        return true;
    }

    public BatchLoss batchLoss() {
        return loss;
    }
}
