package org.panopt.gpu.kernels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The index arithmetic of an elementwise op over NumPy-broadcast operands, for a device kernel: the
 * output is walked in row-major order (it is contiguous), and operand k's element for output index i
 * is {@code Σ_a digit_a(i)·strides[k][a]}, the digits of i in the mixed radix {@code dims}.
 *
 * <p>The shape is simplified exactly as core's {@code BroadcastPlan} does it: output axes of extent 1
 * are dropped, and an axis merges into the one before it when every operand (the output included) walks
 * the pair contiguously, i.e. {@code stride(previous) = stride(axis)·extent(axis)}. So a same-shape op
 * is one axis of stride 1 and a bias added to {@code [N, C, H, W]} is {@code [N, C, H·W]} with bias
 * strides {@code [0, 1, 0]}. Unlike {@code BroadcastPlan}, the inner run is not special: it is the last
 * axis. A stride of 0 reads one element for the whole axis.
 *
 * @param dims    the merged output extents (empty for a one-element output)
 * @param strides per input operand (output excluded), its stride along each merged axis
 * @param size    the number of output elements
 */
public record BroadcastIndex(int[] dims, int[][] strides, int size) {

    /**
     * The index for writing {@code out} from inputs whose shapes broadcast to it (checked by the caller,
     * as {@code Tensor} does).
     */
    public static BroadcastIndex of(int[] out, int[]... inputs) {
        int rank = out.length;
        int ops = inputs.length + 1;
        int[][] full = new int[ops][];
        full[0] = rowMajorStrides(out, out);
        for (int k = 0; k < inputs.length; k++) full[k + 1] = rowMajorStrides(inputs[k], out);
        List<Integer> dims = new ArrayList<>();
        List<int[]> st = new ArrayList<>();
        for (int a = 0; a < rank; a++) {
            if (out[a] == 1) continue;
            int[] s = new int[ops];
            for (int k = 0; k < ops; k++) s[k] = full[k][a];
            if (!dims.isEmpty() && mergeable(st.getLast(), s, out[a])) {
                int last = dims.size() - 1;
                dims.set(last, dims.get(last) * out[a]);
                st.set(last, s);
            } else {
                dims.add(out[a]);
                st.add(s);
            }
        }
        int n = dims.size();
        int[] d = new int[n];
        int[][] strides = new int[inputs.length][n];
        for (int a = 0; a < n; a++) {
            d[a] = dims.get(a);
            for (int k = 0; k < inputs.length; k++) strides[k][a] = st.get(a)[k + 1];
        }
        int size = 1;
        for (int e : out) size *= e;
        return new BroadcastIndex(d, strides, size);
    }

    /**
     * The index for a permutation: output axis i is input axis {@code perm[i]}, so the input is read
     * with strides {@code inputStrides[perm[i]]}. Neighbouring output axes that are also neighbours in
     * the input merge.
     */
    public static BroadcastIndex permutation(int[] inputDims, int[] perm) {
        int rank = inputDims.length;
        int[] xs = new int[rank];
        for (int a = rank - 1, acc = 1; a >= 0; a--) {
            xs[a] = acc;
            acc *= inputDims[a];
        }
        List<Integer> dims = new ArrayList<>();
        List<Integer> st = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            int d = inputDims[perm[i]];
            int s = xs[perm[i]];
            if (d == 1) continue;
            if (!dims.isEmpty() && st.getLast() == s * d) {
                dims.set(dims.size() - 1, dims.getLast() * d);
                st.set(st.size() - 1, s);
            } else {
                dims.add(d);
                st.add(s);
            }
        }
        int size = 1;
        for (int e : inputDims) size *= e;
        return new BroadcastIndex(dims.stream().mapToInt(Integer::intValue).toArray(),
                new int[][] {st.stream().mapToInt(Integer::intValue).toArray()}, size);
    }

    // Axis a (strides p) and a+1 (strides s, extent d) merge when p == s·d for every operand.
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

    public int rank() {
        return dims.length;
    }

    /** Input k's offset for output index i (the scalar reference of the kernels' {@code pn_offset}). */
    public long offset(int k, long i) {
        long off = 0;
        for (int a = dims.length - 1; a >= 0; a--) {
            off += (i % dims[a]) * strides[k][a];
            i /= dims[a];
        }
        return off;
    }

    /**
     * When the rank exceeds what a kernel indexes ({@link CudaKernels#MAX_RANK}), the leading axes are
     * looped over on the host: this is the index of the trailing {@code MAX_RANK} axes, and
     * {@link #leading} enumerates the base offsets of each slice.
     */
    public BroadcastIndex trailing(int keep) {
        if (rank() <= keep) return this;
        int drop = rank() - keep;
        int[] d = Arrays.copyOfRange(dims, drop, dims.length);
        int[][] s = new int[strides.length][];
        for (int k = 0; k < strides.length; k++) s[k] = Arrays.copyOfRange(strides[k], drop, dims.length);
        int size = 1;
        for (int e : d) size *= e;
        return new BroadcastIndex(d, s, size);
    }

    /**
     * The slices left by {@link #trailing}: for each, the output offset then each input's offset, in
     * row-major order of the leading axes.
     */
    public List<long[]> leading(int keep) {
        List<long[]> out = new ArrayList<>();
        int drop = Math.max(0, rank() - keep);
        int slice = 1;
        for (int a = drop; a < dims.length; a++) slice *= dims[a];
        int count = 1;
        for (int a = 0; a < drop; a++) count *= dims[a];
        for (int c = 0; c < count; c++) {
            long[] base = new long[strides.length + 1];
            base[0] = (long) c * slice;
            int rem = c;
            for (int a = drop - 1; a >= 0; a--) {
                int digit = rem % dims[a];
                rem /= dims[a];
                for (int k = 0; k < strides.length; k++) base[k + 1] += (long) digit * strides[k][a];
            }
            out.add(base);
        }
        return out;
    }
}
