package org.panopt.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/** Area down-sampling against a reference written from PyTorch's adaptive-average-pooling definition. */
class ResizeTest {

    /** Reference: windows from real-valued boundaries iH/h, (i+1)H/h, floored and ceiled, averaged in double. */
    static double reference(float[] img, int inH, int inW, int h, int w, int i, int j) {
        int r0 = (int) Math.floor((double) i * inH / h), r1 = (int) Math.ceil((double) (i + 1) * inH / h);
        int c0 = (int) Math.floor((double) j * inW / w), c1 = (int) Math.ceil((double) (j + 1) * inW / w);
        double s = 0;
        for (int r = r0; r < r1; r++) for (int c = c0; c < c1; c++) s += img[r * inW + c];
        return s / ((r1 - r0) * (c1 - c0));
    }

    @Test
    void mnistTo16x16MatchesTheReference() {
        SplittableRandom rng = new SplittableRandom(2);
        Tensor x = Tensor.rand(rng, 0, 1, DType.FLOAT32, 3, 2, 28, 28);
        Tensor y = Resize.area(x, 16, 16);
        assertThat(y.dims()).containsExactly(3, 2, 16, 16);
        float[] all = x.toFloatArray();
        for (int p = 0; p < 6; p++) {
            float[] img = java.util.Arrays.copyOfRange(all, p * 784, (p + 1) * 784);
            for (int i = 0; i < 16; i++) for (int j = 0; j < 16; j++) {
                assertThat(y.at(p / 2, p % 2, i, j)).isCloseTo(reference(img, 28, 28, 16, 16, i, j), within(1e-6));
            }
        }
    }

    @Test
    void oddSizesAndRank3() {
        Tensor x = Tensor.rand(new SplittableRandom(3), -1, 1, DType.FLOAT32, 2, 13, 7);
        Tensor y = Resize.area(x, 5, 3);
        assertThat(y.dims()).containsExactly(2, 5, 3);
        float[] all = x.toFloatArray();
        float[] img = java.util.Arrays.copyOfRange(all, 91, 182);
        for (int i = 0; i < 5; i++) for (int j = 0; j < 3; j++) assertThat(y.at(1, i, j)).isCloseTo(reference(img, 13, 7, 5, 3, i, j), within(1e-6));
    }

    @Test
    void wholeMultiplesAreAveragePooling() {
        Tensor x = Tensor.rand(new SplittableRandom(5), 0, 1, DType.FLOAT32, 2, 1, 28, 28);
        assertThat(Resize.area(x, 14, 14).toFloatArray()).containsExactly(x.avgPool2d(2, 2, 0).toFloatArray(), within(1e-6f));
        Tensor c = Tensor.rand(new SplittableRandom(6), 0, 1, DType.FLOAT32, 1, 3, 32, 32);
        assertThat(Resize.area(c, 8, 8).toFloatArray()).containsExactly(c.avgPool2d(4, 4, 0).toFloatArray(), within(1e-6f));
        assertThat(Resize.area(c, 32, 32).toFloatArray()).containsExactly(c.toFloatArray());
    }

    @Test
    void constantImagesStayConstantAndRangesArePreserved() {
        Tensor x = Tensor.full(0.75, DType.FLOAT32, 1, 1, 28, 28);
        assertThat(Resize.area(x, 16, 16).toFloatArray()).containsOnly(0.75f);
        Tensor r = Tensor.rand(new SplittableRandom(7), 0, 1, DType.FLOAT32, 4, 1, 28, 28);
        float[] y = Resize.area(r, 16, 16).toFloatArray();
        for (float v : y) assertThat(v).isBetween(0f, 1f);
    }

    @Test
    void badSizesAreRefused() {
        assertThatThrownBy(() -> Resize.area(Tensor.zeros(1, 1, 8, 8), 16, 16)).hasMessageContaining("no larger than the input");
        assertThatThrownBy(() -> Resize.area(Tensor.zeros(8, 8), 4, 4)).hasMessageContaining("not [8, 8]");
        assertThatThrownBy(() -> Resize.area(Tensor.zeros(1, 8, 8), 0, 4)).hasMessageContaining("must be positive");
    }
}
