package org.panopt.kernels;

/**
 * Materialized axis permutation of a row-major array: {@code y} axis i is {@code x} axis
 * {@code perm[i]}. Swapping the two last axes (a batched matrix transpose, the common case) runs in
 * square tiles so that both the reads and the writes stay within a few cache lines.
 */
public final class Permute {
    private static final int TILE = 32;

    private Permute() {}

    /** y[...] = x[...] permuted; {@code dims} are x's extents. */
    public static void apply(float[] x, int xo, int[] dims, int[] perm, float[] y, int yo) {
        Plan p = Plan.of(dims, perm);
        if (p.swapLastTwo) {
            for (int b = 0; b < p.batch; b++) transpose(x, xo + b * p.rows * p.cols, p.rows, p.cols, y, yo + b * p.rows * p.cols);
            return;
        }
        p.forRows((row, src) -> {
            int dst = yo + row * p.len;
            for (int j = 0; j < p.len; j++) y[dst + j] = x[xo + src + j * p.stride];
        });
    }

    /** float64 twin of {@link #apply(float[], int, int[], int[], float[], int)}. */
    public static void apply(double[] x, int xo, int[] dims, int[] perm, double[] y, int yo) {
        Plan p = Plan.of(dims, perm);
        if (p.swapLastTwo) {
            for (int b = 0; b < p.batch; b++) transpose(x, xo + b * p.rows * p.cols, p.rows, p.cols, y, yo + b * p.rows * p.cols);
            return;
        }
        p.forRows((row, src) -> {
            int dst = yo + row * p.len;
            for (int j = 0; j < p.len; j++) y[dst + j] = x[xo + src + j * p.stride];
        });
    }

    // y (cols × rows) = xᵀ for x (rows × cols), tile by tile.
    private static void transpose(float[] x, int xo, int rows, int cols, float[] y, int yo) {
        for (int i0 = 0; i0 < rows; i0 += TILE) {
            int i1 = Math.min(rows, i0 + TILE);
            for (int j0 = 0; j0 < cols; j0 += TILE) {
                int j1 = Math.min(cols, j0 + TILE);
                for (int i = i0; i < i1; i++) {
                    for (int j = j0; j < j1; j++) y[yo + j * rows + i] = x[xo + i * cols + j];
                }
            }
        }
    }

    private static void transpose(double[] x, int xo, int rows, int cols, double[] y, int yo) {
        for (int i0 = 0; i0 < rows; i0 += TILE) {
            int i1 = Math.min(rows, i0 + TILE);
            for (int j0 = 0; j0 < cols; j0 += TILE) {
                int j1 = Math.min(cols, j0 + TILE);
                for (int i = i0; i < i1; i++) {
                    for (int j = j0; j < j1; j++) y[yo + j * rows + i] = x[xo + i * cols + j];
                }
            }
        }
    }

    /** The output walked as rows of its last axis, each read from x at a start offset with a stride. */
    private static final class Plan {
        final int[] outDims;
        final int[] srcStrides;
        final int len;
        final int stride;
        final boolean swapLastTwo;
        final int batch;
        final int rows;
        final int cols;

        interface RowVisitor {
            void visit(int row, int srcOffset);
        }

        private Plan(int[] dims, int[] perm) {
            int r = dims.length;
            int[] xs = new int[r];
            for (int a = r - 1, acc = 1; a >= 0; a--) {
                xs[a] = acc;
                acc *= dims[a];
            }
            outDims = new int[r];
            srcStrides = new int[r];
            for (int i = 0; i < r; i++) {
                outDims[i] = dims[perm[i]];
                srcStrides[i] = xs[perm[i]];
            }
            len = r == 0 ? 1 : outDims[r - 1];
            stride = r == 0 ? 1 : srcStrides[r - 1];
            boolean swap = r >= 2 && perm[r - 1] == r - 2 && perm[r - 2] == r - 1;
            for (int i = 0; i < r - 2 && swap; i++) swap = perm[i] == i;
            swapLastTwo = swap;
            rows = r >= 2 ? dims[r - 2] : 1;
            cols = r >= 2 ? dims[r - 1] : 1;
            int b = 1;
            for (int i = 0; i < r - 2; i++) b *= dims[i];
            batch = b;
        }

        static Plan of(int[] dims, int[] perm) {
            return new Plan(dims, perm);
        }

        void forRows(RowVisitor v) {
            int r = outDims.length;
            int total = 1;
            for (int i = 0; i < r - 1; i++) total *= outDims[i];
            if (len == 0) return;
            int[] idx = new int[Math.max(r - 1, 0)];
            int src = 0;
            for (int row = 0; row < total; row++) {
                v.visit(row, src);
                for (int a = r - 2; a >= 0; a--) {
                    if (++idx[a] < outDims[a]) {
                        src += srcStrides[a];
                        break;
                    }
                    idx[a] = 0;
                    src -= (outDims[a] - 1) * srcStrides[a];
                }
            }
        }
    }
}
