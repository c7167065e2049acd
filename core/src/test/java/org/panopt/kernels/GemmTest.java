package org.panopt.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.panopt.kernels.GemmReference.View;

/**
 * sgemm and dgemm against {@link GemmReference} for every transpose case, through every path: the
 * public API, the blocked kernel on one thread and split four ways, and the small direct loop.
 */
class GemmTest {
    /** Written outside the C view; must survive untouched. */
    private static final double SENTINEL = 777.25;

    /** One product: shapes, scalars, and whether the operands are padded views into larger arrays. */
    record Case(boolean transA, boolean transB, int m, int n, int k, double alpha, double beta, boolean view) {
        @Override
        public String toString() {
            return (transA ? "Aᵀ" : "A") + (transB ? "Bᵀ" : "B") + " m=" + m + " n=" + n + " k=" + k
                    + " α=" + alpha + " β=" + beta + (view ? " view" : "");
        }
    }

    /** Which implementation to run. */
    enum Path { API, BLOCKED_ONE_THREAD, BLOCKED_FOUR_PARTS, SMALL }

    /** A matrix's place in its backing array: offset, leading dimension, stored rows × cols. */
    record Layout(int off, int ld, int rows, int cols, int length) {
        static Layout of(int rows, int cols, boolean view) {
            int off = view ? 5 : 0, ld = Math.max(1, cols) + (view ? 3 : 0);
            return new Layout(off, ld, rows, cols, off + rows * ld + (view ? 4 : 0));
        }

        boolean contains(int index) {
            int rel = index - off;
            return rel >= 0 && rel / ld < rows && rel % ld < cols;
        }
    }

