package org.panopt.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link BroadcastPlan} against naive N-d index broadcasting: walking the output in row-major order,
 * the element at multi-index i reads each input at Σ_a i'_a·stride_a, where i' is i right-aligned
 * to the input's rank with the index forced to 0 on the input's axes of extent 1.
 */
class BroadcastPlanTest {

    /** Output shape, then the input shapes. */
    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(new int[] {2, 3}, new int[][] {{2, 3}, {2, 3}}),
                Arguments.of(new int[] {2, 3}, new int[][] {{}, {2, 3}}),
                Arguments.of(new int[] {2, 3}, new int[][] {{2, 3}, {}}),
                Arguments.of(new int[] {}, new int[][] {{}, {}}),
                Arguments.of(new int[] {5, 7}, new int[][] {{5, 7}, {7}}),
                Arguments.of(new int[] {5, 7}, new int[][] {{5, 1}, {7}}),
                Arguments.of(new int[] {2, 3, 4, 5}, new int[][] {{2, 3, 4, 5}, {1, 3, 1, 1}}),
                Arguments.of(new int[] {2, 3, 4, 5}, new int[][] {{1, 3, 1, 1}, {2, 3, 4, 5}}),
                Arguments.of(new int[] {3, 4, 5}, new int[][] {{3, 1, 5}, {1, 4, 1}}),
                Arguments.of(new int[] {2, 3, 4}, new int[][] {{4}, {3, 1}}),
                Arguments.of(new int[] {2, 3, 4}, new int[][] {{2, 1, 4}, {2, 3, 4}}),
                Arguments.of(new int[] {2, 1, 3}, new int[][] {{2, 1, 3}, {1, 1, 3}}),
                Arguments.of(new int[] {1, 1, 1}, new int[][] {{1}, {1, 1, 1}}),
                Arguments.of(new int[] {6, 1, 1, 17}, new int[][] {{6, 1, 1, 1}, {17}}),
                Arguments.of(new int[] {4, 2, 3, 2}, new int[][] {{4, 1, 3, 1}, {2, 1, 2}}),
                Arguments.of(new int[] {3, 4}, new int[][] {{3, 4}}),
                Arguments.of(new int[] {3, 4}, new int[][] {{4}}),
                Arguments.of(new int[] {3, 4}, new int[][] {{3, 1}, {1, 4}, {3, 4}}),
                Arguments.of(new int[] {0, 3}, new int[][] {{0, 3}, {3}}),
                Arguments.of(new int[] {3, 0}, new int[][] {{3, 1}, {0}}),
                Arguments.of(new int[] {2, 0, 3}, new int[][] {{2, 0, 3}, {2, 1, 3}}));
    }

    static int size(int[] d) {
        int n = 1;
        for (int x : d) n *= x;
        return n;
    }

    /** For each output element in row-major order: the flat offset it reads in each input. */
    static int[][] naive(int[] out, int[][] inputs) {
        int total = size(out);
        int[][] ref = new int[total][inputs.length];
        int[] idx = new int[out.length];
        for (int flat = 0; flat < total; flat++) {
            int rem = flat;
            for (int a = out.length - 1; a >= 0; a--) {
                idx[a] = rem % out[a];
                rem /= out[a];
            }
            for (int k = 0; k < inputs.length; k++) {
                int[] in = inputs[k];
                int shift = out.length - in.length;
                int off = 0;
                for (int a = 0; a < in.length; a++) {
                    int i = in[a] == 1 ? 0 : idx[a + shift];
                    off = off * in[a] + i;
                }
                ref[flat][k] = off;
            }
        }
        return ref;
    }

    /** (output offset, input offsets...) for every element, in the order the plan visits them. */
    static List<int[]> visited(BroadcastPlan plan, int from, int to, int ops) {
        List<int[]> seen = new ArrayList<>();
        plan.forRows(from, to, (off, n) -> {
            for (int j = 0; j < n; j++) {
                int[] e = new int[ops];
                for (int k = 0; k < ops; k++) e[k] = off[k] + j * plan.innerStride(k);
                seen.add(e);
            }
        });
        return seen;
    }

    @ParameterizedTest(name = "{0} from {1}")
    @MethodSource("shapes")
    void visitsEveryOutputElementOnceInOrderReadingTheBroadcastInputs(int[] out, int[][] inputs) {
        BroadcastPlan plan = BroadcastPlan.of(out, inputs);
        int ops = inputs.length + 1;
        int[][] ref = naive(out, inputs);
        assertThat((long) plan.rows() * plan.rowLength()).isEqualTo(ref.length);
        for (int k = 0; k < ops; k++) assertThat(plan.innerStride(k)).isIn(0, 1);

        List<int[]> seen = visited(plan, 0, plan.rows(), ops);
        assertThat(seen).hasSize(ref.length);
        for (int e = 0; e < ref.length; e++) {
            int[] got = seen.get(e);
            assertThat(got[0]).as("output offset of element %d", e).isEqualTo(e);
            for (int k = 0; k < inputs.length; k++) {
                assertThat(got[k + 1]).as("offset in input %d (shape %s) of output element %d",
                        k, Arrays.toString(inputs[k]), e).isEqualTo(ref[e][k]);
            }
        }
    }

    @ParameterizedTest(name = "{0} from {1}")
    @MethodSource("shapes")
    void anyRangeOfRowsIsTheMatchingSliceOfTheFullWalk(int[] out, int[][] inputs) {
        BroadcastPlan plan = BroadcastPlan.of(out, inputs);
        int ops = inputs.length + 1;
        List<int[]> all = visited(plan, 0, plan.rows(), ops);
        int rows = plan.rows();
        for (int from = 0; from <= rows; from++) {
            for (int to = from; to <= rows; to += Math.max(1, rows / 3)) {
                List<int[]> part = visited(plan, from, to, ops);
                List<int[]> expected = all.subList(from * plan.rowLength(), to * plan.rowLength());
                assertThat(part).as("rows [%d, %d)", from, to).usingElementComparator(Arrays::compare).containsExactlyElementsOf(expected);
            }
        }
    }

    /** Output, inputs, expected rows, expected row length, expected inner strides (output first). */
    static Stream<Arguments> merging() {
        return Stream.of(
                // Same shape: one run over everything.
                Arguments.of(new int[] {4, 5, 6}, new int[][] {{4, 5, 6}, {4, 5, 6}}, 1, 120, new int[] {1, 1, 1}),
                // A scalar operand: one run, that operand broadcast.
                Arguments.of(new int[] {4, 5}, new int[][] {{4, 5}, {}}, 1, 20, new int[] {1, 1, 0}),
                // A row vector added to a matrix: one run per matrix row.
                Arguments.of(new int[] {8, 3}, new int[][] {{8, 3}, {3}}, 8, 3, new int[] {1, 1, 1}),
                // A column vector: the inner run broadcasts it.
                Arguments.of(new int[] {8, 3}, new int[][] {{8, 3}, {8, 1}}, 8, 3, new int[] {1, 1, 0}),
                // A per-channel bias on NCHW: N·C runs of H·W.
                Arguments.of(new int[] {2, 3, 4, 5}, new int[][] {{2, 3, 4, 5}, {1, 3, 1, 1}}, 6, 20, new int[] {1, 1, 0}),
                // Outer product shapes: nothing merges.
                Arguments.of(new int[] {3, 4, 5}, new int[][] {{3, 1, 5}, {1, 4, 1}}, 12, 5, new int[] {1, 1, 0}),
                // Extent-1 axes are dropped before merging.
                Arguments.of(new int[] {2, 1, 3}, new int[][] {{2, 1, 3}, {2, 1, 3}}, 1, 6, new int[] {1, 1, 1}),
                // Leading axes that every operand walks alike (here: the [4] operand repeats along both)
                // merge: 2·3 rows of 4.
                Arguments.of(new int[] {2, 3, 4}, new int[][] {{2, 3, 4}, {4}}, 6, 4, new int[] {1, 1, 1}),
                // Scalar output.
                Arguments.of(new int[] {}, new int[][] {{}, {}}, 1, 1, new int[] {1, 1, 1}));
    }

    @ParameterizedTest(name = "{0} from {1}")
    @MethodSource("merging")
    void mergesContiguousAxesIntoLongRuns(int[] out, int[][] inputs, int rows, int rowLength, int[] inner) {
        BroadcastPlan plan = BroadcastPlan.of(out, inputs);
        assertThat(plan.rows()).isEqualTo(rows);
        assertThat(plan.rowLength()).isEqualTo(rowLength);
        for (int k = 0; k < inner.length; k++) {
            if (rowLength > 1) assertThat(plan.innerStride(k)).as("inner stride of operand %d", k).isEqualTo(inner[k]);
        }
    }
}
