package org.panopt.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.DoubleBinaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Tensor binary ops with NumPy broadcasting and dtype promotion, unary ops and where, against NdRef. */
class TensorElementwiseTest {

    record Op(String name, BiFunction<Tensor, Tensor, Tensor> tensor, DoubleBinaryOperator ref) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Op> OPS = List.of(
            new Op("add", Tensor::add, (a, b) -> a + b),
            new Op("sub", Tensor::sub, (a, b) -> a - b),
            new Op("mul", Tensor::mul, (a, b) -> a * b),
            new Op("div", Tensor::div, (a, b) -> a / b),
            new Op("max", Tensor::max, Math::max),
            new Op("min", Tensor::min, Math::min),
            new Op("pow", (a, b) -> a.abs().pow(b), (a, b) -> Math.pow(Math.abs(a), b)),
            new Op("eq", Tensor::eq, (a, b) -> a == b ? 1 : 0),
            new Op("ne", Tensor::ne, (a, b) -> a != b ? 1 : 0),
            new Op("lt", Tensor::lt, (a, b) -> a < b ? 1 : 0),
            new Op("le", Tensor::le, (a, b) -> a <= b ? 1 : 0),
            new Op("gt", Tensor::gt, (a, b) -> a > b ? 1 : 0),
            new Op("ge", Tensor::ge, (a, b) -> a >= b ? 1 : 0));

