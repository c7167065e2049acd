package org.panopt.optim.adaptive;

import java.util.ArrayList;
import java.util.List;
import org.panopt.autograd.Autograd;
import org.panopt.optim.Objective;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * The line function f(η') = L(w − η'·d) along a step direction d, evaluated through
 * {@link Objective#probe}: the probe weights w − η'd are formed in {@code precision} (from the parameters and
 * the direction converted to it) and the loss comes back as a double. The model is left exactly as it was.
 */
final class LineProbes {
    private LineProbes() {}

    static double[] evaluate(Objective objective, List<Tensor> params, List<Tensor> direction, double[] etas, DType precision) {
        List<Tensor> w = new ArrayList<>(params.size());
        List<Tensor> d = new ArrayList<>(params.size());
        Autograd.noGrad(() -> {
            for (int i = 0; i < params.size(); i++) {
                w.add(params.get(i).detach().to(precision));
                d.add(direction.get(i).detach().to(precision));
            }
        });
        double[] f = new double[etas.length];
        for (int k = 0; k < etas.length; k++) {
            double eta = etas[k];
            List<Tensor> values = Autograd.noGrad(() -> {
                List<Tensor> v = new ArrayList<>(params.size());
                for (int i = 0; i < params.size(); i++) v.add(w.get(i).sub(d.get(i).mul(eta)));
                return v;
            });
            f[k] = objective.probe(params, values, precision);
        }
        return f;
    }

    /** Σ_i ⟨a_i, b_i⟩ accumulated in double. */
    static double dot(List<Tensor> a, List<Tensor> b) {
        return Autograd.noGrad(() -> {
            double s = 0;
            for (int i = 0; i < a.size(); i++) s += a.get(i).to(DType.FLOAT64).mul(b.get(i).to(DType.FLOAT64)).sum().item();
            return s;
        });
    }

    /** −η·d for each direction tensor. */
    static List<Tensor> step(List<Tensor> direction, double eta) {
        List<Tensor> out = new ArrayList<>(direction.size());
        for (Tensor t : direction) out.add(t.mul(-eta));
        return out;
    }
}
