package org.panopt.hessian;

import java.util.List;
import org.panopt.autograd.Autograd;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * The Hessian approximated by central differences of gradients, for comparison with the exact
 * {@link HessianOperator}:
 * <pre>
 *   H·v ≈ ‖v‖ · (∇L(θ + h v̂) − ∇L(θ − h v̂)) / (2h),   v̂ = v/‖v‖
 * </pre>
 * Error O(h²) from truncation plus O(ε_mach·‖∇L‖/h) from round-off; the default step h balances them:
 * {@value #STEP_FLOAT64} for float64 parameters, {@value #STEP_FLOAT32} for float32. The parameters are
 * moved in place and restored bit for bit after each product. Symmetric only up to that error.
 */
public final class FiniteDifferenceHessianOperator implements LinearOperator {
    /** Default step for float64 parameters (≈ ε^{1/3}). */
    public static final double STEP_FLOAT64 = 1e-5;
    /** Default step for float32 parameters (≈ ε^{1/3}). */
    public static final double STEP_FLOAT32 = 5e-3;

    private final BatchLoss loss;
    private final double step;

    public FiniteDifferenceHessianOperator(BatchLoss loss, double step) {
        if (!(step > 0) || !Double.isFinite(step)) throw new IllegalArgumentException("FiniteDifferenceHessianOperator: step " + step + " must be positive");
        this.loss = loss;
        this.step = step;
    }

    /** With the default step for the parameters' precision (the coarsest one among them). */
    public FiniteDifferenceHessianOperator(BatchLoss loss) {
        this(loss, loss.tensors().stream().anyMatch(t -> t.dtype() == DType.FLOAT32) ? STEP_FLOAT32 : STEP_FLOAT64);
    }

    @Override
    public int dim() {
        return loss.dim();
    }

    @Override
    public void apply(double[] v, double[] out) {
        checkLength("finite-difference Hessian apply", v);
        double norm = 0;
        for (double x : v) norm += x * x;
        norm = Math.sqrt(norm);
        if (norm == 0) {
            java.util.Arrays.fill(out, 0);
            return;
        }
        double[] unit = new double[v.length];
        for (int i = 0; i < v.length; i++) unit[i] = v[i] / norm;
        List<Tensor> params = loss.tensors();
        List<Tensor> direction = loss.toTensors(unit);
        List<Tensor> saved = Autograd.noGrad(() -> params.stream().map(p -> p.detach().copy()).toList());
        double[] plus;
        double[] minus;
        try {
            move(params, direction, step);
            plus = loss.gradient();
            restore(params, saved);
            move(params, direction, -step);
            minus = loss.gradient();
        } finally {
            restore(params, saved);
        }
        for (int i = 0; i < out.length; i++) out[i] = norm * (plus[i] - minus[i]) / (2 * step);
    }

    private static void move(List<Tensor> params, List<Tensor> direction, double h) {
        Autograd.noGrad(() -> {
            for (int i = 0; i < params.size(); i++) params.get(i).addInPlace(direction.get(i), h);
        });
    }

    private static void restore(List<Tensor> params, List<Tensor> saved) {
        Autograd.noGrad(() -> {
            for (int i = 0; i < params.size(); i++) params.get(i).copyFrom(saved.get(i));
        });
    }

    @Override
    public boolean isSymmetric() {
        return true;
    }

    public double step() {
        return step;
    }
}
