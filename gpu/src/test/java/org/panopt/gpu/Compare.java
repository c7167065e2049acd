package org.panopt.gpu;

import static org.assertj.core.api.Assertions.fail;

import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/** Elementwise comparison of a device result with the CPU's: |a − e| ≤ atol + rtol·|e|, NaN matching NaN, infinities exact. */
final class Compare {
    private Compare() {}

    /** Tolerances by dtype: float32 results differ by a few ulp (math library, summation order), float64 by far less. */
    static double rtol(DType t) {
        return t == DType.FLOAT32 ? 2e-5 : 1e-12;
    }

    static void close(String what, Tensor actual, Tensor expected) {
        close(what, actual, expected, rtol(expected.dtype()), rtol(expected.dtype()));
    }

    static void close(String what, Tensor actual, Tensor expected, double rtol, double atol) {
        if (!actual.shape().equals(expected.shape())) fail(what + ": shape " + actual.shape() + ", expected " + expected.shape());
        if (actual.dtype() != expected.dtype()) fail(what + ": dtype " + actual.dtype() + ", expected " + expected.dtype());
        close(what, actual.toDoubleArray(), expected.toDoubleArray(), rtol, atol);
    }

    static void close(String what, double[] a, double[] e, double rtol, double atol) {
        if (a.length != e.length) fail(what + ": " + a.length + " values, expected " + e.length);
        for (int i = 0; i < a.length; i++) {
            boolean ok;
            if (Double.isNaN(e[i]) || Double.isInfinite(e[i])) ok = Double.compare(a[i], e[i]) == 0 || (Double.isNaN(a[i]) && Double.isNaN(e[i]));
            else ok = Math.abs(a[i] - e[i]) <= atol + rtol * Math.abs(e[i]);
            if (!ok) fail(what + ": element " + i + " is " + a[i] + ", expected " + e[i] + " (rtol " + rtol + ", atol " + atol + ")");
        }
    }
}
