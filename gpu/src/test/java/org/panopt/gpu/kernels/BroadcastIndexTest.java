package org.panopt.gpu.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.panopt.kernels.BroadcastPlan;
import org.panopt.kernels.Permute;

/**
 * {@link BroadcastIndex} addresses every operand element exactly as core's {@link BroadcastPlan} visits
 * it (and as {@link Permute} reads it), on many random shapes: the kernels' index arithmetic rests on it.
 */
class BroadcastIndexTest {

    /** Per operand k (0 = output), the offset of each output element, from BroadcastPlan's row visitor. */
    private static long[][] planOffsets(int[] out, int[]... inputs) {
        BroadcastPlan plan = BroadcastPlan.of(out, inputs);
        int size = 1;
        for (int d : out) size *= d;
        long[][] offsets = new long[inputs.length + 1][size];
        plan.forRows(0, plan.rows(), (off, n) -> {
            for (int j = 0; j < n; j++) {
                int i = off[0] + j * plan.innerStride(0);
                for (int k = 0; k <= inputs.length; k++) offsets[k][i] = off[k] + (long) j * plan.innerStride(k);
            }
        });
        return offsets;
    }

    private static int[] randomBroadcastable(SplittableRandom rng, int[] out) {
        int drop = rng.nextInt(out.length + 1);
        int[] in = Arrays.copyOfRange(out, drop, out.length);
        for (int a = 0; a < in.length; a++) if (rng.nextInt(3) == 0) in[a] = 1;
        return in;
    }

    @Test
    void agreesWithBroadcastPlanOnRandomShapes() {
        SplittableRandom rng = new SplittableRandom(1);
        for (int trial = 0; trial < 500; trial++) {
            int rank = rng.nextInt(6);
            int[] out = new int[rank];
            for (int a = 0; a < rank; a++) out[a] = 1 + rng.nextInt(4);
            int[] a = randomBroadcastable(rng, out);
            int[] b = randomBroadcastable(rng, out);
            BroadcastIndex index = BroadcastIndex.of(out, a, b);
            long[][] expected = planOffsets(out, a, b);
            assertThat(index.size()).isEqualTo(expected[0].length);
            for (int i = 0; i < index.size(); i++) {
                assertThat(index.offset(0, i)).as("a offset %d for %s <- %s", i, Arrays.toString(out), Arrays.toString(a)).isEqualTo(expected[1][i]);
                assertThat(index.offset(1, i)).as("b offset %d for %s <- %s", i, Arrays.toString(out), Arrays.toString(b)).isEqualTo(expected[2][i]);
            }
        }
    }

    @Test
    void mergesAsBroadcastPlanDoes() {
        BroadcastIndex same = BroadcastIndex.of(new int[] {4, 5, 6}, new int[] {4, 5, 6});
        assertThat(same.dims()).containsExactly(120);
        assertThat(same.strides()[0]).containsExactly(1);
        BroadcastIndex bias = BroadcastIndex.of(new int[] {2, 3, 4, 5}, new int[] {3, 1, 1});
        assertThat(bias.dims()).containsExactly(2, 3, 20);
        assertThat(bias.strides()[0]).containsExactly(0, 1, 0);
        BroadcastIndex scalar = BroadcastIndex.of(new int[] {}, new int[] {});
        assertThat(scalar.dims()).isEmpty();
        assertThat(scalar.size()).isEqualTo(1);
        assertThat(scalar.offset(0, 0)).isZero();
    }

    @Test
    void permutationReadsWhatPermuteWrites() {
        SplittableRandom rng = new SplittableRandom(2);
        for (int trial = 0; trial < 200; trial++) {
            int rank = 1 + rng.nextInt(5);
            int[] dims = new int[rank];
            for (int a = 0; a < rank; a++) dims[a] = 1 + rng.nextInt(4);
            List<Integer> order = new ArrayList<>();
            for (int a = 0; a < rank; a++) order.add(a);
            java.util.Collections.shuffle(order, new java.util.Random(trial));
            int[] perm = order.stream().mapToInt(Integer::intValue).toArray();
            int size = 1;
            for (int d : dims) size *= d;
            double[] x = new double[size];
            for (int i = 0; i < size; i++) x[i] = i;
            double[] y = new double[size];
            Permute.apply(x, 0, dims, perm, y, 0);
            BroadcastIndex index = BroadcastIndex.permutation(dims, perm);
            for (int i = 0; i < size; i++) {
                assertThat((double) index.offset(0, i)).as("%s by %s at %d", Arrays.toString(dims), Arrays.toString(perm), i).isEqualTo(y[i]);
            }
        }
    }

    @Test
    void leadingSlicesCoverARankAboveTheKernelLimit() {
        int[] dims = {2, 3, 2, 2, 3, 2, 2, 3, 2, 2};
        int[] perm = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0};
        BroadcastIndex index = BroadcastIndex.permutation(dims, perm);
        assertThat(index.rank()).isEqualTo(10);
        BroadcastIndex slice = index.trailing(CudaKernels.MAX_RANK);
        assertThat(slice.rank()).isEqualTo(CudaKernels.MAX_RANK);
        List<long[]> bases = index.leading(CudaKernels.MAX_RANK);
        assertThat(bases).hasSize(2 * 2);
        for (int c = 0; c < bases.size(); c++) {
            for (int i = 0; i < slice.size(); i++) {
                long outIndex = bases.get(c)[0] + i;
                assertThat(bases.get(c)[1] + slice.offset(0, i)).isEqualTo(index.offset(0, outIndex));
            }
        }
        assertThat(BroadcastIndex.of(new int[] {3}, new int[] {3}).leading(CudaKernels.MAX_RANK)).hasSize(1);
    }
}
