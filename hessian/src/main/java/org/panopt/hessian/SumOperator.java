package org.panopt.hessian;

import java.util.List;

/** A₁ + A₂ + … of operators of one dimension; symmetric when every term is. */
final class SumOperator implements LinearOperator {
    private final List<LinearOperator> terms;
    private final int dim;

    SumOperator(List<LinearOperator> terms) {
        if (terms.isEmpty()) throw new IllegalArgumentException("a sum of operators needs at least one term");
        this.dim = terms.getFirst().dim();
        for (int i = 1; i < terms.size(); i++) {
            if (terms.get(i).dim() != dim) {
                throw new IllegalArgumentException("sum of operators: term " + i + " has dimension " + terms.get(i).dim() + ", term 0 has " + dim);
            }
        }
        this.terms = List.copyOf(terms);
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public void apply(double[] v, double[] out) {
        checkLength("sum apply", v);
        double[] tmp = new double[dim];
        terms.getFirst().apply(v, out);
        for (int t = 1; t < terms.size(); t++) {
            terms.get(t).apply(v, tmp);
            for (int i = 0; i < dim; i++) out[i] += tmp[i];
        }
    }

    @Override
    public boolean isSymmetric() {
        return terms.stream().allMatch(LinearOperator::isSymmetric);
    }
}
