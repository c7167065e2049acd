package org.panopt.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Tensor#matmul} semantics — NumPy's rules for 1-d operands and batch broadcasting, the transpose
 * flags, dtype promotion — against a naive triple loop in double. (The GEMM kernel itself has its own tests.)
 */
class TensorMatmulTest {

    /** NumPy matmul of a (shape ad) and b (shape bd), both rank ≥ 1, index by index. */
    static double[] reference(double[] a, int[] ad, double[] b, int[] bd, int[] outDims) {
        boolean vecA = ad.length == 1;
        boolean vecB = bd.length == 1;
        int[] a2 = vecA ? new int[] {1, ad[0]} : ad;
        int[] b2 = vecB ? new int[] {bd[0], 1} : bd;
        int m = a2[a2.length - 2];
        int k = a2[a2.length - 1];
        int n = b2[b2.length - 1];
        int[] batchA = Arrays.copyOf(a2, a2.length - 2);
        int[] batchB = Arrays.copyOf(b2, b2.length - 2);
        int[] batch = NdRef.broadcastShape(batchA, batchB);
        int nb = NdRef.size(batch);
        double[] out = new double[nb * m * n];
        assertThat(NdRef.size(outDims)).isEqualTo(out.length);
        for (int bi = 0; bi < nb; bi++) {
            int[] idx = NdRef.unravel(bi, batch);
            int ao = NdRef.broadcastIndex(idx, batchA) * m * k;
            int bo = NdRef.broadcastIndex(idx, batchB) * k * n;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) s += a[ao + i * k + p] * b[bo + p * n + j];
                    out[(bi * m + i) * n + j] = s;
                }
            }
        }
        return out;
    }

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(new int[] {3, 4}, new int[] {4, 5}, new int[] {3, 5}),
                Arguments.of(new int[] {1, 7}, new int[] {7, 1}, new int[] {1, 1}),
                Arguments.of(new int[] {4}, new int[] {4, 5}, new int[] {5}),
                Arguments.of(new int[] {3, 4}, new int[] {4}, new int[] {3}),
                Arguments.of(new int[] {6}, new int[] {6}, new int[] {}),
                Arguments.of(new int[] {2, 3, 4}, new int[] {2, 4, 5}, new int[] {2, 3, 5}),
                Arguments.of(new int[] {2, 3, 4}, new int[] {4, 5}, new int[] {2, 3, 5}),
                Arguments.of(new int[] {3, 4}, new int[] {2, 4, 5}, new int[] {2, 3, 5}),
                Arguments.of(new int[] {2, 1, 3, 4}, new int[] {3, 4, 5}, new int[] {2, 3, 3, 5}),
                Arguments.of(new int[] {1, 3, 4}, new int[] {2, 1, 4, 5}, new int[] {2, 1, 3, 5}),
                Arguments.of(new int[] {2, 3, 4}, new int[] {4}, new int[] {2, 3}),
                Arguments.of(new int[] {4}, new int[] {2, 4, 5}, new int[] {2, 5}),
                Arguments.of(new int[] {17, 33}, new int[] {33, 9}, new int[] {17, 9}));
    }

    @ParameterizedTest(name = "{0} @ {1} -> {2}")
    @MethodSource("shapes")
    void followsNumpyShapeRulesAndValues(int[] ad, int[] bd, int[] od) {
        for (DType dt : DType.values()) {
            double[] a = NdRef.random(ad.length * 10L + bd.length, dt, NdRef.size(ad));
            double[] b = NdRef.random(bd.length * 10L + ad.length + 1, dt, NdRef.size(bd));
            Tensor y = NdRef.tensor(a, dt, ad).matmul(NdRef.tensor(b, dt, bd));
            assertThat(y.dims()).as("%s", dt).containsExactly(od);
            assertThat(y.dtype()).isEqualTo(dt);
            int k = ad[ad.length - 1];
            NdRef.assertClose(y.toDoubleArray(), reference(a, ad, b, bd, od), 0, 9.0 * k * NdRef.rtol(dt),
                    "matmul " + Arrays.toString(ad) + " @ " + Arrays.toString(bd) + " " + dt);
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void transposeFlagsEqualExplicitTransposes(DType dt) {
        int[][] shapes = {{5, 3}, {2, 5, 3}}; // stored shapes of the operands before any flag
        for (int[] sa : shapes) {
            for (int[] sb : shapes) {
                for (boolean ta : new boolean[] {false, true}) {
                    for (boolean tb : new boolean[] {false, true}) {
                        // Build stored operands so that op(a) is [.., m=4, k=5] and op(b) is [.., k=5, n=6].
                        int[] da = sa.clone();
                        da[da.length - 2] = ta ? 5 : 4;
                        da[da.length - 1] = ta ? 4 : 5;
                        int[] db = sb.clone();
                        db[db.length - 2] = tb ? 6 : 5;
                        db[db.length - 1] = tb ? 5 : 6;
                        Tensor a = NdRef.tensor(NdRef.random(NdRef.size(da), dt, NdRef.size(da)), dt, da);
                        Tensor b = NdRef.tensor(NdRef.random(NdRef.size(db) + 1, dt, NdRef.size(db)), dt, db);
                        Tensor y = a.matmul(b, ta, tb);
                        Tensor e = (ta ? a.transpose() : a).matmul(tb ? b.transpose() : b);
                        assertThat(y.dims()).containsExactly(e.dims());
                        assertThat(y.dims()[y.rank() - 2]).isEqualTo(4);
                        assertThat(y.dims()[y.rank() - 1]).isEqualTo(6);
                        NdRef.assertClose(y.toDoubleArray(), e.toDoubleArray(), 0, 50 * NdRef.rtol(dt),
                                "flags " + ta + "," + tb + " on " + Arrays.toString(da) + " and " + Arrays.toString(db));
                    }
                }
            }
        }
    }

    @Test
    void emptyExtentsGiveTheProductShapeWithZerosAsInPyTorch() {
        // k = 0: an empty sum, zeros; m = 0 or n = 0: an empty result. BLAS's leading-dimension check must not reject them.
        Tensor zerosK = Tensor.ones(DType.FLOAT32, 2, 0).matmul(Tensor.ones(DType.FLOAT32, 0, 3));
        assertThat(zerosK.dims()).containsExactly(2, 3);
        assertThat(zerosK.toDoubleArray()).containsOnly(0.0);
        assertThat(Tensor.ones(DType.FLOAT64, 4, 0, 5).matmul(Tensor.ones(DType.FLOAT64, 5, 2)).dims()).containsExactly(4, 0, 2);
        assertThat(Tensor.ones(DType.FLOAT64, 3, 5).matmul(Tensor.ones(DType.FLOAT64, 5, 0)).dims()).containsExactly(3, 0);
        Tensor transposed = Tensor.ones(DType.FLOAT64, 0, 2).matmul(Tensor.ones(DType.FLOAT64, 0, 3), true, false);
        assertThat(transposed.toDoubleArray()).hasSize(6).containsOnly(0.0);
    }

    @Test
    void mixedDtypesPromoteToFloat64AndViewsUseOnlyTheirElements() {
        double[] a = {1, 2, 3, 4, 5, 6};
        Tensor af = Tensor.of(a, 2, 3).to(DType.FLOAT32);
        Tensor bd = Tensor.of(new double[] {1, 0, 0, 1, 1, 1}, 3, 2);
        Tensor y = af.matmul(bd);
        assertThat(y.dtype()).isEqualTo(DType.FLOAT64);
        assertThat(y.toDoubleArray()).containsExactly(4, 5, 10, 11);
        // A view at an offset: rows 1..2 of a [4, 3] matrix.
        Tensor big = Tensor.arange(0, 12, 1, DType.FLOAT64).reshape(4, 3);
        Tensor v = big.slice(1, 3);
        assertThat(v.matmul(Tensor.eye(3, DType.FLOAT64)).toDoubleArray()).containsExactly(3, 4, 5, 6, 7, 8);
        assertThat(v.matmul(Tensor.ones(DType.FLOAT64, 3)).toDoubleArray()).containsExactly(12, 21);
        assertThat(Tensor.eye(3, DType.FLOAT32).matmul(v, false, true).toDoubleArray())
                .containsExactly(3, 6, 4, 7, 5, 8);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void outerProduct(DType dt) {
        Tensor u = Tensor.of(new double[] {1, -2, 3}).to(dt);
        Tensor w = Tensor.of(new double[] {4, 0.5}).to(dt);
        Tensor o = u.outer(w);
        assertThat(o.dims()).containsExactly(3, 2);
        assertThat(o.dtype()).isEqualTo(dt);
        assertThat(o.toDoubleArray()).containsExactly(4, 0.5, -8, -1, 12, 1.5);
        assertThatThrownBy(() -> u.outer(Tensor.zeros(2, 2))).hasMessageContaining("outer").hasMessageContaining("[2, 2]");
    }

    @Test
    void errorsNameBothShapes() {
        assertThatThrownBy(() -> Tensor.zeros(2, 3).matmul(Tensor.zeros(4, 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("matmul").hasMessageContaining("[2, 3]").hasMessageContaining("[4, 5]")
                .hasMessageContaining("3 vs 4");
        assertThatThrownBy(() -> Tensor.zeros(3).matmul(Tensor.zeros(4)))
                .hasMessageContaining("[3]").hasMessageContaining("[4]");
        assertThatThrownBy(() -> Tensor.zeros(2, 3, 4).matmul(Tensor.zeros(3, 4, 5)))
                .hasMessageContaining("matmul").hasMessageContaining("[2]").hasMessageContaining("[3]");
        assertThatThrownBy(() -> Tensor.zeros(2, 3).matmul(Tensor.zeros(2, 3), true, true))
                .hasMessageContaining("[2, 3]").hasMessageContaining("2 vs 3");
        assertThatThrownBy(() -> Tensor.zeros(3).matmul(Tensor.zeros(3, 3), true, false)).hasMessageContaining("rank");
        assertThatThrownBy(() -> Tensor.scalar(1).matmul(Tensor.zeros(3))).hasMessageContaining("scalar");
    }
}
