package org.panopt.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.panopt.kernels.ConvGeometry;

/** conv2d and pooling at the tensor level against direct definitions, in float64 and float32. */
class ConvolutionTest {

    static Stream<Arguments> convCases() {
        // n, c, h, w, f, kh, kw, stride, pad, dilation
        return Stream.of(
                Arguments.of(1, 1, 1, 1, 1, 1, 1, 1, 0, 1),
                Arguments.of(2, 3, 5, 5, 4, 3, 3, 1, 1, 1),
                Arguments.of(3, 2, 17, 13, 5, 5, 3, 2, 2, 1),
                Arguments.of(2, 17, 7, 9, 3, 3, 3, 3, 1, 2),
                Arguments.of(5, 1, 28, 28, 6, 5, 5, 1, 0, 1));
    }

    @ParameterizedTest
    @MethodSource("convCases")
    void conv2dMatchesTheDirectSum(int n, int c, int h, int w, int f, int kh, int kw, int stride, int pad, int dil) {
        SplittableRandom rng = new SplittableRandom(n * 31L + c);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, n, c, h, w);
        Tensor wt = Tensor.randn(rng, DType.FLOAT64, f, c, kh, kw);
        Tensor b = Tensor.randn(rng, DType.FLOAT64, f);
        Tensor y = x.conv2d(wt, b, stride, stride, pad, pad, dil, dil);
        double[] expected = direct(x, wt, b, stride, pad, dil);
        assertThat(y.dims()).containsExactly(n, f, (h + 2 * pad - dil * (kh - 1) - 1) / stride + 1, (w + 2 * pad - dil * (kw - 1) - 1) / stride + 1);
        double[] got = y.toDoubleArray();
        for (int i = 0; i < got.length; i++) assertThat(got[i]).as("element %d", i).isCloseTo(expected[i], within(1e-10));

        double[] got32 = x.to(DType.FLOAT32).conv2d(wt.to(DType.FLOAT32), b.to(DType.FLOAT32), stride, stride, pad, pad, dil, dil).toDoubleArray();
        for (int i = 0; i < got32.length; i++) assertThat(got32[i]).as("float32 element %d", i).isCloseTo(expected[i], within(1e-4 * Math.sqrt(c * kh * kw) * 4));
    }

    private static double[] direct(Tensor x, Tensor wt, Tensor b, int s, int p, int d) {
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3), f = wt.dim(0), kh = wt.dim(2), kw = wt.dim(3);
        int oh = (h + 2 * p - d * (kh - 1) - 1) / s + 1, ow = (w + 2 * p - d * (kw - 1) - 1) / s + 1;
        double[] out = new double[n * f * oh * ow];
        for (int i = 0; i < n; i++)
            for (int o = 0; o < f; o++)
                for (int y = 0; y < oh; y++)
                    for (int z = 0; z < ow; z++) {
                        double acc = b.at(o);
                        for (int ch = 0; ch < c; ch++)
                            for (int u = 0; u < kh; u++)
                                for (int v = 0; v < kw; v++) {
                                    int iy = y * s - p + u * d, ix = z * s - p + v * d;
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < w) acc += x.at(i, ch, iy, ix) * wt.at(o, ch, u, v);
                                }
                        out[((i * f + o) * oh + y) * ow + z] = acc;
                    }
        return out;
    }

    @Test
    void col2imIsTheAdjointOfIm2col() {
        SplittableRandom rng = new SplittableRandom(3);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 2, 3, 9, 7);
        ConvGeometry g = x.window(3, 2, 2, 1, 1, 1, 1, 2);
        Tensor cols = x.im2col(g);
        Tensor y = Tensor.randn(rng, DType.FLOAT64, cols.dims());
        double lhs = cols.mul(y).sum().item();
        double rhs = x.mul(y.col2im(g)).sum().item();
        assertThat(lhs).isCloseTo(rhs, within(1e-10));
    }

    @Test
    void maxPoolRoutesGradientsToTheWinners() {
        Tensor x = Tensor.of(new double[] {1, 5, 2, 0, 3, 4, 9, 9, 7, 8, 6, 1, 0, 2, 3, 4}, 1, 1, 4, 4);
        Tensor.Pooled p = x.maxPool2d(x.window(2, 2, 2, 2, 0, 0, 1, 1));
        assertThat(p.values().toDoubleArray()).containsExactly(5, 9, 8, 6);
        assertThat(p.indices().toDoubleArray()).containsExactly(1, 6, 9, 10);
        Tensor g = Tensor.maxPool2dBackward(Tensor.ones(DType.FLOAT64, 1, 1, 2, 2), p.indices(), x.window(2, 2, 2, 2, 0, 0, 1, 1));
        assertThat(g.toDoubleArray()).containsExactly(0, 1, 0, 0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0);
    }

    @Test
    void avgPoolAndItsAdjoint() {
        SplittableRandom rng = new SplittableRandom(5);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 2, 2, 5, 6);
        for (boolean include : new boolean[] {true, false}) {
            ConvGeometry g = x.window(3, 3, 2, 2, 1, 1, 1, 1);
            Tensor y = x.avgPool2d(g, include);
            Tensor r = Tensor.randn(rng, DType.FLOAT64, y.dims());
            assertThat(y.mul(r).sum().item()).isCloseTo(x.mul(Tensor.avgPool2dBackward(r, g, include)).sum().item(), within(1e-10));
        }
        // Without padding the window average is the plain mean of the 2x2 block.
        Tensor z = Tensor.of(new double[] {1, 2, 3, 4}, 1, 1, 2, 2).avgPool2d(2, 2, 0);
        assertThat(z.item()).isEqualTo(2.5);
    }

    @Test
    void shapeErrorsNameTheShapes() {
        Tensor x = Tensor.zeros(DType.FLOAT32, 2, 3, 8, 8);
        assertThatThrownBy(() -> x.conv2d(Tensor.zeros(4, 2, 3, 3), null, 1, 0))
                .hasMessageContaining("[2, 3, 8, 8]").hasMessageContaining("[4, 2, 3, 3]");
        assertThatThrownBy(() -> x.conv2d(Tensor.zeros(4, 3, 3, 3), Tensor.zeros(5), 1, 0))
                .hasMessageContaining("bias must be [4]");
        assertThatThrownBy(() -> Tensor.zeros(3, 8, 8).maxPool2d(2, 2, 0)).hasMessageContaining("[3, 8, 8]");
        assertThatThrownBy(() -> x.conv2d(Tensor.zeros(4, 3, 9, 9), null, 1, 0)).hasMessageContaining("does not fit");
    }
}
