package org.panopt.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** permute / transpose / narrow / concat / stack against index-by-index references. */
class TensorMovementTest {

    static List<int[]> permutations(int r) {
        List<int[]> out = new ArrayList<>();
        permute(new int[r], new boolean[r], 0, out);
        return out;
    }

    private static void permute(int[] cur, boolean[] used, int i, List<int[]> out) {
        if (i == cur.length) {
            out.add(cur.clone());
            return;
        }
        for (int a = 0; a < cur.length; a++) {
            if (used[a]) continue;
            used[a] = true;
            cur[i] = a;
            permute(cur, used, i + 1, out);
            used[a] = false;
        }
    }

    static Stream<Arguments> shapesAndPerms() {
        int[][] shapes = {{7}, {17, 33}, {1, 9}, {9, 1}, {33, 65}, {3, 17, 33}, {2, 1, 5}, {4, 40, 3}, {2, 3, 5, 7}, {3, 1, 34, 2}};
        List<Arguments> out = new ArrayList<>();
        for (int[] s : shapes) {
            for (DType dt : DType.values()) {
                for (int[] p : permutations(s.length)) out.add(Arguments.of(s, p, dt));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} perm {1} {2}")
    @MethodSource("shapesAndPerms")
    void permuteMatchesReference(int[] dims, int[] perm, DType dt) {
        double[] x = NdRef.random(dims.length * 100L + perm[0], dt, NdRef.size(dims));
        Tensor t = NdRef.tensor(x, dt, dims);
        Tensor p = t.permute(perm);
        int[] expectedDims = new int[dims.length];
        for (int i = 0; i < dims.length; i++) expectedDims[i] = dims[perm[i]];
        assertThat(p.dims()).containsExactly(expectedDims);
        assertThat(p.dtype()).isEqualTo(dt);
        assertThat(p.toDoubleArray()).containsExactly(NdRef.permute(x, dims, perm));
        // Negative axes name the same permutation.
        int[] neg = new int[perm.length];
        for (int i = 0; i < perm.length; i++) neg[i] = perm[i] - perm.length;
        assertThat(t.permute(neg).toDoubleArray()).containsExactly(p.toDoubleArray());
    }

    @Test
    void transposeSwapsTheLastTwoAxesOrAnyTwo() {
        for (int[] dims : new int[][] {{17, 33}, {1, 5}, {5, 1}, {4, 17, 33}, {2, 3, 35, 34}}) {
            double[] x = NdRef.random(dims.length, DType.FLOAT64, NdRef.size(dims));
            Tensor t = NdRef.tensor(x, DType.FLOAT64, dims);
            int r = dims.length;
            int[] perm = new int[r];
            for (int i = 0; i < r; i++) perm[i] = i;
            perm[r - 2] = r - 1;
            perm[r - 1] = r - 2;
            assertThat(t.transpose().toDoubleArray()).containsExactly(NdRef.permute(x, dims, perm));
            assertThat(t.transpose().transpose().toDoubleArray()).containsExactly(x);
            if (r >= 3) {
                int[] p02 = new int[r];
                for (int i = 0; i < r; i++) p02[i] = i;
                p02[0] = 2;
                p02[2] = 0;
                assertThat(t.transpose(0, -r + 2).toDoubleArray()).containsExactly(NdRef.permute(x, dims, p02));
                assertThat(t.transpose(2, 0).dims()).containsExactly(t.transpose(0, 2).dims());
            }
        }
        // A transposed view copies only the view.
        Tensor t = Tensor.arange(24).reshape(4, 2, 3);
        assertThat(t.get(2).transpose().toDoubleArray()).containsExactly(12, 15, 13, 16, 14, 17);
        assertThatThrownBy(() -> Tensor.arange(3).transpose()).hasMessageContaining("rank").hasMessageContaining("[3]");
        assertThatThrownBy(() -> t.permute(0, 1)).hasMessageContaining("permute").hasMessageContaining("[4, 2, 3]");
        assertThatThrownBy(() -> t.permute(0, 1, 1)).hasMessageContaining("twice");
        assertThatThrownBy(() -> t.permute(0, 1, 3)).hasMessageContaining("axis 3").hasMessageContaining("[4, 2, 3]");
    }

    static double[] narrowRef(double[] x, int[] d, int axis, int start, int len) {
        int[] od = d.clone();
        od[axis] = len;
        double[] out = new double[NdRef.size(od)];
        for (int o = 0; o < out.length; o++) {
            int[] idx = NdRef.unravel(o, od);
            idx[axis] += start;
            out[o] = x[NdRef.ravel(idx, d)];
        }
        return out;
    }

    @Test
    void narrowAlongEachAxis() {
        int[] d = {3, 4, 5};
        for (DType dt : DType.values()) {
            double[] x = NdRef.random(5, dt, 60);
            Tensor t = NdRef.tensor(x, dt, d);
            for (int axis = 0; axis < 3; axis++) {
                for (int start = 0; start < d[axis]; start++) {
                    for (int len = 0; start + len <= d[axis]; len++) {
                        Tensor n = t.narrow(axis - (axis % 2 == 0 ? 3 : 0), start, len);
                        int[] od = d.clone();
                        od[axis] = len;
                        assertThat(n.dims()).containsExactly(od);
                        assertThat(n.toDoubleArray()).as("narrow(%d, %d, %d)", axis, start, len)
                                .containsExactly(narrowRef(x, d, axis, start, len));
                    }
                }
            }
            // From a view.
            assertThat(t.get(1).narrow(1, 2, 2).toDoubleArray())
                    .containsExactly(narrowRef(narrowRef(x, d, 0, 1, 1), new int[] {4, 5}, 1, 2, 2));
            assertThatThrownBy(() -> t.narrow(1, 3, 2)).isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessageContaining("narrow").hasMessageContaining("[3, 4, 5]");
            assertThatThrownBy(() -> t.narrow(3, 0, 1)).hasMessageContaining("axis 3");
        }
    }

    @Test
    void concatAlongEachAxisIncludingNegativeAndMixedDtypes() {
        int[] d = {2, 3, 4};
        for (int axis = 0; axis < 3; axis++) {
            int[] da = d.clone();
            int[] db = d.clone();
            db[axis] = 1;
            int[] dc = d.clone();
            dc[axis] = 2;
            double[] a = NdRef.random(1, DType.FLOAT32, NdRef.size(da));
            double[] b = NdRef.random(2, DType.FLOAT64, NdRef.size(db));
            double[] c = NdRef.random(3, DType.FLOAT32, NdRef.size(dc));
            Tensor ta = NdRef.tensor(a, DType.FLOAT32, da);
            Tensor tb = NdRef.tensor(b, DType.FLOAT32, db);
            Tensor tc = NdRef.tensor(c, DType.FLOAT32, dc);
            int[] od = d.clone();
            od[axis] = d[axis] + 3;
            double[] expected = new double[NdRef.size(od)];
            for (int o = 0; o < expected.length; o++) {
                int[] idx = NdRef.unravel(o, od);
                int i = idx[axis];
                if (i < d[axis]) {
                    expected[o] = a[NdRef.ravel(idx, da)];
                } else if (i < d[axis] + 1) {
                    idx[axis] = 0;
                    expected[o] = (float) b[NdRef.ravel(idx, db)];
                } else {
                    idx[axis] = i - d[axis] - 1;
                    expected[o] = c[NdRef.ravel(idx, dc)];
                }
            }
            for (int ax : new int[] {axis, axis - 3}) {
                Tensor cat = Tensor.concat(ax, ta, tb, tc);
                assertThat(cat.dims()).containsExactly(od);
                assertThat(cat.dtype()).isEqualTo(DType.FLOAT32);
                assertThat(cat.toDoubleArray()).as("concat along %d", ax).containsExactly(expected);
            }
            // A float64 part promotes the result.
            Tensor mixed = Tensor.concat(axis, ta, tb.to(DType.FLOAT64), tc);
            assertThat(mixed.dtype()).isEqualTo(DType.FLOAT64);
            assertThat(mixed.toDoubleArray()).containsExactly(expected);
            // An empty part is no part.
            int[] de = d.clone();
            de[axis] = 0;
            assertThat(Tensor.concat(axis, Tensor.zeros(de), ta).toDoubleArray()).containsExactly(a);
        }
        assertThatThrownBy(() -> Tensor.concat(0, Tensor.zeros(2, 3), Tensor.zeros(2, 4)))
                .hasMessageContaining("concat").hasMessageContaining("[2, 3]").hasMessageContaining("[2, 4]");
        assertThatThrownBy(() -> Tensor.concat(0, Tensor.zeros(2, 3), Tensor.zeros(3))).hasMessageContaining("rank");
        assertThatThrownBy(() -> Tensor.concat(2, Tensor.zeros(2, 3))).hasMessageContaining("axis 2");
        assertThatThrownBy(() -> Tensor.concat(0)).hasMessageContaining("no tensors");
    }

    @Test
    void stackAlongEachNewAxisIncludingNegative() {
        int[] d = {2, 3};
        double[][] parts = new double[4][];
        Tensor[] ts = new Tensor[4];
        for (int k = 0; k < 4; k++) {
            parts[k] = NdRef.random(10 + k, DType.FLOAT64, 6);
            ts[k] = NdRef.tensor(parts[k], DType.FLOAT64, d);
        }
        // Axis a of the result indexes the part; the others index into it.
        for (int axis = 0; axis <= 2; axis++) {
            int[] od = new int[3];
            for (int i = 0, j = 0; i < 3; i++) od[i] = i == axis ? 4 : d[j++];
            double[] expected = new double[24];
            for (int o = 0; o < 24; o++) {
                int[] idx = NdRef.unravel(o, od);
                int[] inner = new int[2];
                for (int i = 0, j = 0; i < 3; i++) if (i != axis) inner[j++] = idx[i];
                expected[o] = parts[idx[axis]][NdRef.ravel(inner, d)];
            }
            for (int ax : new int[] {axis, axis - 3}) {
                Tensor s = Tensor.stack(ax, ts);
                assertThat(s.dims()).as("stack along %d", ax).containsExactly(od);
                assertThat(s.toDoubleArray()).as("stack along %d", ax).containsExactly(expected);
            }
        }
        assertThat(Tensor.stack(0, Tensor.scalar(1), Tensor.scalar(2)).toDoubleArray()).containsExactly(1, 2);
        assertThatThrownBy(() -> Tensor.stack(0, Tensor.zeros(2, 3), Tensor.zeros(3, 2)))
                .hasMessageContaining("stack").hasMessageContaining("[2, 3]").hasMessageContaining("[3, 2]");
        assertThatThrownBy(() -> Tensor.stack(3, Tensor.zeros(2, 3))).hasMessageContaining("axis 3");
    }
}
