package org.panopt.optim.kfac;

import java.util.ArrayList;
import java.util.List;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * Small helpers over lists of float64 tensors — K-FAC's directions (one homogeneous layer matrix per layer,
 * or one tensor per parameter) — and float64 copies that never alias a parameter's storage.
 */
final class Float64 {
    private Float64() {}

    /** A detached float64 copy of {@code t} that shares no storage with it. */
    static Tensor copyOf(Tensor t) {
        Tensor d = t.detach();
        return d.dtype() == DType.FLOAT64 ? d.copy() : d.to(DType.FLOAT64);
    }

    /** Σ_i ⟨a_i, b_i⟩ accumulated in double. */
    static double dot(List<Tensor> a, List<Tensor> b) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) {
            double[] x = a.get(i).toDoubleArray();
            double[] y = b.get(i).toDoubleArray();
            for (int j = 0; j < x.length; j++) s += x[j] * y[j];
        }
        return s;
    }

    /** α·a + β·b elementwise. */
    static List<Tensor> combine(double alpha, List<Tensor> a, double beta, List<Tensor> b) {
        List<Tensor> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) out.add(a.get(i).mul(alpha).add(b.get(i).mul(beta)));
        return out;
    }

    /** α·a elementwise. */
    static List<Tensor> scale(double alpha, List<Tensor> a) {
        List<Tensor> out = new ArrayList<>(a.size());
        for (Tensor t : a) out.add(t.mul(alpha));
        return out;
    }

    /** Whether every element of every tensor is finite. */
    static boolean allFinite(List<Tensor> ts) {
        for (Tensor t : ts) if (!DenseSymmetric.allFinite(t)) return false;
        return true;
    }
}