    static final int[][][] SHAPE_PAIRS = {
            {{2, 3}, {2, 3}},
            {{}, {2, 3}},
            {{2, 3}, {}},
            {{5, 17}, {17}},
            {{17}, {5, 17}},
            {{5, 1}, {1, 17}},
            {{2, 3, 4, 5}, {1, 3, 1, 1}},
            {{3, 1, 5}, {1, 4, 1}},
            {{4, 1}, {2, 1, 3}},
            {{2, 1, 3}, {3}},
            {{1}, {33}},
            {{0, 3}, {3}},
            {{2, 0}, {2, 1}},
    };

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        DType[][] dtypes = {{DType.FLOAT32, DType.FLOAT32}, {DType.FLOAT64, DType.FLOAT64},
                {DType.FLOAT32, DType.FLOAT64}, {DType.FLOAT64, DType.FLOAT32}};
        for (Op op : OPS) {
            for (int[][] s : SHAPE_PAIRS) {
                for (DType[] dt : dtypes) out.add(Arguments.of(op, s[0], s[1], dt[0], dt[1]));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}{3} with {2}{4}")
    @MethodSource("cases")
    void binaryOpBroadcastsAndPromotesLikeTheReference(Op op, int[] ad, int[] bd, DType adt, DType bdt) {
        double[] a = NdRef.random(NdRef.size(ad) + 7L * ad.length, adt, NdRef.size(ad));
        double[] b = NdRef.random(NdRef.size(bd) + 13L * bd.length + 1, bdt, NdRef.size(bd));
        // Comparisons need equal values to show eq/le/ge; give b some of a's values.
        if (op.name().length() == 2) {
            for (int i = 0; i < b.length; i += 2) b[i] = a.length == 0 ? 0 : a[i % a.length];
            for (int i = 0; i < b.length; i++) b[i] = adt == DType.FLOAT32 || bdt == DType.FLOAT32 ? (float) b[i] : b[i];
        }
        Tensor ta = NdRef.tensor(a, adt, ad);
        Tensor tb = NdRef.tensor(b, bdt, bd);
        Tensor y = op.tensor().apply(ta, tb);

        DType expectedDt = adt == DType.FLOAT64 || bdt == DType.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32;
        assertThat(y.dtype()).isEqualTo(expectedDt);
        assertThat(y.dims()).containsExactly(NdRef.broadcastShape(ad, bd));
        double[] expected = NdRef.binary(a, ad, b, bd, op.ref());
        if (expectedDt == DType.FLOAT32) {
            for (int i = 0; i < expected.length; i++) expected[i] = (float) expected[i];
        }
        // +,−,×,÷, max, min and comparisons are correctly rounded: exact. pow goes through exp/log.
        double rtol = op.name().equals("pow") ? 4 * NdRef.rtol(expectedDt) : 0;
        NdRef.assertClose(y.toDoubleArray(), expected, rtol, 0, op + " " + y.shape());
    }

    @Test
    void comparisonsYieldZerosAndOnesInTheOperandDtype() {
        Tensor a = Tensor.of(new double[] {1, 2, 3, Double.NaN});
        Tensor b = Tensor.of(new double[] {2, 2, 2, 2});
        assertThat(a.lt(b).toDoubleArray()).containsExactly(1, 0, 0, 0);
        assertThat(a.le(b).toDoubleArray()).containsExactly(1, 1, 0, 0);
        assertThat(a.eq(b).toDoubleArray()).containsExactly(0, 1, 0, 0);
        assertThat(a.ne(b).toDoubleArray()).containsExactly(1, 0, 1, 1);
        assertThat(a.gt(2).toDoubleArray()).containsExactly(0, 0, 1, 0);
        assertThat(a.ge(2).dtype()).isEqualTo(DType.FLOAT64);
        assertThat(Tensor.arange(4).ge(2).dtype()).isEqualTo(DType.FLOAT32);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void scalarOverloadsKeepTheTensorDtype(DType dt) {
        Tensor t = Tensor.of(new double[] {1, -2, 4}).to(dt);
        assertThat(t.add(0.5).toDoubleArray()).containsExactly(1.5, -1.5, 4.5);
        assertThat(t.sub(1).toDoubleArray()).containsExactly(0, -3, 3);
        assertThat(t.mul(-2).toDoubleArray()).containsExactly(-2, 4, -8);
        assertThat(t.div(4).toDoubleArray()).containsExactly(0.25, -0.5, 1);
        assertThat(t.pow(2).toDoubleArray()).containsExactly(1, 4, 16);
        assertThat(t.max(0).toDoubleArray()).containsExactly(1, 0, 4);
        assertThat(t.min(0).toDoubleArray()).containsExactly(0, -2, 0);
        assertThat(t.clamp(-1, 2).toDoubleArray()).containsExactly(1, -1, 2);
        assertThat(t.add(0.1).dtype()).isEqualTo(dt);
        assertThat(t.add(0.1).at(0)).isEqualTo(dt == DType.FLOAT32 ? (double) (1f + 0.1f) : 1.1);
        assertThatThrownBy(() -> t.clamp(2, 1)).hasMessageContaining("clamp");
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void unaryTensorOpsMatchTheirDefinitionOnAView(DType dt) {
        double[] v = {-2.5, -1, -1e-3, 0, 0.5, 1, 3, 7.25};
        Tensor base = Tensor.of(new double[] {99, 99, -2.5, -1, -1e-3, 0, 0.5, 1, 3, 7.25, 99}).to(dt);
        Tensor t = base.slice(2, 10); // a view at an offset: the op must read only it
        for (int i = 0; i < v.length; i++) v[i] = dt == DType.FLOAT32 ? (float) v[i] : v[i];
        // Composite cases round their intermediate x + 1 to the dtype, as the tensor does.
        java.util.function.DoubleUnaryOperator r = x -> dt == DType.FLOAT32 ? (float) x : x;
        record U(String name, java.util.function.UnaryOperator<Tensor> op, java.util.function.DoubleUnaryOperator ref) {}
        List<U> ops = List.of(
                new U("neg", Tensor::neg, x -> -x),
                new U("abs", Tensor::abs, Math::abs),
                new U("exp", Tensor::exp, Math::exp),
                new U("tanh", Tensor::tanh, Math::tanh),
                new U("sigmoid", Tensor::sigmoid, x -> 1 / (1 + Math.exp(-x))),
                new U("relu", Tensor::relu, x -> Math.max(x, 0)),
                new U("square", Tensor::square, x -> x * x),
                new U("sign", Tensor::sign, Math::signum),
                new U("sin", Tensor::sin, Math::sin),
                new U("cos", Tensor::cos, Math::cos),
                new U("expm1", Tensor::expm1, Math::expm1),
                new U("softplus", Tensor::softplus, x -> Math.log1p(Math.exp(x))),
                new U("step", Tensor::step, x -> x > 0 ? 1 : 0),
                new U("log∘abs", x -> x.abs().add(1).log(), x -> Math.log(r.applyAsDouble(Math.abs(x) + 1))),
                new U("sqrt∘abs", x -> x.abs().sqrt(), x -> Math.sqrt(Math.abs(x))),
                new U("rsqrt∘abs", x -> x.abs().add(1).rsqrt(), x -> 1 / Math.sqrt(r.applyAsDouble(Math.abs(x) + 1))),
                new U("log1p∘abs", x -> x.abs().log1p(), x -> Math.log1p(Math.abs(x))),
                new U("reciprocal", Tensor::reciprocal, x -> 1 / x));
        for (U u : ops) {
            Tensor y = u.op().apply(t);
            assertThat(y.dims()).containsExactly(8);
            assertThat(y.dtype()).isEqualTo(dt);
            double[] expected = new double[v.length];
            for (int i = 0; i < v.length; i++) expected[i] = u.ref().applyAsDouble(v[i]);
            NdRef.assertClose(y.toDoubleArray(), expected, 8 * NdRef.rtol(dt), 1e-300, u.name());
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void whereBroadcastsAllThreeAndPromotes(DType dt) {
        int[] cd = {3, 1};
        int[] ad = {4};
        int[] bd = {2, 1, 1};
        double[] c = {0, 1, -0.0};
        double[] a = {1, 2, 3, 4};
        double[] b = {-1, -2};
        Tensor y = Tensor.where(Tensor.of(c, cd).to(dt), Tensor.of(a, ad).to(dt), Tensor.of(b, bd));
        assertThat(y.dims()).containsExactly(2, 3, 4);
        assertThat(y.dtype()).isEqualTo(DType.FLOAT64);
        int[] od = {2, 3, 4};
        for (int o = 0; o < 24; o++) {
            int[] idx = NdRef.unravel(o, od);
            double expected = c[idx[1]] != 0 ? a[idx[2]] : b[idx[0]];
            assertThat(y.toDoubleArray()[o]).as("at %s", java.util.Arrays.toString(idx)).isEqualTo(expected);
        }
        Tensor f = Tensor.where(Tensor.of(new float[] {1, 0}), Tensor.of(new float[] {5, 6}), Tensor.scalar(9));
        assertThat(f.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(f.toDoubleArray()).containsExactly(5, 9);
        assertThatThrownBy(() -> Tensor.where(Tensor.zeros(2), Tensor.zeros(3), Tensor.zeros(3)))
                .hasMessageContaining("where").hasMessageContaining("[2]").hasMessageContaining("[3]");
    }

    @Test
    void broadcastingErrorNamesTheOpAndBothShapes() {
        Tensor a = Tensor.zeros(2, 3);
        Tensor b = Tensor.zeros(4);
        assertThatThrownBy(() -> a.add(b)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("add: shapes [2, 3] and [4] cannot be broadcast");
        assertThatThrownBy(() -> a.mul(Tensor.zeros(3, 3))).hasMessageStartingWith("mul: shapes [2, 3] and [3, 3] cannot be broadcast");
        assertThatThrownBy(() -> a.ge(Tensor.zeros(2))).hasMessageStartingWith("ge: shapes [2, 3] and [2] cannot be broadcast");
        assertThatThrownBy(() -> Tensor.zeros(2, 1, 5).sub(Tensor.zeros(3, 4))).hasMessageStartingWith("sub: shapes [2, 1, 5] and [3, 4]");
    }

    @Test
    void largeOpsSplitOverThreadsGiveTheSameResultAsSmallOnes() {
        // Above the parallel threshold (2^15 elements) BroadcastPlan.forAll splits rows or chunks: check
        // both ways against the reference.
        int[][][] pairs = {{{300, 257}, {257}}, {{1, 70001}, {70001}}, {{70001}, {}}};
        for (int[][] p : pairs) {
            double[] a = NdRef.random(1, DType.FLOAT32, NdRef.size(p[0]));
            double[] b = NdRef.random(2, DType.FLOAT32, NdRef.size(p[1]));
            Tensor y = NdRef.tensor(a, DType.FLOAT32, p[0]).sub(NdRef.tensor(b, DType.FLOAT32, p[1]));
            double[] expected = NdRef.binary(a, p[0], b, p[1], (x, z) -> (float) (x - z));
            assertThat(y.toDoubleArray()).containsExactly(expected);
        }
    }
}
