package org.example;

import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/** Uses panopt-core as an outside project would, and checks a few results against hand-computed values. */
public final class ImportCore {
    public static void main(String[] args) {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = Tensor.of(new float[] {1, 0, 0, 1, 1, 1}, 3, 2);
        double[] ab = a.matmul(b).toDoubleArray();              // [[4, 5], [10, 11]]
        double[] p = Tensor.of(new double[] {0, Math.log(3)}).softmax(0).toDoubleArray(); // [0.25, 0.75]
        double mean = Tensor.arange(0, 10, 1, DType.FLOAT64).mean().item(); // 4.5
        boolean ok = ab[0] == 4 && ab[1] == 5 && ab[2] == 10 && ab[3] == 11
                && Math.abs(p[0] - 0.25) < 1e-12 && Math.abs(p[1] - 0.75) < 1e-12 && mean == 4.5;
        if (!ok) {
            System.out.println("import-core: FAILED ab=" + java.util.Arrays.toString(ab) + " p=" + java.util.Arrays.toString(p) + " mean=" + mean);
            System.exit(1);
        }
        System.out.println("import-core: ok (matmul, softmax and mean from panopt-core " + a.dtype() + ")");
    }
}
