package org.panopt.hessian;

/** A·B: v ↦ A(B v). Not symmetric in general (AB = (AB)ᵀ only when A and B commute). */
final class ProductOperator implements LinearOperator {
    private final LinearOperator outer;
    private final LinearOperator inner;

    ProductOperator(LinearOperator outer, LinearOperator inner) {
        if (outer.dim() != inner.dim()) {
            throw new IllegalArgumentException("product of operators of dimensions " + outer.dim() + " and " + inner.dim());
        }
        this.outer = outer;
        this.inner = inner;
    }

    @Override
    public int dim() {
        return outer.dim();
    }

    @Override
    public void apply(double[] v, double[] out) {
        double[] tmp = new double[inner.dim()];
        inner.apply(v, tmp);
        outer.apply(tmp, out);
    }

    @Override
    public boolean isSymmetric() {
        return false;
    }
}
