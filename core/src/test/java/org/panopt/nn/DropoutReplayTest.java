package org.panopt.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

class DropoutReplayTest {

    private static Tensor ones(DType dtype, int... dims) {
        return Tensor.ones(dtype, dims);
    }

    @Test
    void replayReusesTheLastMaskAndLeavesTheGeneratorAlone() {
        Dropout probed = new Dropout(0.5, new SplittableRandom(3));
        Dropout untouched = new Dropout(0.5, new SplittableRandom(3));
        Tensor first = probed.forward(ones(DType.FLOAT32, 4, 8));
        untouched.forward(ones(DType.FLOAT32, 4, 8));
        assertThat(probed.lastMask().toFloatArray()).containsExactly(first.toFloatArray());

        probed.beginReplay(probed.lastMask(), new SplittableRandom(99));
        Tensor again = probed.forward(ones(DType.FLOAT64, 4, 8));
        assertThat(again.dtype()).isEqualTo(DType.FLOAT64);
        assertThat(again.toFloatArray()).containsExactly(first.toFloatArray());
        probed.endReplay();
        assertThat(probed.isReplaying()).isFalse();

        // The next training mask is the one an unprobed layer draws: replay consumed nothing from the generator.
        assertThat(probed.forward(ones(DType.FLOAT32, 4, 8)).toFloatArray())
                .containsExactly(untouched.forward(ones(DType.FLOAT32, 4, 8)).toFloatArray());
    }

    @Test
    void anotherShapeDrawsFromTheFallbackGenerator() {
        Dropout d = new Dropout(0.3, new SplittableRandom(5));
        d.forward(ones(DType.FLOAT32, 2, 3));
        Tensor before = d.lastMask();
        d.beginReplay(before, new SplittableRandom(11));
        Tensor a = d.forward(ones(DType.FLOAT32, 5, 3));
        d.endReplay();
        d.beginReplay(before, new SplittableRandom(11));
        Tensor b = d.forward(ones(DType.FLOAT32, 5, 3));
        d.endReplay();
        assertThat(a.toFloatArray()).containsExactly(b.toFloatArray());
        assertThat(d.lastMask()).isSameAs(before);
        assertThatThrownBy(() -> d.beginReplay(null, null)).hasMessageContaining("fallback");
    }

    @Test
    void evaluationModeIsTheIdentityEvenWhileReplaying() {
        Dropout d = new Dropout(0.5, new SplittableRandom(1));
        d.eval();
        d.beginReplay(null, new SplittableRandom(2));
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 3);
        assertThat(d.forward(x)).isSameAs(x);
    }
}