    static Stream<Case> cases() {
        int[][] sizes = {
            {1, 1, 1}, {3, 3, 3}, {1, 17, 255}, {17, 1, 3}, {17, 17, 17}, {255, 3, 17}, {33, 255, 255},
            {49, 47, 31}, {255, 255, 255}, {1003, 67, 129}, {64, 1030, 300}, {130, 50, 1100}, {2, 4100, 20},
        };
        double[][] scalars = {{1, 0}, {0.5, -2}};
        List<Case> out = new ArrayList<>();
        for (int[] s : sizes) {
            boolean large = (long) s[0] * s[1] * s[2] > 1_000_000;
            for (int t = 0; t < 4; t++) {
                for (double[] ab : scalars) {
                    for (boolean view : large ? new boolean[] {true} : new boolean[] {false, true}) {
                        out.add(new Case((t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], ab[0], ab[1], view));
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sgemmMatchesReference(Case cs) {
        check(cs, true);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void dgemmMatchesReference(Case cs) {
        check(cs, false);
    }

    @Test
    void kZeroScalesC() {
        for (boolean single : new boolean[] {true, false}) {
            check(new Case(false, false, 7, 9, 0, 1, 0.5, true), single);
            check(new Case(true, true, 7, 9, 0, 1, 0, true), single); // NaN-filled C becomes 0
        }
    }

    @Test
    void alphaZeroScalesCWithoutReadingAB() {
        float[] a = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
        float[] c = {1, 2, 3, 4};
        Gemm.sgemm(false, false, 2, 2, 2, 0f, a, 0, 2, a, 0, 2, 3f, c, 0, 2);
        assertThat(c).containsExactly(3, 6, 9, 12);
        double[] ad = {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
        double[] cd = {Double.NaN, 2, 3, 4};
        Gemm.dgemm(true, true, 2, 2, 2, 0.0, ad, 0, 2, ad, 0, 2, 0.0, cd, 0, 2);
        assertThat(cd).containsExactly(0, 0, 0, 0);
    }

    @Test
    void emptyOutputTouchesNothing() {
        float[] c = {5f};
        Gemm.sgemm(false, false, 0, 1, 3, 1f, new float[0], 0, 3, new float[3], 0, 1, 0f, c, 0, 1);
        assertThat(c).containsExactly(5f);
    }

    @Test
    void resultDoesNotDependOnThreadCount() {
        SplittableRandom rnd = new SplittableRandom(7);
        int m = 517, n = 389, k = 700;
        float[] a = randomFloats(rnd, m * k), b = randomFloats(rnd, k * n);
        float[] c1 = new float[m * n], c2 = new float[m * n], c3 = new float[m * n];
        Gemm.sgemm(false, true, m, n, k, 1f, a, 0, k, b, 0, k, 0f, c1, 0, n, 1);
        Gemm.sgemm(false, true, m, n, k, 1f, a, 0, k, b, 0, k, 0f, c2, 0, n, 2);
        Gemm.sgemm(false, true, m, n, k, 1f, a, 0, k, b, 0, k, 0f, c3, 0, n, 7);
        assertThat(c2).isEqualTo(c1);
        assertThat(c3).isEqualTo(c1);
        double[] ad = toDouble(a), bd = toDouble(b);
        double[] d1 = new double[m * n], d2 = new double[m * n];
        Gemm.dgemm(true, false, n, m, k, 1.0, bd, 0, n, ad, 0, m, 0.0, d1, 0, m, 1);
        Gemm.dgemm(true, false, n, m, k, 1.0, bd, 0, n, ad, 0, m, 0.0, d2, 0, m, 3);
        assertThat(d2).isEqualTo(d1);
    }

    @Test
    void badArgumentsAreNamed() {
        float[] x = new float[100];
        assertThatThrownBy(() -> Gemm.sgemm(false, false, 2, 2, 5, 1f, x, 0, 3, x, 0, 2, 0f, x, 0, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sgemm: lda=3 < k=5 for A not transposed");
        assertThatThrownBy(() -> Gemm.sgemm(true, false, 4, 2, 5, 1f, x, 0, 3, x, 0, 2, 0f, x, 0, 2))
                .hasMessage("sgemm: lda=3 < m=4 for A transposed");
        assertThatThrownBy(() -> Gemm.sgemm(false, true, 2, 6, 5, 1f, x, 0, 5, x, 0, 4, 0f, x, 0, 6))
                .hasMessage("sgemm: ldb=4 < k=5 for B transposed");
        assertThatThrownBy(() -> Gemm.sgemm(false, false, 2, 6, 5, 1f, x, 0, 5, x, 0, 6, 0f, x, 0, 5))
                .hasMessage("sgemm: ldc=5 < n=6 for C");
        assertThatThrownBy(() -> Gemm.sgemm(false, false, -1, 2, 2, 1f, x, 0, 2, x, 0, 2, 0f, x, 0, 2))
                .hasMessage("sgemm: m=-1 < 0");
        assertThatThrownBy(() -> Gemm.sgemm(false, false, 2, 2, 2, 1f, x, -1, 2, x, 0, 2, 0f, x, 0, 2))
                .hasMessage("sgemm: aOff=-1 < 0");
        assertThatThrownBy(() -> Gemm.sgemm(false, false, 2, 2, 2, 1f, null, 0, 2, x, 0, 2, 0f, x, 0, 2))
                .hasMessage("sgemm: a is null");
        assertThatThrownBy(() -> Gemm.sgemm(false, false, 10, 10, 2, 1f, x, 0, 2, x, 0, 10, 0f, x, 1, 10))
                .hasMessage("sgemm: C is m×n = 10×10 with ldc=10 at cOff=1, which needs 101 elements,"
                        + " but c.length=100");
        double[] y = new double[10];
        assertThatThrownBy(() -> Gemm.dgemm(true, false, 2, 2, 3, 1.0, y, 2, 4, y, 0, 2, 0.0, y, 0, 2))
                .hasMessage("dgemm: A transposed is k×m = 3×2 with lda=4 at aOff=2, which needs 12 elements,"
                        + " but a.length=10");
    }

    /** Runs one case through every path in float ({@code single}) or double and checks each. */
    private static void check(Case cs, boolean single) {
        Layout la = Layout.of(cs.transA ? cs.k : cs.m, cs.transA ? cs.m : cs.k, cs.view);
        Layout lb = Layout.of(cs.transB ? cs.n : cs.k, cs.transB ? cs.k : cs.n, cs.view);
        Layout lc = Layout.of(cs.m, cs.n, cs.view);
        SplittableRandom rnd = new SplittableRandom(cs.hashCode());
        // Values exactly representable in float, so both dtypes see the same operands.
        double[] a = toDouble(randomFloats(rnd, la.length)), b = toDouble(randomFloats(rnd, lb.length));
        double[] c0 = toDouble(randomFloats(rnd, lc.length));
        for (int i = 0; i < c0.length; i++) {
            if (!lc.contains(i)) c0[i] = SENTINEL;
            else if (cs.beta == 0) c0[i] = Double.NaN; // β = 0 must not read C
        }
        double eps = single ? Math.ulp(1f) : Math.ulp(1.0);
        double[] expected = new double[c0.length], tol = new double[c0.length];
        View va = new View(a, la.off, la.ld), vb = new View(b, lb.off, lb.ld);
        for (int i = 0; i < cs.m; i++) {
            for (int j = 0; j < cs.n; j++) {
                int idx = lc.off + i * lc.ld + j;
                double[] d = GemmReference.dot(cs.transA, cs.transB, i, j, cs.k, va, vb);
                double betaC = cs.beta == 0 ? 0 : cs.beta * c0[idx];
                expected[idx] = cs.alpha * d[0] + betaC;
                tol[idx] = GemmReference.tolerance(eps, cs.k, cs.alpha, d[1], betaC);
            }
        }
        double[] blockedOne = null;
        for (Path path : Path.values()) {
            if (path == Path.SMALL && (long) cs.m * cs.n * cs.k > 1_000_000) continue; // it is for tiny products
            double[] got = single ? runFloat(cs, path, la, lb, lc, a, b, c0) : runDouble(cs, path, la, lb, lc, a, b, c0);
            for (int i = 0; i < got.length; i++) {
                if (lc.contains(i)) {
                    assertThat(Math.abs(got[i] - expected[i]))
                            .as("%s %s: C[%d] = %s, expected %s", path, cs, i, got[i], expected[i])
                            .isLessThanOrEqualTo(tol[i]);
                } else {
                    assertThat(got[i]).as("%s %s: C[%d] outside the view was written", path, cs, i)
                            .isEqualTo(SENTINEL);
                }
            }
            if (path == Path.BLOCKED_ONE_THREAD) blockedOne = got;
            if (path == Path.BLOCKED_FOUR_PARTS) {
                assertThat(got).as("%s: four parts differ from one thread", cs).isEqualTo(blockedOne);
            }
        }
    }

    private static double[] runFloat(Case cs, Path path, Layout la, Layout lb, Layout lc,
                                     double[] a, double[] b, double[] c0) {
        float[] af = toFloat(a), bf = toFloat(b), cf = toFloat(c0);
        float alpha = (float) cs.alpha, beta = (float) cs.beta;
        switch (path) {
            case API -> Gemm.sgemm(cs.transA, cs.transB, cs.m, cs.n, cs.k, alpha, af, la.off, la.ld,
                    bf, lb.off, lb.ld, beta, cf, lc.off, lc.ld);
            case BLOCKED_ONE_THREAD, BLOCKED_FOUR_PARTS -> {
                if (cs.k == 0) return toDouble(runApiFloat(cs, la, lb, lc, af, bf, cf));
                new SgemmBlocked(cs.transA, cs.transB, cs.m, cs.n, cs.k, alpha, af, la.off, la.ld,
                        bf, lb.off, lb.ld, beta, cf, lc.off, lc.ld).run(path == Path.BLOCKED_ONE_THREAD ? 1 : 4);
            }
            case SMALL -> SmallGemm.sgemm(cs.transA, cs.transB, cs.m, cs.n, cs.k, alpha, af, la.off, la.ld,
                    bf, lb.off, lb.ld, beta, cf, lc.off, lc.ld);
        }
        return toDouble(cf);
    }

    private static float[] runApiFloat(Case cs, Layout la, Layout lb, Layout lc, float[] af, float[] bf, float[] cf) {
        Gemm.sgemm(cs.transA, cs.transB, cs.m, cs.n, cs.k, (float) cs.alpha, af, la.off, la.ld,
                bf, lb.off, lb.ld, (float) cs.beta, cf, lc.off, lc.ld);
        return cf;
    }

    private static double[] runDouble(Case cs, Path path, Layout la, Layout lb, Layout lc,
                                      double[] a, double[] b, double[] c0) {
        double[] c = c0.clone();
        switch (path) {
            case API -> Gemm.dgemm(cs.transA, cs.transB, cs.m, cs.n, cs.k, cs.alpha, a, la.off, la.ld,
                    b, lb.off, lb.ld, cs.beta, c, lc.off, lc.ld);
            case BLOCKED_ONE_THREAD, BLOCKED_FOUR_PARTS -> {
                // The blocked kernel assumes k ≥ 1 (Gemm routes k = 0 to a scaling of C).
                if (cs.k == 0) {
                    Gemm.dgemm(cs.transA, cs.transB, cs.m, cs.n, cs.k, cs.alpha, a, la.off, la.ld,
                            b, lb.off, lb.ld, cs.beta, c, lc.off, lc.ld);
                } else {
                    new DgemmBlocked(cs.transA, cs.transB, cs.m, cs.n, cs.k, cs.alpha, a, la.off, la.ld,
                            b, lb.off, lb.ld, cs.beta, c, lc.off, lc.ld).run(path == Path.BLOCKED_ONE_THREAD ? 1 : 4);
                }
            }
            case SMALL -> SmallGemm.dgemm(cs.transA, cs.transB, cs.m, cs.n, cs.k, cs.alpha, a, la.off, la.ld,
                    b, lb.off, lb.ld, cs.beta, c, lc.off, lc.ld);
        }
        return c;
    }

    static float[] randomFloats(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rnd.nextDouble(-1, 1);
        return x;
    }

    static double[] toDouble(float[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = x[i];
        return y;
    }

    static float[] toFloat(double[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) y[i] = (float) x[i];
        return y;
    }

    @Test
    void layoutHelperMarksTheView() {
        Layout l = Layout.of(2, 3, true); // off 5, ld 6
        boolean[] in = new boolean[l.length()];
        for (int i = 0; i < in.length; i++) in[i] = l.contains(i);
        assertThat(Arrays.toString(in)).isEqualTo(Arrays.toString(new boolean[] {
            false, false, false, false, false, true, true, true, false, false, false, true, true, true,
            false, false, false, false, false, false, false}));
    }
}
