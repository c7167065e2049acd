package org.panopt.hessian;

/** A[from:to, from:to]: embed v with zeros, apply A, keep [from, to). Symmetric when A is. */
final class PrincipalSubmatrixOperator implements LinearOperator {
    private final LinearOperator whole;
    private final int from;
    private final int to;

    PrincipalSubmatrixOperator(LinearOperator whole, int from, int to) {
        if (from < 0 || to > whole.dim() || from >= to) {
            throw new IllegalArgumentException("restrict [" + from + ", " + to + ") is not a non-empty range of an operator of dimension " + whole.dim());
        }
        this.whole = whole;
        this.from = from;
        this.to = to;
    }

    @Override
    public int dim() {
        return to - from;
    }

    @Override
    public void apply(double[] v, double[] out) {
        checkLength("restricted apply", v);
        double[] full = new double[whole.dim()];
        double[] res = new double[whole.dim()];
        System.arraycopy(v, 0, full, from, dim());
        whole.apply(full, res);
        System.arraycopy(res, from, out, 0, dim());
    }

    @Override
    public boolean isSymmetric() {
        return whole.isSymmetric();
    }
}
