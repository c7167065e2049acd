package org.panopt.autograd;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.panopt.kernels.ConvGeometry;
import org.panopt.tensor.Tensor;

/**
 * Every differentiable {@link Tensor} op against central differences in float64, first and second order,
 * from one declarative table of (name, function, input shapes, input domains).
 *
 * <p>Second order is checked twice: for f itself (the op's Hessian) and for f(x)², whose outgoing gradient
 * 2·f·r depends on x — so the op's backward rule is also differentiated along its gradient argument (the
 * part a linear op's Hessian, which is zero, would never reach).
 *
 * <p>Inputs are drawn from a {@link Domain} that keeps them away from the op's non-smooth points: the
 * central difference at a kink (relu/abs at 0, ties of max/min/max-pool, clamp bounds) is not a derivative.
 */
class OpGradientTest {

    /**
     * One row: {@code f} applied to inputs of {@code shapes} drawn from {@code domains} (one per input, or one
     * for all). {@code step} is the central-difference step; {@code secondOrder} false only where the
     * reference cannot be formed (noted at the row).
     */
    record Case(String name, Function<List<Tensor>, Tensor> f, int[][] shapes, Domain[] domains, double step, boolean secondOrder) {
        @Override
        public String toString() {
            return name;
        }

        List<Tensor> inputs() {
            SplittableRandom rng = new SplittableRandom(name.hashCode());
            List<Tensor> in = new ArrayList<>();
            for (int i = 0; i < shapes.length; i++) {
                int n = 1;
                for (int d : shapes[i]) n *= d;
                Domain dom = domains[Math.min(i, domains.length - 1)];
                in.add(Tensor.of(dom.sample(rng, n)).reshape(shapes[i]));
            }
            return in;
        }

        Case noSecondOrder() {
            return new Case(name, f, shapes, domains, step, false);
        }

        Case step(double h) {
            return new Case(name, f, shapes, domains, h, secondOrder);
        }
    }

    private static Case c(String name, Function<List<Tensor>, Tensor> f, Domain domain, int[]... shapes) {
        return new Case(name, f, shapes, new Domain[] {domain}, GradCheck.STEP, true);
    }

    private static Case c(String name, Function<List<Tensor>, Tensor> f, Domain[] domains, int[]... shapes) {
        return new Case(name, f, shapes, domains, GradCheck.STEP, true);
    }

    private static int[] s(int... dims) {
        return dims;
    }

    private static Domain[] d(Domain... ds) {
        return ds;
    }

    private static Tensor x(List<Tensor> in) {
        return in.get(0);
    }

    private static Tensor y(List<Tensor> in) {
        return in.get(1);
    }

    private static final Domain REAL = Domain.REAL;
    private static final Domain POSITIVE = Domain.POSITIVE;
    private static final Domain NONZERO = Domain.NONZERO;
    private static final Domain DISTINCT = Domain.DISTINCT;
    private static final Domain EVEN = Domain.EVEN_GRID;
    private static final Domain ODD = Domain.ODD_GRID;

    // A fixed 0/1 pattern of shape [3, 1] (broadcast against [3, 4] and [4] in `where`).
    private static final Tensor COND = Tensor.of(new double[] {1, 0, 1}, 3, 1);
    private static final Tensor COND_FULL = Tensor.of(new double[] {1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 1, 0}, 3, 4);

    private static final ConvGeometry IM2COL = new ConvGeometry(2, 4, 5, 2, 3, 1, 2, 1, 0, 1, 1);
    private static final ConvGeometry POOL_2X2 = new ConvGeometry(2, 4, 6, 2, 2, 2, 2, 0, 0, 1, 1);
    private static final ConvGeometry POOL_OVERLAP = new ConvGeometry(2, 5, 5, 3, 3, 1, 1, 1, 1, 1, 1);
    private static final ConvGeometry POOL_ODD = new ConvGeometry(1, 5, 7, 2, 3, 2, 1, 1, 0, 2, 1);
    private static final ConvGeometry AVG_PAD = new ConvGeometry(2, 5, 6, 3, 3, 2, 2, 1, 1, 1, 1);

