package org.panopt.hessian;

import java.util.List;
import org.panopt.autograd.Autograd;
import org.panopt.tensor.Tensor;

/**
 * The exact Hessian H = ∇²_θ L(θ) of a {@link BatchLoss}, by double back-propagation (Pearlmutter's
 * trick as PyTorch does it): H·v = ∇_θ ⟨∇_θ L, v⟩, one forward pass and two backward passes per product.
 * Evaluated at the parameters' current values at every call. Indefinite in general (negative curvature
 * from the loss's second-order terms through non-linear layers).
 */
public final class HessianOperator implements LinearOperator {
    private final BatchLoss loss;

    public HessianOperator(BatchLoss loss) {
        this.loss = loss;
    }

    @Override
    public int dim() {
        return loss.dim();
    }

    @Override
    public void apply(double[] v, double[] out) {
        checkLength("Hessian apply", v);
        Tensor value = loss.lossOf(loss.output());
        List<Tensor> hv = Autograd.hvp(value, loss.tensors(), loss.toTensors(v));
        loss.flattenInto(hv, out);
    }

    @Override
    public boolean isSymmetric() {
        return true;
    }

    public BatchLoss batchLoss() {
        return loss;
    }
}
