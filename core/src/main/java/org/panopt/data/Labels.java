package org.panopt.data;

import org.panopt.tensor.Tensor;

/** Class labels held as float class indices {@code [N]}: one-hot encoding and counting. */
public final class Labels {
    private Labels() {}

    /** One-hot rows {@code [N, classes]} (float32): row i is e_{y_i}. Labels must be integers in [0, classes). */
    public static Tensor oneHot(Tensor labels, int classes) {
        int[] y = indices(labels, classes);
        float[] out = new float[y.length * classes];
        for (int i = 0; i < y.length; i++) out[i * classes + y[i]] = 1;
        return HostArrays.wrap(out, y.length, classes);
    }

    /** How many examples each class has. */
    public static int[] counts(Tensor labels, int classes) {
        int[] c = new int[classes];
        for (int y : indices(labels, classes)) c[y]++;
        return c;
    }

    /** The labels as ints, checked to be whole numbers in [0, classes). */
    public static int[] indices(Tensor labels, int classes) {
        if (labels.rank() != 1) throw new IllegalArgumentException("class labels must be a vector [N], not " + labels.shape());
        if (classes <= 0) throw new IllegalArgumentException("classes " + classes + " must be positive");
        double[] v = labels.toDoubleArray();
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (!(v[i] >= 0 && v[i] < classes && v[i] == Math.rint(v[i]))) {
                throw new IllegalArgumentException("label " + v[i] + " at index " + i + " is not a class index in 0.." + (classes - 1));
            }
            out[i] = (int) v[i];
        }
        return out;
    }
}
