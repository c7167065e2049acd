package org.panopt.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

class BlockScalesTest {

    @Test
    void fullyConnectedScalarsByHand() {
        // W = [[1, 2, 2], [0, 0, 3]]: row norms² 9 and 9, column norms² 1, 4, 13; ‖W‖_F² = 18.
        Tensor w = Tensor.of(new double[] {1, 2, 2, 0, 0, 3}, 2, 3);
        assertThat(BlockScales.squaredFrobenius(w)).isEqualTo(18.0);
        assertThat(BlockScales.meanSquaredRowNorm(w)).isEqualTo(9.0);
        assertThat(BlockScales.meanSquaredColumnNorm(w)).isEqualTo(6.0);
        assertThat(BlockScales.weightScale(w)).isEqualTo(1.0 / 9.0);
        assertThat(BlockScales.inputScale(w)).isEqualTo(BlockScales.meanSquaredColumnNorm(w) / BlockScales.meanSquaredRowNorm(w));
    }

    @Test
    void inputScaleIsTheWidthRatioWhateverTheWeights() {
        SplittableRandom rng = new SplittableRandom(3);
        Tensor fc = Tensor.randn(rng, DType.FLOAT32, 10, 512).mul(0.37);
        assertThat(BlockScales.inputScale(fc)).isEqualTo(10.0 / 512);
        assertThat(BlockScales.meanSquaredColumnNorm(fc) / BlockScales.meanSquaredRowNorm(fc)).isCloseTo(10.0 / 512, within(1e-12));
        Tensor conv = Tensor.randn(rng, DType.FLOAT64, 8, 3, 3, 3);
        assertThat(BlockScales.inputScale(conv)).isEqualTo(8.0 / 3);
        assertThat(BlockScales.meanSquaredColumnNorm(conv) / BlockScales.meanSquaredRowNorm(conv)).isCloseTo(8.0 / 3, within(1e-12));
        // Scaling W scales m_W by 1/α² and leaves m_z alone.
        assertThat(BlockScales.weightScale(conv.mul(2))).isCloseTo(BlockScales.weightScale(conv) / 4, within(1e-12));
    }

    @Test
    void aVectorIsRefusedNamingItsShape() {
        assertThatThrownBy(() -> BlockScales.weightScale(Tensor.zeros(DType.FLOAT64, 5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[5]");
    }
}
