package org.panopt.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** sum / mean / max / min / var over axis subsets, arg-reductions, softmax and log-sum-exp, against NdRef. */
class TensorReductionTest {
    static final int[] DIMS = {3, 4, 5, 6};

    /** Every subset of the axes of DIMS (including the empty set and non-adjacent ones like {0, 2}). */
    static Stream<Arguments> subsets() {
        List<Arguments> out = new ArrayList<>();
        for (DType dt : DType.values()) {
            for (int mask = 0; mask < 16; mask++) {
                for (boolean keep : new boolean[] {false, true}) out.add(Arguments.of(dt, mask, keep));
            }
        }
        return out.stream();
    }

    static int[] axesOf(int mask, boolean negative) {
        List<Integer> a = new ArrayList<>();
        for (int i = 0; i < 4; i++) if ((mask >> i & 1) != 0) a.add(negative ? i - 4 : i);
        return a.stream().mapToInt(Integer::intValue).toArray();
    }

    static int[] reducedDims(int mask, boolean keep) {
        List<Integer> d = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            if ((mask >> i & 1) == 0) d.add(DIMS[i]);
            else if (keep) d.add(1);
        }
        return d.stream().mapToInt(Integer::intValue).toArray();
    }

    @ParameterizedTest(name = "{0} axes mask {1} keepDim {2}")
    @MethodSource("subsets")
    void reductionsOverAnySubsetOfAxes(DType dt, int mask, boolean keep) {
        double[] x = NdRef.random(mask, dt, NdRef.size(DIMS));
        Tensor t = NdRef.tensor(x, dt, DIMS);
        boolean[] flags = new boolean[4];
        int count = 1;
        for (int i = 0; i < 4; i++) {
            flags[i] = (mask >> i & 1) != 0;
            if (flags[i]) count *= DIMS[i];
        }
        double[] sum = NdRef.reduce(x, DIMS, flags, 0, Double::sum);
        double[] abs = NdRef.reduce(x, DIMS, flags, 0, (acc, v) -> acc + Math.abs(v));
        double[] max = NdRef.reduce(x, DIMS, flags, Double.NEGATIVE_INFINITY, Math::max);
        double[] min = NdRef.reduce(x, DIMS, flags, Double.POSITIVE_INFINITY, Math::min);
        int[] expectedDims = reducedDims(mask, keep);

        for (boolean negative : new boolean[] {false, true}) {
            int[] axes = axesOf(mask, negative);
            Tensor s = t.sum(axes, keep);
            assertThat(s.dims()).containsExactly(expectedDims);
            assertThat(s.dtype()).isEqualTo(dt);
            double[] got = s.toDoubleArray();
            double eps = dt == DType.FLOAT32 ? 6e-8 : 1.2e-16;
            for (int i = 0; i < got.length; i++) {
                assertThat(got[i]).as("sum %d", i).isCloseTo(sum[i], within(2 * count * eps * abs[i] + 1e-300));
            }
            assertThat(t.max(axes, keep).toDoubleArray()).containsExactly(max);
            assertThat(t.min(axes, keep).toDoubleArray()).containsExactly(min);
            assertThat(t.max(axes, keep).dims()).containsExactly(expectedDims);
            double[] mean = t.mean(axes, keep).toDoubleArray();
            for (int i = 0; i < mean.length; i++) {
                assertThat(mean[i]).as("mean %d", i).isCloseTo(sum[i] / count, within((2 * count * eps * abs[i] + 1e-300) / count + 2 * eps));
            }
        }
        // The source is untouched (reductions work on copies, not in place).
        assertThat(t.toDoubleArray()).containsExactly(x);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void fullReductionsAndSingleAxisOverloads(DType dt) {
        Tensor t = Tensor.arange(0, 12, 1, dt).reshape(3, 4);
        assertThat(t.sum().rank()).isZero();
        assertThat(t.sum().item()).isEqualTo(66.0);
        assertThat(t.mean().item()).isEqualTo(5.5);
        assertThat(t.max().item()).isEqualTo(11.0);
        assertThat(t.min().item()).isEqualTo(0.0);
        assertThat(t.sum(0).toDoubleArray()).containsExactly(12, 15, 18, 21);
        assertThat(t.sum(-1).toDoubleArray()).containsExactly(6, 22, 38);
        assertThat(t.mean(1).toDoubleArray()).containsExactly(1.5, 5.5, 9.5);
        Tensor withNaN = Tensor.of(new double[] {1, Double.NaN, 3}).to(dt);
        assertThat(withNaN.max().item()).isNaN();
        assertThat(withNaN.min().item()).isNaN();
        assertThat(withNaN.sum().item()).isNaN();
        // Empty reductions give the identity.
        assertThat(Tensor.zeros(dt, 0, 3).sum(new int[] {0}, false).toDoubleArray()).containsExactly(0, 0, 0);
        assertThat(Tensor.zeros(dt, 2, 0).max(new int[] {1}, false).toDoubleArray())
                .containsExactly(Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY);
        // A view reduces only itself.
        assertThat(t.slice(1, 3).sum().item()).isEqualTo(60.0);
        assertThatThrownBy(() -> t.sum(new int[] {0, -2}, false)).hasMessageContaining("twice");
        assertThatThrownBy(() -> t.sum(2)).hasMessageContaining("axis 2 is out of range for shape [3, 4]");
        assertThatThrownBy(() -> t.max(new int[] {-3}, true)).hasMessageContaining("axis -3").hasMessageContaining("[3, 4]");
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void varianceWithBothCorrections(DType dt) {
        int[] d = {4, 3, 5};
        double[] x = NdRef.random(17, dt, 60);
        Tensor t = NdRef.tensor(x, dt, d);
        for (int mask = 1; mask < 8; mask++) {
            boolean[] flags = {(mask & 1) != 0, (mask & 2) != 0, (mask & 4) != 0};
            int n = 1;
            List<Integer> axes = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                if (flags[i]) {
                    n *= d[i];
                    axes.add(i);
                }
            }
            double[] mean = NdRef.reduce(x, d, flags, 0, Double::sum);
            for (int i = 0; i < mean.length; i++) mean[i] /= n;
            int[] kd = d.clone();
            for (int i = 0; i < 3; i++) if (flags[i]) kd[i] = 1;
            double[] ss = new double[mean.length];
            for (int i = 0; i < x.length; i++) {
                int[] idx = NdRef.unravel(i, d);
                for (int a = 0; a < 3; a++) if (flags[a]) idx[a] = 0;
                int o = NdRef.ravel(idx, kd);
                ss[o] += (x[i] - mean[o]) * (x[i] - mean[o]);
            }
            int[] ax = axes.stream().mapToInt(Integer::intValue).toArray();
            for (int correction : new int[] {0, 1}) {
                Tensor v = t.var(ax, true, correction);
                assertThat(v.dims()).containsExactly(kd);
                double[] got = v.toDoubleArray();
                for (int i = 0; i < got.length; i++) {
                    assertThat(got[i]).as("var mask %d correction %d at %d", mask, correction, i)
                            .isCloseTo(ss[i] / (n - correction), within(1e3 * NdRef.rtol(dt) * (ss[i] / n)));
                }
            }
            assertThat(t.var(ax, false, 1).size()).isEqualTo(mean.length);
        }
        assertThat(Tensor.of(new double[] {1, 2, 3, 4}).var(new int[] {0}, false, 1).item()).isCloseTo(5.0 / 3, within(1e-15));
        assertThat(Tensor.of(new double[] {1, 2, 3, 4}).var(new int[] {0}, false, 0).item()).isCloseTo(1.25, within(1e-15));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void argmaxAndArgminTakeTheFirstOnTies(DType dt) {
        // [2, 3, 4] with ties placed along each axis.
        double[] x = {
                1, 5, 5, 0, /**/ 2, 2, 2, 2, /**/ 9, 1, 9, 1,
                -1, -1, 7, 7, /**/ 3, 8, 3, 8, /**/ 0, 0, 0, -5};
        int[] d = {2, 3, 4};
        Tensor t = NdRef.tensor(x, dt, d);
        for (int axis = 0; axis < 3; axis++) {
            int[] od = d.clone();
            od[axis] = 1;
            double[] amax = new double[NdRef.size(od)];
            double[] amin = new double[NdRef.size(od)];
            for (int o = 0; o < amax.length; o++) {
                int[] idx = NdRef.unravel(o, od);
                double best = Double.NEGATIVE_INFINITY;
                double worst = Double.POSITIVE_INFINITY;
                for (int j = 0; j < d[axis]; j++) {
                    idx[axis] = j;
                    double v = x[NdRef.ravel(idx, d)];
                    if (v > best) {
                        best = v;
                        amax[o] = j;
                    }
                    if (v < worst) {
                        worst = v;
                        amin[o] = j;
                    }
                }
            }
            assertThat(t.argmax(axis, true).dims()).containsExactly(od);
            assertThat(t.argmax(axis, true).toDoubleArray()).as("argmax %d", axis).containsExactly(amax);
            assertThat(t.argmin(axis - 3, false).toDoubleArray()).as("argmin %d", axis).containsExactly(amin);
            assertThat(t.argmin(axis, false).rank()).isEqualTo(2);
        }
        assertThat(Tensor.of(new double[] {1, Double.NaN, 5, Double.NaN}).to(dt).argmax(0, false).item()).isEqualTo(1.0);
        assertThatThrownBy(() -> Tensor.zeros(dt, 0, 2).argmax(0, false)).hasMessageContaining("empty");
    }

    static double[] softmaxRef(double[] x, int[] d, int axis, boolean log) {
        double[] out = new double[x.length];
        int[] od = d.clone();
        od[axis] = 1;
        for (int o = 0; o < NdRef.size(od); o++) {
            int[] idx = NdRef.unravel(o, od);
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < d[axis]; j++) {
                idx[axis] = j;
                m = Math.max(m, x[NdRef.ravel(idx, d)]);
            }
            double s = 0;
            for (int j = 0; j < d[axis]; j++) {
                idx[axis] = j;
                s += Math.exp(x[NdRef.ravel(idx, d)] - m);
            }
            for (int j = 0; j < d[axis]; j++) {
                idx[axis] = j;
                int f = NdRef.ravel(idx, d);
                out[f] = log ? x[f] - m - Math.log(s) : Math.exp(x[f] - m) / s;
            }
        }
        return out;
    }

    static double[] logSumExpRef(double[] x, int[] d, int axis) {
        double[] ls = softmaxRef(x, d, axis, true); // x − lse
        int[] od = d.clone();
        od[axis] = 1;
        double[] out = new double[NdRef.size(od)];
        for (int o = 0; o < out.length; o++) {
            int[] idx = NdRef.unravel(o, od);
            int f = NdRef.ravel(idx, d);
            out[o] = x[f] - ls[f];
        }
        return out;
    }

    static Stream<Arguments> softmaxCases() {
        List<Arguments> out = new ArrayList<>();
        for (DType dt : DType.values()) {
            for (int axis = -3; axis < 3; axis++) out.add(Arguments.of(dt, axis));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} axis {1}")
    @MethodSource("softmaxCases")
    void softmaxLogSoftmaxAndLogSumExpAlongEveryAxis(DType dt, int axis) {
        int[] d = {3, 4, 17};
        int a = axis < 0 ? axis + 3 : axis;
        double[] x = NdRef.random(a + 40, dt, NdRef.size(d));
        for (int i = 0; i < x.length; i++) x[i] = dt == DType.FLOAT32 ? (float) (x[i] * 10) : x[i] * 10; // logits up to ±30
        Tensor t = NdRef.tensor(x, dt, d);
        double tol = NdRef.rtol(dt);

        Tensor s = t.softmax(axis);
        assertThat(s.dims()).containsExactly(d);
        assertThat(s.dtype()).isEqualTo(dt);
        NdRef.assertClose(s.toDoubleArray(), softmaxRef(x, d, a, false), 4 * tol, tol * 1e-3, "softmax axis " + axis);
        NdRef.assertClose(t.logSoftmax(axis).toDoubleArray(), softmaxRef(x, d, a, true), 4 * tol, 4 * tol, "logSoftmax axis " + axis);
        // Probabilities along the axis sum to one.
        boolean[] flags = new boolean[3];
        flags[a] = true;
        double[] sums = NdRef.reduce(s.toDoubleArray(), d, flags, 0, Double::sum);
        for (double v : sums) assertThat(v).isCloseTo(1.0, within(d[a] * 4 * tol));

        Tensor lse = t.logSumExp(axis, true);
        int[] kd = d.clone();
        kd[a] = 1;
        assertThat(lse.dims()).containsExactly(kd);
        NdRef.assertClose(lse.toDoubleArray(), logSumExpRef(x, d, a), 4 * tol, 4 * tol, "logSumExp axis " + axis);
        assertThat(t.logSumExp(axis, false).rank()).isEqualTo(2);
        assertThat(t.logSumExp(axis, false).toDoubleArray()).containsExactly(lse.toDoubleArray());
        assertThat(t.toDoubleArray()).containsExactly(x);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void softmaxIsStableForHugeLogitsOnEveryAxis(DType dt) {
        double[] x = {1000, -1000, 999, 0, 1000, -1000};
        Tensor t = Tensor.of(x, 2, 3).to(dt);
        for (int axis = 0; axis < 2; axis++) {
            double[] s = t.softmax(axis).toDoubleArray();
            for (double v : s) assertThat(v).isFinite().isBetween(0.0, 1.0);
            NdRef.assertClose(s, softmaxRef(x, new int[] {2, 3}, axis, false), 1e-5, 1e-30, "softmax axis " + axis);
            NdRef.assertClose(t.logSoftmax(axis).toDoubleArray(), softmaxRef(x, new int[] {2, 3}, axis, true),
                    4 * NdRef.rtol(dt), 4 * NdRef.rtol(dt), "logSoftmax axis " + axis);
            NdRef.assertClose(t.logSumExp(axis, false).toDoubleArray(), logSumExpRef(x, new int[] {2, 3}, axis),
                    4 * NdRef.rtol(dt), 0, "logSumExp axis " + axis);
        }
        assertThat(Tensor.zeros(dt, 2, 0).logSumExp(1, false).toDoubleArray())
                .containsExactly(Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY);
        assertThat(Tensor.zeros(dt, 0, 4).softmax(1).dims()).containsExactly(0, 4);
        assertThatThrownBy(() -> t.softmax(2)).hasMessageContaining("axis 2").hasMessageContaining("[2, 3]");
    }

    @Test
    void softmaxOfAViewUsesOnlyTheView() {
        Tensor base = Tensor.of(new double[] {50, 50, 1, 2, 3, 4, 50, 50});
        Tensor v = base.reshape(4, 2).slice(1, 3); // [[1, 2], [3, 4]]
        double[] expected = softmaxRef(new double[] {1, 2, 3, 4}, new int[] {2, 2}, 0, false);
        NdRef.assertClose(v.softmax(0).toDoubleArray(), expected, 1e-14, 0, "softmax of a view, axis 0");
        NdRef.assertClose(v.logSumExp(1, false).toDoubleArray(),
                new double[] {2 + Math.log1p(Math.exp(-1)), 4 + Math.log1p(Math.exp(-1))}, 1e-14, 0, "logSumExp of a view");
    }
}
