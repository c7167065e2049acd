package org.panopt.hessian;

import java.util.List;
import org.panopt.autograd.Autograd;
import org.panopt.tensor.Tensor;

/**
 * Curvature of the form C = Jᵀ M J, where J = ∂z/∂θ is the Jacobian of the network output z over the
 * batch and M a positive semi-definite matrix in output space: the generalized Gauss–Newton matrix, the
 * true Fisher and the empirical Fisher differ only in M. A product costs one forward-mode product
 * u = J·v (the double-vjp trick of {@link Autograd#jvp}), one output-space product M·u, and one
 * back-propagation Jᵀ(M u).
 */
public abstract class OutputSpaceCurvature implements LinearOperator {
    protected final BatchLoss loss;

    protected OutputSpaceCurvature(BatchLoss loss) {
        this.loss = loss;
    }

    /** M·u for the output {@code output} (detached) and u = J·v of the same shape. */
    protected abstract Tensor outputProduct(Tensor output, Tensor u);

    @Override
    public final int dim() {
        return loss.dim();
    }

    @Override
    public final void apply(double[] v, double[] out) {
        checkLength(getClass().getSimpleName() + " apply", v);
        Tensor output = loss.output();
        List<Tensor> params = loss.tensors();
        Tensor u = Autograd.jvp(output, params, loss.toTensors(v)).detach();
        Tensor mu = outputProduct(output.detach(), u).detach(); // inputs are detached: nothing is recorded but what a product differentiates itself
        loss.flattenInto(Autograd.grad(List.of(output), params, List.of(mu.to(output.dtype())), false, false), out);
    }

    @Override
    public final boolean isSymmetric() {
        return true;
    }

    public BatchLoss batchLoss() {
        return loss;
    }

    /** ⟨a_n, b_n⟩ per case n (axis 0), shaped [N, 1, …, 1] so that it broadcasts against a and b. */
    protected static Tensor perCaseDot(Tensor a, Tensor b) {
        int n = a.dim(0);
        Tensor dots = a.mul(b).reshape(n, -1).sum(new int[] {1}, false);
        int[] dims = new int[a.rank()];
        java.util.Arrays.fill(dims, 1);
        dims[0] = n;
        return dots.reshape(dims);
    }

    /** ∂L/∂z of the reduced loss against {@code targets}, at {@code output}. */
    protected final Tensor outputGradient(Tensor output, Tensor targets) {
        Tensor z = output.detach().requiresGrad(true);
        return Autograd.grad(List.of(loss.loss().loss(z, targets)), List.of(z), null, false).getFirst().detach();
    }
}
