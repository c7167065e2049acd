package org.panopt.hessian;

/** α·A. */
final class ScaledOperator implements LinearOperator {
    private final LinearOperator inner;
    private final double alpha;

    ScaledOperator(LinearOperator inner, double alpha) {
        if (!Double.isFinite(alpha)) throw new IllegalArgumentException("scaled operator: factor " + alpha + " must be finite");
        this.inner = inner;
        this.alpha = alpha;
    }

    @Override
    public int dim() {
        return inner.dim();
    }

    @Override
    public void apply(double[] v, double[] out) {
        inner.apply(v, out);
        for (int i = 0; i < out.length; i++) out[i] *= alpha;
    }

    @Override
    public boolean isSymmetric() {
        return inner.isSymmetric();
    }
}
