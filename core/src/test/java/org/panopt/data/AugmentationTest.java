package org.panopt.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/** Flips, rotations and padded crops: exact cases, the range of what they produce, and seeded reproducibility. */
class AugmentationTest {

    static Tensor images(int n, int c, int h, int w, long seed) {
        return Tensor.rand(new SplittableRandom(seed), 0, 1, DType.FLOAT32, n, c, h, w);
    }

    @Test
    void flipWithProbabilityOneMirrorsEveryImage() {
        Tensor x = images(2, 3, 4, 5, 1);
        Tensor y = Augmentation.horizontalFlip(1).apply(x, new SplittableRandom(0));
        for (int i = 0; i < 2; i++) for (int c = 0; c < 3; c++) for (int r = 0; r < 4; r++) for (int col = 0; col < 5; col++) {
            assertThat(y.at(i, c, r, col)).isEqualTo(x.at(i, c, r, 4 - col));
        }
        assertThat(Augmentation.horizontalFlip(0).apply(x, new SplittableRandom(0)).toFloatArray()).containsExactly(x.toFloatArray());
    }

    @Test
    void flipWithProbabilityHalfFlipsAboutHalfAndIsSeeded() {
        Tensor x = images(2000, 1, 2, 3, 2);
        Tensor y = Augmentation.horizontalFlip(0.5).apply(x, new SplittableRandom(8));
        int flipped = 0;
        for (int i = 0; i < 2000; i++) if (y.at(i, 0, 0, 0) == x.at(i, 0, 0, 2)) flipped++;
        assertThat(flipped).isBetween(1000 - 120, 1000 + 120);
        assertThat(Augmentation.horizontalFlip(0.5).apply(x, new SplittableRandom(8)).toFloatArray()).containsExactly(y.toFloatArray());
    }

    @Test
    void cropWithPaddingShiftsEachImageWithZerosShiftedIn() {
        int pad = 2, h = 6, w = 7;
        Tensor x = images(300, 2, h, w, 3).add(0.5); // all values ≥ 0.5, so zeros mark padding
        Tensor y = Augmentation.crop(pad).apply(x, new SplittableRandom(4));
        int[][] seen = new int[2 * pad + 1][2 * pad + 1];
        for (int i = 0; i < 300; i++) {
            int[] shift = findShift(x, y, i, pad);
            assertThat(shift).as("image " + i + " is a padded shift of its input").isNotNull();
            seen[shift[0] + pad][shift[1] + pad]++;
        }
        for (int[] row : seen) for (int count : row) assertThat(count).as("every shift occurs").isPositive();
        assertThat(Augmentation.crop(0).apply(x, new SplittableRandom(4)).toFloatArray()).containsExactly(x.toFloatArray());
    }

    /** The (dy, dx) with y[i](r, c) = x[i](r + dy, c + dx) inside and 0 outside, if any. */
    private static int[] findShift(Tensor x, Tensor y, int i, int pad) {
        int c = x.dim(1), h = x.dim(2), w = x.dim(3);
        for (int dy = -pad; dy <= pad; dy++) {
            search:
            for (int dx = -pad; dx <= pad; dx++) {
                for (int ch = 0; ch < c; ch++) for (int r = 0; r < h; r++) for (int col = 0; col < w; col++) {
                    int sr = r + dy, sc = col + dx;
                    double want = sr >= 0 && sr < h && sc >= 0 && sc < w ? x.at(i, ch, sr, sc) : 0;
                    if (y.at(i, ch, r, col) != want) continue search;
                }
                return new int[] {dy, dx};
            }
        }
        return null;
    }

