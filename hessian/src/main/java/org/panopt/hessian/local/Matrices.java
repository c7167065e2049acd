package org.panopt.hessian.local;

import org.ejml.data.DMatrixRMaj;
import org.panopt.autograd.Autograd;
import org.panopt.tensor.Tensor;

/** Conversions between tensors and EJML matrices, in double. */
final class Matrices {
    private Matrices() {}

    /** A copy of a tensor of shape [rows, …] as a rows × (size/rows) matrix. */
    static DMatrixRMaj of(Tensor t, String what) {
        if (t.rank() < 1 || t.size() == 0) throw new IllegalArgumentException(what + ": needs a non-empty tensor with a leading axis, got shape " + t.shape());
        int rows = t.dim(0);
        double[] data = Autograd.noGrad(() -> t.detach().toDoubleArray());
        return DMatrixRMaj.wrap(rows, data.length / rows, data);
    }

    /** A 2-d tensor [rows, cols] as a matrix; anything else is an error naming the shape. */
    static DMatrixRMaj ofMatrix(Tensor t, String what) {
        if (t.rank() != 2) throw new IllegalArgumentException(what + ": needs a matrix [rows, cols], got shape " + t.shape());
        return of(t, what);
    }
}
