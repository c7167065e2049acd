package org.panopt.kernels;

import java.util.ArrayList;
import java.util.List;

/**
 * How an elementwise op over NumPy-broadcast operands decomposes into contiguous inner runs.
 *
 * <p>Axes of extent 1 in the output are dropped, and neighbouring axes that every operand walks
 * contiguously (or every broadcast operand skips) are merged, so that e.g. a same-shape op is one run
 * of {@code size} elements and a bias added to {@code [N, C, H, W]} is {@code N·C} runs of {@code H·W}.
 * In each run an operand's stride is 1 (read along) or 0 (a broadcast value).
 */
public final class BroadcastPlan {
    private final int[] outerDims;      // extents of the outer (row) axes
    private final int[][] outerStrides; // [operand][axis], output is operand 0
    private final int[] innerStrides;   // per operand: 0 or 1
    private final int rowLength;
    private final int rows;

    /** A row of the plan: the offset of each operand (output first) relative to its tensor's start. */
    @FunctionalInterface
    public interface RowVisitor {
        void visit(int[] offsets, int length);
    }

    private BroadcastPlan(int[] outerDims, int[][] outerStrides, int[] innerStrides, int rowLength) {
        this.outerDims = outerDims;
        this.outerStrides = outerStrides;
        this.innerStrides = innerStrides;
        this.rowLength = rowLength;
        int r = 1;
        for (int d : outerDims) r *= d;
        this.rows = rowLength == 0 ? 0 : r;
    }

    /**
     * A plan for writing {@code out} from inputs whose shapes broadcast to it (each input's dims,
     * right-aligned against {@code out}, equal the output's or are 1). The caller has checked that.
     */
    public static BroadcastPlan of(int[] out, int[]... inputs) {
        int rank = out.length;
        int ops = inputs.length + 1;
        int[][] strides = new int[ops][];
        strides[0] = rowMajorStrides(out, out);
        for (int k = 0; k < inputs.length; k++) strides[k + 1] = rowMajorStrides(inputs[k], out);

        // Keep the axes of extent > 1, then merge neighbours that are contiguous for every operand.
        List<Integer> dims = new ArrayList<>();
        List<int[]> st = new ArrayList<>();
        for (int a = 0; a < rank; a++) {
            if (out[a] == 1) continue;
            int[] s = new int[ops];
            for (int k = 0; k < ops; k++) s[k] = strides[k][a];
            if (!dims.isEmpty() && mergeable(st.getLast(), s, out[a])) {
                int last = dims.size() - 1;
                dims.set(last, dims.get(last) * out[a]);
                st.set(last, s);
            } else {
                dims.add(out[a]);
                st.add(s);
            }
        }
        if (dims.isEmpty()) { // a scalar output or all extents 1
            return new BroadcastPlan(new int[0], new int[ops][0], new int[ops], sizeOf(out));
        }
        int n = dims.size();
        int[] inner = st.get(n - 1);
        int[] outerDims = new int[n - 1];
        int[][] outerStrides = new int[ops][n - 1];
        for (int a = 0; a < n - 1; a++) {
            outerDims[a] = dims.get(a);
            for (int k = 0; k < ops; k++) outerStrides[k][a] = st.get(a)[k];
        }
        return new BroadcastPlan(outerDims, outerStrides, inner, dims.get(n - 1));
    }

    // Axis a (previous, strides p) and a+1 (strides s, extent d) merge when p == s·d for every operand.
    private static boolean mergeable(int[] p, int[] s, int d) {
        for (int k = 0; k < p.length; k++) if (p[k] != s[k] * d) return false;
        return true;
    }

    private static int[] rowMajorStrides(int[] dims, int[] out) {
        int[] s = new int[out.length];
        int acc = 1;
        int shift = out.length - dims.length;
        for (int a = dims.length - 1; a >= 0; a--) {
            s[a + shift] = dims[a] == 1 && out[a + shift] != 1 ? 0 : acc;
            acc *= dims[a];
        }
        return s;
    }

    private static int sizeOf(int[] dims) {
        int n = 1;
        for (int d : dims) n *= d;
        return n;
    }

    public int rows() {
        return rows;
    }

    public int rowLength() {
        return rowLength;
    }

    /** Stride of operand {@code k} (0 = output) along a run: 0 or 1. */
    public int innerStride(int k) {
        return innerStrides[k];
    }

    /** Visits rows {@code [from, to)} in order, handing each operand's offset to the visitor. */
    public void forRows(int from, int to, RowVisitor visitor) {
        if (from >= to) return; // also keeps an empty output's zero extents out of the odometer's % below
        int ops = innerStrides.length;
        int rank = outerDims.length;
        int[] idx = new int[rank];
        int[] off = new int[ops];
        // Position the odometer at row `from`.
        int rem = from;
        for (int a = rank - 1; a >= 0; a--) {
            idx[a] = rem % outerDims[a];
            rem /= outerDims[a];
            for (int k = 0; k < ops; k++) off[k] += idx[a] * outerStrides[k][a];
        }
        for (int row = from; row < to; row++) {
            visitor.visit(off, rowLength);
            for (int a = rank - 1; a >= 0; a--) {
                if (++idx[a] < outerDims[a]) {
                    for (int k = 0; k < ops; k++) off[k] += outerStrides[k][a];
                    break;
                }
                idx[a] = 0;
                for (int k = 0; k < ops; k++) off[k] -= (outerDims[a] - 1) * outerStrides[k][a];
            }
        }
    }

    /** Below this many elements an op runs on the calling thread: a hand-off costs more than it saves. */
    static final int PARALLEL_MIN = 1 << 15;

    /**
     * Visits every row, split over {@link Parallel}'s threads when the op is large: whole rows when
     * there are enough of them, otherwise chunks of each row (a same-shape op is a single row). Each
     * task gets its own offsets array, so visitors must only write their own output range.
     */
    public void forAll(RowVisitor visitor) {
        long total = (long) rows * rowLength;
        int threads = Parallel.threads();
        if (total < PARALLEL_MIN || threads == 1) {
            forRows(0, rows, visitor);
            return;
        }
        if (rows >= 4 * threads) {
            int tasks = 4 * threads;
            Parallel.forEach(tasks, t -> forRows((int) ((long) rows * t / tasks), (int) ((long) rows * (t + 1) / tasks), visitor));
            return;
        }
        int chunks = (int) Math.min(4L * threads, Math.max(1, rowLength / (PARALLEL_MIN / 4)));
        int ops = innerStrides.length;
        forRows(0, rows, (off, n) -> {
            int[] base = off.clone();
            Parallel.forEach(chunks, c -> {
                int from = (int) ((long) n * c / chunks);
                int to = (int) ((long) n * (c + 1) / chunks);
                int[] o = new int[ops];
                for (int k = 0; k < ops; k++) o[k] = base[k] + from * innerStrides[k];
                visitor.visit(o, to - from);
            });
        });
    }
}
