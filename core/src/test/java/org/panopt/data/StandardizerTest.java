package org.panopt.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/** Standardization against statistics computed here in double, constant features, per-channel statistics. */
class StandardizerTest {

    @Test
    void perFeatureStatisticsMatchADoubleReference() {
        SplittableRandom rng = new SplittableRandom(4);
        int n = 257, f = 5;
        float[] x = new float[n * f];
        for (int i = 0; i < x.length; i++) x[i] = (float) (rng.nextGaussian() * (1 + i % f) + 3 * (i % f));
        for (int i = 0; i < n; i++) x[i * f + 4] = 7; // a constant feature
        Tensor t = Tensor.of(x, n, f);
        Standardizer s = Standardizer.fit(t);
        assertThat(s.mean().dims()).containsExactly(f);
        for (int j = 0; j < f; j++) {
            double mu = 0, ss = 0;
            for (int i = 0; i < n; i++) mu += x[i * f + j];
            mu /= n;
            for (int i = 0; i < n; i++) ss += (x[i * f + j] - mu) * (x[i * f + j] - mu);
            double sd = Math.sqrt(ss / n);
            assertThat(s.mean().at(j)).isCloseTo(mu, within(1e-5 * (1 + Math.abs(mu))));
            assertThat(s.std().at(j)).isCloseTo(sd == 0 ? 1 : sd, within(1e-5 * (1 + sd)));
        }
        Tensor z = s.apply(t);
        Standardizer again = Standardizer.fit(z);
        for (int j = 0; j < 4; j++) {
            assertThat(again.mean().at(j)).isCloseTo(0, within(1e-5));
            assertThat(again.std().at(j)).isCloseTo(1, within(1e-4));
        }
        assertThat(z.toFloatArray()[4]).as("constant features become 0, not NaN").isZero();
        float[] back = s.invert(z).toFloatArray();
        for (int i = 0; i < x.length; i++) assertThat(back[i]).isCloseTo(x[i], within(1e-4f * (1 + Math.abs(x[i]))));
    }

    @Test
    void statisticsOfTheTrainingSetApplyToOtherData() {
        Standardizer s = Standardizer.fit(Tensor.of(new float[] {0, 10, 2, 10, 4, 10}, 3, 2));
        // feature 0: mean 2, population std sqrt(8/3); feature 1: constant 10 → std 1.
        Tensor z = s.apply(Tensor.of(new float[] {2 + (float) Math.sqrt(8.0 / 3), 12}, 1, 2));
        assertThat(z.toFloatArray()).containsExactly(new float[] {1, 2}, within(1e-6f));
        assertThat(s.apply(Tensor.of(new double[] {2, 10}, 1, 2)).dtype()).isEqualTo(DType.FLOAT64);
    }

    @Test
    void float64DataKeepsItsPrecision() {
        // 1e8 + {0, 1, 2}: float32 cannot hold these apart; the statistics must.
        Tensor x = Tensor.of(new double[] {1e8, 1e8 + 1, 1e8 + 2}, 3, 1);
        Standardizer s = Standardizer.fit(x);
        assertThat(s.mean().dtype()).isEqualTo(DType.FLOAT64);
        assertThat(s.mean().at(0)).isEqualTo(1e8 + 1);
        assertThat(s.std().at(0)).isCloseTo(Math.sqrt(2.0 / 3), within(1e-9));
        assertThat(s.apply(x).toDoubleArray()).containsExactly(new double[] {-Math.sqrt(1.5), 0, Math.sqrt(1.5)}, within(1e-9));
    }

    @Test
    void perChannelStatisticsOfImages() {
        // Channel 0 holds 1..8 over two 2×2 images; channel 1 is constant 5.
        float[] x = {1, 2, 3, 4, 5, 5, 5, 5, 5, 6, 7, 8, 5, 5, 5, 5};
        Tensor images = Tensor.of(x, 2, 2, 2, 2);
        Standardizer s = Standardizer.fitPerChannel(images);
        assertThat(s.mean().dims()).containsExactly(2, 1, 1);
        assertThat(s.mean().toFloatArray()).containsExactly(4.5f, 5f);
        assertThat(s.std().at(0, 0, 0)).isCloseTo(Math.sqrt(5.25), within(1e-6));
        assertThat(s.std().at(1, 0, 0)).isEqualTo(1);
        Tensor z = s.apply(images);
        assertThat(z.dims()).containsExactly(2, 2, 2, 2);
        assertThat(z.at(1, 0, 1, 1)).isCloseTo((8 - 4.5) / Math.sqrt(5.25), within(1e-6));
        assertThat(z.at(0, 1, 0, 0)).isZero();
    }
}