    static Stream<Case> cases() {
        List<Case> t = new ArrayList<>();
        // ---- unary
        t.add(c("neg", in -> x(in).neg(), REAL, s(3, 4)));
        t.add(c("abs", in -> x(in).abs(), NONZERO, s(3, 4)));
        t.add(c("exp", in -> x(in).exp(), REAL, s(3, 4)));
        t.add(c("log", in -> x(in).log(), POSITIVE, s(3, 4)));
        t.add(c("sqrt", in -> x(in).sqrt(), POSITIVE, s(3, 4)));
        t.add(c("rsqrt", in -> x(in).rsqrt(), POSITIVE, s(3, 4)));
        t.add(c("tanh", in -> x(in).tanh(), REAL, s(3, 4)));
        t.add(c("sigmoid", in -> x(in).sigmoid(), REAL, s(3, 4)));
        t.add(c("relu", in -> x(in).relu(), NONZERO, s(3, 4)));
        t.add(c("square", in -> x(in).square(), REAL, s(3, 4)));
        t.add(c("reciprocal", in -> x(in).reciprocal(), NONZERO, s(3, 4)));
        t.add(c("log1p", in -> x(in).log1p(), POSITIVE, s(3, 4)));
        t.add(c("expm1", in -> x(in).expm1(), REAL, s(3, 4)));
        t.add(c("sin", in -> x(in).sin(), REAL, s(3, 4)));
        t.add(c("cos", in -> x(in).cos(), REAL, s(3, 4)));
        t.add(c("softplus", in -> x(in).softplus(), REAL, s(3, 4)));
        t.add(c("erf", in -> x(in).erf(), REAL, s(3, 4)));
        t.add(c("erf on [-4, 4]", in -> x(in).erf(), Domain.WIDE, s(4, 5)));
        t.add(c("erf of a rank-0 tensor", in -> x(in).erf(), REAL, s()));

        // ---- binary, with broadcasting
        t.add(c("add same shape", in -> x(in).add(y(in)), REAL, s(3, 4), s(3, 4)));
        t.add(c("add [3,1,4]+[2,4]", in -> x(in).add(y(in)), REAL, s(3, 1, 4), s(2, 4)));
        t.add(c("add rank-0 + [3,4]", in -> x(in).add(y(in)), REAL, s(), s(3, 4)));
        t.add(c("sub [4]-[2,3,4]", in -> x(in).sub(y(in)), REAL, s(4), s(2, 3, 4)));
        t.add(c("sub [2,1]-[2,3]", in -> x(in).sub(y(in)), REAL, s(2, 1), s(2, 3)));
        t.add(c("mul [2,3,1]*[3,4]", in -> x(in).mul(y(in)), REAL, s(2, 3, 1), s(3, 4)));
        t.add(c("mul same tensor twice", in -> x(in).mul(x(in)), REAL, s(3, 4)));
        t.add(c("div [3,4]/[4]", in -> x(in).div(y(in)), d(REAL, NONZERO), s(3, 4), s(4)));
        t.add(c("div [2,1]/[2,3]", in -> x(in).div(y(in)), d(REAL, NONZERO), s(2, 1), s(2, 3)));
        t.add(c("pow [3,4]^[4]", in -> x(in).pow(y(in)), d(POSITIVE, REAL), s(3, 4), s(4)));
        t.add(c("pow [1,4]^[3,4]", in -> x(in).pow(y(in)), d(POSITIVE, REAL), s(1, 4), s(3, 4)));
        t.add(c("max [3,4] vs [4]", in -> x(in).max(y(in)), d(EVEN, ODD), s(3, 4), s(4)));
        t.add(c("max [2,1,4] vs [3,1]", in -> x(in).max(y(in)), d(ODD, EVEN), s(2, 1, 4), s(3, 1)));
        t.add(c("min [3,4] vs [4]", in -> x(in).min(y(in)), d(EVEN, ODD), s(3, 4), s(4)));
        t.add(c("min [2,1,4] vs [3,1]", in -> x(in).min(y(in)), d(ODD, EVEN), s(2, 1, 4), s(3, 1)));

        // ---- scalar operands
        t.add(c("add scalar", in -> x(in).add(1.5), REAL, s(3, 4)));
        t.add(c("sub scalar", in -> x(in).sub(0.7), REAL, s(3, 4)));
        t.add(c("mul scalar", in -> x(in).mul(-1.3), REAL, s(3, 4)));
        t.add(c("div scalar", in -> x(in).div(2.5), REAL, s(3, 4)));
        t.add(c("pow scalar 3", in -> x(in).pow(3), POSITIVE, s(3, 4)));
        t.add(c("pow scalar 0.5", in -> x(in).pow(0.5), POSITIVE, s(3, 4)));
        t.add(c("pow scalar -1.5", in -> x(in).pow(-1.5), POSITIVE, s(3, 4)));
        t.add(c("max scalar", in -> x(in).max(0.1), EVEN, s(3, 4)));
        t.add(c("min scalar", in -> x(in).min(-0.3), EVEN, s(3, 4)));

        // ---- where, clamp
        t.add(c("where [3,1] ? [3,4] : [4]", in -> Tensor.where(COND, x(in), y(in)), REAL, s(3, 4), s(4)));
        t.add(c("where [3,4] ? [3,4] : [3,4]", in -> Tensor.where(COND_FULL, x(in), y(in)), REAL, s(3, 4), s(3, 4)));
        t.add(c("where of the same tensor", in -> Tensor.where(COND, x(in).exp(), x(in).sin()), REAL, s(3, 4)));
        t.add(c("clamp", in -> x(in).clamp(-0.4, 0.6), ODD, s(3, 4)));

        // ---- reductions
        int[][] axisSets = {{}, {1}, {0, 2}, {-1}, {0, 1, 2}, {0, 1}};
        for (int[] axes : axisSets) {
            for (boolean keep : new boolean[] {false, true}) {
                String tag = java.util.Arrays.toString(axes) + (keep ? " keepDim" : "");
                t.add(c("sum " + tag, in -> x(in).sum(axes, keep), REAL, s(2, 3, 4)));
                t.add(c("mean " + tag, in -> x(in).mean(axes, keep), REAL, s(2, 3, 4)));
                t.add(c("max " + tag, in -> x(in).max(axes, keep), DISTINCT, s(2, 3, 4)));
                t.add(c("min " + tag, in -> x(in).min(axes, keep), DISTINCT, s(2, 3, 4)));
                if (axes.length > 0) {
                    for (int corr : new int[] {0, 1}) {
                        t.add(c("var " + tag + " correction " + corr, in -> x(in).var(axes, keep, corr), REAL, s(2, 3, 4)));
                    }
                }
            }
        }
        t.add(c("sum all", in -> x(in).sum(), REAL, s(2, 3, 4)));
        t.add(c("sum axis", in -> x(in).sum(1), REAL, s(2, 3, 4)));
        t.add(c("mean all", in -> x(in).mean(), REAL, s(2, 3, 4)));
        t.add(c("mean axis", in -> x(in).mean(-1), REAL, s(2, 3, 4)));
        t.add(c("max all", in -> x(in).max(), DISTINCT, s(2, 3, 4)));
        t.add(c("min all", in -> x(in).min(), DISTINCT, s(2, 3, 4)));
        for (int axis : new int[] {0, 1, 2, -1}) {
            t.add(c("softmax axis " + axis, in -> x(in).softmax(axis), REAL, s(2, 3, 4)));
            t.add(c("logSoftmax axis " + axis, in -> x(in).logSoftmax(axis), REAL, s(2, 3, 4)));
            for (boolean keep : new boolean[] {false, true}) {
                t.add(c("logSumExp axis " + axis + (keep ? " keepDim" : ""), in -> x(in).logSumExp(axis, keep), REAL, s(2, 3, 4)));
            }
        }
        t.add(c("softmax of a vector", in -> x(in).softmax(0), REAL, s(5)));

        // ---- matrix products
        t.add(c("matmul 2-d", in -> x(in).matmul(y(in)), REAL, s(3, 4), s(4, 2)));
        t.add(c("matmul 1-d @ 2-d", in -> x(in).matmul(y(in)), REAL, s(4), s(4, 3)));
        t.add(c("matmul 2-d @ 1-d", in -> x(in).matmul(y(in)), REAL, s(3, 4), s(4)));
        t.add(c("matmul 1-d @ 1-d", in -> x(in).matmul(y(in)), REAL, s(4), s(4)));
        t.add(c("matmul batched", in -> x(in).matmul(y(in)), REAL, s(2, 3, 4), s(2, 4, 2)));
        t.add(c("matmul batch broadcast [2,1,3,4]@[3,4,2]", in -> x(in).matmul(y(in)), REAL, s(2, 1, 3, 4), s(3, 4, 2)));
        t.add(c("matmul 2-d @ batched", in -> x(in).matmul(y(in)), REAL, s(3, 4), s(2, 4, 2)));
        t.add(c("matmul batched @ 1-d", in -> x(in).matmul(y(in)), REAL, s(2, 3, 4), s(4)));
        t.add(c("matmul batched @ 2-d", in -> x(in).matmul(y(in)), REAL, s(2, 3, 4), s(4, 2)));
        t.add(c("matmul same matrix x·x", in -> x(in).matmul(x(in)), REAL, s(3, 3)));
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                String tag = (ta ? "aᵀ" : "a") + "·" + (tb ? "bᵀ" : "b");
                t.add(c("matmul " + tag, in -> x(in).matmul(y(in), ta, tb), REAL, ta ? s(4, 3) : s(3, 4), tb ? s(2, 4) : s(4, 2)));
                t.add(c("matmul batch broadcast " + tag, in -> x(in).matmul(y(in), ta, tb), REAL,
                        ta ? s(2, 1, 4, 3) : s(2, 1, 3, 4), tb ? s(3, 2, 4) : s(3, 4, 2)));
                t.add(c("matmul shared " + tag, in -> x(in).matmul(y(in), ta, tb), REAL, ta ? s(4, 3) : s(3, 4), tb ? s(2, 2, 4) : s(2, 4, 2)));
            }
        }
        t.add(c("outer", in -> x(in).outer(y(in)), REAL, s(3), s(4)));

        // ---- views and movement
        t.add(c("reshape", in -> x(in).reshape(6, 4), REAL, s(2, 3, 4)));
        t.add(c("reshape with -1", in -> x(in).reshape(4, -1), REAL, s(2, 3, 4)));
        t.add(c("flatten", in -> x(in).flatten(), REAL, s(2, 3, 4)));
        t.add(c("squeeze", in -> x(in).squeeze(1), REAL, s(3, 1, 4)));
        t.add(c("unsqueeze 0", in -> x(in).unsqueeze(0), REAL, s(3, 4)));
        t.add(c("unsqueeze -1", in -> x(in).unsqueeze(-1), REAL, s(3, 4)));
        t.add(c("get", in -> x(in).get(1), REAL, s(3, 4)));
        t.add(c("get of a get", in -> x(in).get(1).get(2), REAL, s(2, 3, 4)));
        t.add(c("get two rows, combined", in -> x(in).get(0).mul(x(in).get(2)), REAL, s(3, 4)));
        t.add(c("slice", in -> x(in).slice(1, 3), REAL, s(4, 3)));
        t.add(c("slice from 0", in -> x(in).slice(0, 2), REAL, s(4, 3)));
        t.add(c("slice whole", in -> x(in).slice(0, 4), REAL, s(4, 3)));
        t.add(c("narrow axis 1", in -> x(in).narrow(1, 1, 3), REAL, s(2, 5, 3)));
        t.add(c("narrow axis -1", in -> x(in).narrow(-1, 0, 2), REAL, s(2, 5, 3)));
        t.add(c("narrow axis 0", in -> x(in).narrow(0, 2, 2), REAL, s(4, 3)));
        t.add(c("concat axis 0", in -> Tensor.concat(0, x(in), y(in), in.get(2)), REAL, s(1, 3), s(2, 3), s(3, 3)));
        t.add(c("concat axis 1", in -> Tensor.concat(1, x(in), y(in), in.get(2)), REAL, s(2, 1), s(2, 3), s(2, 2)));
        t.add(c("concat axis -1 of rank 3", in -> Tensor.concat(-1, x(in), y(in)), REAL, s(2, 3, 1), s(2, 3, 2)));
        t.add(c("concat a tensor with itself", in -> Tensor.concat(0, x(in), x(in).exp()), REAL, s(2, 3)));
        t.add(c("stack axis 0", in -> Tensor.stack(0, x(in), y(in)), REAL, s(2, 3), s(2, 3)));
        t.add(c("stack axis 1", in -> Tensor.stack(1, x(in), y(in), in.get(2)), REAL, s(2, 3), s(2, 3), s(2, 3)));
        t.add(c("stack axis -1", in -> Tensor.stack(-1, x(in), y(in)), REAL, s(2, 3), s(2, 3)));
        t.add(c("permute", in -> x(in).permute(2, 0, 1), REAL, s(2, 3, 4)));
        t.add(c("permute negative axes", in -> x(in).permute(-1, -3, -2), REAL, s(2, 3, 4)));
        t.add(c("transpose", in -> x(in).transpose(), REAL, s(2, 3, 4)));
        t.add(c("transpose(0, 2)", in -> x(in).transpose(0, 2), REAL, s(2, 3, 4)));
        t.add(c("expand [3,1]→[2,3,4]", in -> x(in).expand(2, 3, 4), REAL, s(3, 1)));
        t.add(c("expand rank-0", in -> x(in).expand(2, 3), REAL, s()));
        t.add(c("copy", in -> x(in).copy(), REAL, s(3, 4)));
        // x ± 2⁻¹⁰ is exact in float32 for dyadic x, so the round trip is exactly the identity there. No second
        // order: the backward of to(float64) rounds the outgoing gradient 2·f·r to float32, noise far above ATOL2.
        t.add(new Case("to(float32).to(float64)", in -> x(in).to(org.panopt.tensor.DType.FLOAT32).to(org.panopt.tensor.DType.FLOAT64),
                new int[][] {s(3, 4)}, d(Domain.DYADIC), 1.0 / 1024, false));
        t.add(c("sumTo [2,3,4]→[3,1]", in -> x(in).sumTo(org.panopt.tensor.Shape.of(3, 1)), REAL, s(2, 3, 4)));
        t.add(c("sumTo [2,3,4]→[1,4]", in -> x(in).sumTo(org.panopt.tensor.Shape.of(1, 4)), REAL, s(2, 3, 4)));
        t.add(c("sumTo [2,3,4]→[2,1,1]", in -> x(in).sumTo(org.panopt.tensor.Shape.of(2, 1, 1)), REAL, s(2, 3, 4)));
        t.add(c("sumTo [2,3,4]→[]", in -> x(in).sumTo(org.panopt.tensor.Shape.scalar()), REAL, s(2, 3, 4)));

        // ---- convolution and pooling
        t.add(c("conv2d with bias", in -> x(in).conv2d(y(in), in.get(2), 1, 0), REAL, s(2, 2, 4, 5), s(3, 2, 3, 2), s(3)));
        t.add(c("conv2d stride 2 padding 1", in -> x(in).conv2d(y(in), in.get(2), 2, 1), REAL, s(2, 2, 5, 5), s(3, 2, 3, 3), s(3)));
        t.add(c("conv2d dilation 2", in -> x(in).conv2d(y(in), in.get(2), 1, 1, 1, 1, 2, 2), REAL, s(1, 2, 5, 6), s(2, 2, 2, 2), s(2)));
        t.add(c("conv2d non-square, no bias", in -> x(in).conv2d(y(in), null, 2, 1, 1, 0, 1, 2), REAL, s(1, 2, 5, 7), s(2, 2, 3, 2)));
        t.add(c("im2col", in -> x(in).im2col(IM2COL), REAL, s(2, 2, 4, 5)));
        t.add(c("col2im", in -> x(in).col2im(IM2COL), REAL, s(2, IM2COL.colRows(), IM2COL.outputPlaneSize())));
        t.add(c("maxPool2d 2x2 stride 2", in -> x(in).maxPool2d(POOL_2X2).values(), DISTINCT, s(2, 2, 4, 6)));
        t.add(c("maxPool2d 3x3 stride 1 padding 1 (overlapping)", in -> x(in).maxPool2d(POOL_OVERLAP).values(), DISTINCT, s(1, 2, 5, 5)));
        t.add(c("maxPool2d non-square, dilated", in -> x(in).maxPool2d(POOL_ODD).values(), DISTINCT, s(2, 1, 5, 7)));
        t.add(c("maxPool2d square-window overload", in -> x(in).maxPool2d(2, 1, 0), DISTINCT, s(1, 2, 4, 4)));
        for (boolean include : new boolean[] {true, false}) {
            String tag = include ? " countIncludePad" : " excluding padding";
            t.add(c("avgPool2d 3x3 stride 2 padding 1" + tag, in -> x(in).avgPool2d(AVG_PAD, include), REAL, s(2, 2, 5, 6)));
            t.add(c("avgPool2d overlapping" + tag, in -> x(in).avgPool2d(POOL_OVERLAP, include), REAL, s(1, 2, 5, 5)));
        }
        return t.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void firstOrder(Case c) {
        GradCheck.gradCheck(c.f(), c.inputs(), GradCheck.ATOL, GradCheck.RTOL, c.step());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void secondOrder(Case c) {
        if (!c.secondOrder()) return;
        GradCheck.gradGradCheck(c.f(), c.inputs(), GradCheck.ATOL2, GradCheck.RTOL2, c.step());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void secondOrderOfTheSquare(Case c) {
        if (!c.secondOrder()) return;
        GradCheck.gradGradCheck(in -> c.f().apply(in).square(), c.inputs(), GradCheck.ATOL2, GradCheck.RTOL2, c.step());
    }
}