    @Test
    void rotationByQuarterTurnsIsExact() {
        int n = 5;
        Tensor x = images(1, 2, n, n, 5);
        float[] in = x.toFloatArray();
        float[] out = new float[in.length];
        RandomRotation.rotate(in, 0, out, 2, n, n, 0, Math.PI / 2);
        Tensor y = Tensor.of(out, 1, 2, n, n);
        // Counter-clockwise as displayed: the pixel right of the centre moves above it; (r, c) ← (c, n−1−r).
        for (int ch = 0; ch < 2; ch++) for (int r = 0; r < n; r++) for (int c = 0; c < n; c++) {
            assertThat(y.at(0, ch, r, c)).isCloseTo(x.at(0, ch, c, n - 1 - r), within(1e-6));
        }
        float[] half = new float[in.length];
        RandomRotation.rotate(in, 0, half, 2, n, n, 0, Math.PI);
        for (int r = 0; r < n; r++) for (int c = 0; c < n; c++) assertThat(half[r * n + c]).isCloseTo(in[(n - 1 - r) * n + (n - 1 - c)], within(1e-6f));
    }

    @Test
    void smallRotationsInterpolateBilinearly() {
        // A horizontal ramp v = column: rotating by θ samples at source column cx + u·cosθ − v·sinθ, bilinear is exact on a ramp.
        int n = 9;
        float[] ramp = new float[n * n];
        for (int r = 0; r < n; r++) for (int c = 0; c < n; c++) ramp[r * n + c] = c;
        float[] out = new float[ramp.length];
        double theta = Math.toRadians(10);
        RandomRotation.rotate(ramp, 0, out, 1, n, n, 0, theta);
        double cx = (n - 1) / 2.0;
        for (int r = 2; r < n - 2; r++) for (int c = 2; c < n - 2; c++) {
            double want = cx + (c - cx) * Math.cos(theta) - (r - cx) * Math.sin(theta);
            assertThat(out[r * n + c]).isCloseTo((float) want, within(1e-5f));
        }
    }

    @Test
    void randomRotationStaysInRangeIsSeededAndZeroIsIdentity() {
        Tensor x = images(20, 1, 28, 28, 6);
        Tensor a = Augmentation.rotation(15).apply(x, new SplittableRandom(1));
        assertThat(a.dims()).containsExactly(20, 1, 28, 28);
        for (float v : a.toFloatArray()) assertThat(v).isBetween(0f, 1f);
        assertThat(Augmentation.rotation(15).apply(x, new SplittableRandom(1)).toFloatArray()).containsExactly(a.toFloatArray());
        assertThat(Augmentation.rotation(15).apply(x, new SplittableRandom(2)).toFloatArray()).isNotEqualTo(a.toFloatArray());
        assertThat(Augmentation.rotation(0).apply(x, new SplittableRandom(1)).toFloatArray()).containsExactly(x.toFloatArray());
    }

    @Test
    void composeAppliesInOrderAndInputsAreNeverModified() {
        Tensor x = images(4, 3, 8, 8, 7);
        float[] before = x.toFloatArray();
        Augmentation aug = Augmentation.compose(Augmentation.horizontalFlip(1), Augmentation.horizontalFlip(1));
        assertThat(aug.apply(x, new SplittableRandom(0)).toFloatArray()).containsExactly(before);
        Augmentation.compose(Augmentation.crop(2), Augmentation.rotation(30), Augmentation.horizontalFlip(0.5)).apply(x, new SplittableRandom(3));
        assertThat(x.toFloatArray()).containsExactly(before);
    }

    @Test
    void badArgumentsAreNamed() {
        assertThatThrownBy(() -> Augmentation.horizontalFlip(1.5)).hasMessageContaining("flip probability 1.5 must be in [0, 1]");
        assertThatThrownBy(() -> Augmentation.rotation(-1)).hasMessageContaining("rotation range -1.0 must be in [0, 180]");
        assertThatThrownBy(() -> Augmentation.crop(-2)).hasMessageContaining("crop padding -2 must not be negative");
        assertThatThrownBy(() -> Augmentation.crop(2).apply(Tensor.zeros(3, 28, 28), new SplittableRandom(0)))
                .hasMessageContaining("RandomCrop takes images [N, C, H, W], not [3, 28, 28]");
    }
}
