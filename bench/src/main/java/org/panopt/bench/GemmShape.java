package org.panopt.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * One GEMM problem: row-major C[m×n] = op(A)[m×k]·op(B)[k×n], with A stored k×m when
 * {@code transA} and B stored n×k when {@code transB} (panopt's {@code Gemm} convention).
 *
 * @param label where the shape comes from, e.g. {@code "square"} or {@code "fwd 784→1000"}
 */
public record GemmShape(String label, int m, int n, int k, boolean transA, boolean transB) {
    /** Batch size of the autoencoder training shapes. */
    public static final int BATCH = 256;
    /** Layer widths of the encoder; the decoder mirrors it. */
    public static final int[] AUTOENCODER = {784, 1000, 500, 250, 30};

    /** Multiply-adds of the product, times two: the flop count GFLOP/s figures use. */
    public double flops() {
        return 2.0 * m * n * k;
    }

    /** {@code NN}, {@code NT}, {@code TN} or {@code TT}: how A and B are read. */
    public String ops() {
        return (transA ? "T" : "N") + (transB ? "T" : "N");
    }

    /** Compact form {@code m×n×k:OPS}, also accepted by {@link #parse}. */
    public String key() {
        return m + "x" + n + "x" + k + ":" + ops();
    }

    /** Parses {@code m x n x k : OPS}, e.g. {@code 256x1000x784:NT}. */
    public static GemmShape parse(String key) {
        String[] parts = key.split(":");
        String[] dims = parts[0].split("x");
        if (parts.length != 2 || dims.length != 3 || !parts[1].matches("[NT]{2}")) {
            throw new IllegalArgumentException("shape '" + key + "' is not of the form MxNxK:OPS, e.g. 256x1000x784:NT");
        }
        return new GemmShape("", Integer.parseInt(dims[0]), Integer.parseInt(dims[1]), Integer.parseInt(dims[2]),
                parts[1].charAt(0) == 'T', parts[1].charAt(1) == 'T');
    }

    public static GemmShape square(int n) {
        return new GemmShape("square", n, n, n, false, false);
    }

    /**
     * The products one training step of the 784-1000-500-250-30 autoencoder (mirrored decoder)
     * performs at batch 256, per dense layer in→out with weights W[out×in]:
     * forward Y = X·Wᵀ (NT), backward dX = dY·W (NN) and dW = dYᵀ·X (TN).
     */
    public static List<GemmShape> autoencoder() {
        List<int[]> layers = new ArrayList<>();
        for (int i = 0; i + 1 < AUTOENCODER.length; i++) layers.add(new int[] {AUTOENCODER[i], AUTOENCODER[i + 1]});
        for (int i = AUTOENCODER.length - 1; i > 0; i--) layers.add(new int[] {AUTOENCODER[i], AUTOENCODER[i - 1]});
        List<GemmShape> out = new ArrayList<>();
        for (int[] l : layers) {
            int in = l[0], o = l[1];
            String layer = in + "→" + o;
            out.add(new GemmShape("fwd " + layer, BATCH, o, in, false, true));
            out.add(new GemmShape("dX " + layer, BATCH, in, o, false, false));
            out.add(new GemmShape("dW " + layer, o, in, BATCH, true, false));
        }
        return out;
    }
}
