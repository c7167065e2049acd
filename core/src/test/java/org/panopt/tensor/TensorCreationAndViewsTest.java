package org.panopt.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Tensor creation, views that share storage, copies, dtype conversion and the in-place ops. */
class TensorCreationAndViewsTest {

    @ParameterizedTest
    @EnumSource(DType.class)
    void zerosOnesFull(DType dt) {
        Tensor z = Tensor.zeros(dt, 2, 3);
        assertThat(z.dims()).containsExactly(2, 3);
        assertThat(z.dtype()).isEqualTo(dt);
        assertThat(z.toDoubleArray()).containsOnly(0.0).hasSize(6);
        assertThat(Tensor.ones(dt, 4).toDoubleArray()).containsExactly(1, 1, 1, 1);
        assertThat(Tensor.full(-2.5, dt, 3, 1).toDoubleArray()).containsExactly(-2.5, -2.5, -2.5);
        assertThat(Tensor.full(7, dt).rank()).isZero();
        assertThat(Tensor.full(7, dt).item()).isEqualTo(7.0);
        assertThat(Tensor.zeros(dt, 0, 5).size()).isZero();
        assertThat(Tensor.ones(2, 2).dtype()).isEqualTo(DType.FLOAT32);
    }

    @Test
    void arangeAndEye() {
        assertThat(Tensor.arange(5).toDoubleArray()).containsExactly(0, 1, 2, 3, 4);
        assertThat(Tensor.arange(0).size()).isZero();
        assertThat(Tensor.arange(1, 2, 0.25, DType.FLOAT64).toDoubleArray()).containsExactly(1, 1.25, 1.5, 1.75);
        assertThat(Tensor.arange(3, 0, -1, DType.FLOAT64).toDoubleArray()).containsExactly(3, 2, 1);
        assertThat(Tensor.arange(0, 1, 0.3, DType.FLOAT64).toDoubleArray()).hasSize(4);
        assertThat(Tensor.arange(5, 1, 1, DType.FLOAT32).size()).isZero();
        assertThatThrownBy(() -> Tensor.arange(0, 1, 0, DType.FLOAT32)).hasMessageContaining("step");
        Tensor eye = Tensor.eye(3, DType.FLOAT64);
        assertThat(eye.dims()).containsExactly(3, 3);
        assertThat(eye.toDoubleArray()).containsExactly(1, 0, 0, 0, 1, 0, 0, 0, 1);
    }

    @Test
    void ofCopiesItsInputAndChecksLength() {
        float[] data = {1, 2, 3, 4, 5, 6};
        Tensor t = Tensor.of(data, 2, 3);
        data[0] = 99;
        assertThat(t.at(0, 0)).isEqualTo(1.0);
        assertThat(t.at(1, 2)).isEqualTo(6.0);
        assertThat(Tensor.of(new double[] {1, 2, 3}).dims()).containsExactly(3);
        assertThatThrownBy(() -> Tensor.of(new float[5], 2, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Tensor.of").hasMessageContaining("5 values").hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> Tensor.of(new double[7], 2, 3)).hasMessageContaining("[2, 3]");
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void randnIsReproducibleAndRoughlyStandardNormal(DType dt) {
        Tensor a = Tensor.randn(new SplittableRandom(42), dt, 100, 100);
        Tensor b = Tensor.randn(new SplittableRandom(42), dt, 100, 100);
        Tensor c = Tensor.randn(new SplittableRandom(43), dt, 100, 100);
        assertThat(a.dtype()).isEqualTo(dt);
        assertThat(a.toDoubleArray()).containsExactly(b.toDoubleArray());
        assertThat(a.toDoubleArray()).isNotEqualTo(c.toDoubleArray());
        double[] v = a.toDoubleArray();
        double mean = 0;
        for (double x : v) mean += x;
        mean /= v.length;
        double var = 0;
        double within1 = 0;
        for (double x : v) {
            var += (x - mean) * (x - mean);
            if (Math.abs(x) < 1) within1++;
        }
        var /= v.length - 1;
        // n = 10^4: the standard error of the mean is 0.01 and of the variance about 0.014; 5 sigma.
        assertThat(mean).isCloseTo(0, within(0.05));
        assertThat(var).isCloseTo(1, within(0.07));
        assertThat(within1 / v.length).isCloseTo(0.6827, within(0.025));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void randIsInRangeAndReproducible(DType dt) {
        Tensor a = Tensor.rand(new SplittableRandom(1), -2, 3, dt, 50, 40);
        for (double x : a.toDoubleArray()) assertThat(x).isBetween(-2.0, 3.0);
        assertThat(a.toDoubleArray()).containsExactly(Tensor.rand(new SplittableRandom(1), -2, 3, dt, 50, 40).toDoubleArray());
        assertThat(a.mean().item()).isCloseTo(0.5, within(0.15));
        assertThat(a.min().item()).isLessThan(-1.9);
        assertThat(a.max().item()).isGreaterThan(2.9);
    }

    @Test
    void reshapeInfersOneExtentAndSharesStorage() {
        Tensor t = Tensor.arange(24);
        Tensor r = t.reshape(2, -1, 4);
        assertThat(r.dims()).containsExactly(2, 3, 4);
        assertThat(r.storage()).isSameAs(t.storage());
        assertThat(t.reshape(-1).dims()).containsExactly(24);
        assertThat(t.reshape(4, 6).at(2, 5)).isEqualTo(17.0);
        r.fill(1); // through the view
        assertThat(t.toDoubleArray()).containsOnly(1.0);
        assertThat(Tensor.zeros(0, 3).reshape(-1, 3).dims()).containsExactly(0, 3);
        assertThatThrownBy(() -> t.reshape(5, -1)).hasMessageContaining("reshape").hasMessageContaining("[24]");
        assertThatThrownBy(() -> t.reshape(-1, -1)).hasMessageContaining("more than one -1");
        assertThatThrownBy(() -> t.reshape(5, 5)).hasMessageContaining("[24]").hasMessageContaining("[5, 5]");
        assertThatThrownBy(() -> t.reshape(0, -1)).hasMessageContaining("reshape");
    }

    @Test
    void getSliceUnsqueezeSqueezeAreViews() {
        Tensor t = Tensor.arange(0, 24, 1, DType.FLOAT64).reshape(2, 3, 4);
        Tensor g = t.get(1);
        assertThat(g.dims()).containsExactly(3, 4);
        assertThat(g.at(0, 0)).isEqualTo(12.0);
        assertThat(g.storage()).isSameAs(t.storage());
        assertThat(t.get(1).get(2).get(3).rank()).isZero();
        assertThat(t.get(1).get(2).get(3).item()).isEqualTo(23.0);

        Tensor s = t.get(1).slice(1, 3);
        assertThat(s.dims()).containsExactly(2, 4);
        assertThat(s.toDoubleArray()).containsExactly(16, 17, 18, 19, 20, 21, 22, 23);
        assertThat(t.slice(1, 1).dims()).containsExactly(0, 3, 4);

        Tensor u = t.unsqueeze(1);
        assertThat(u.dims()).containsExactly(2, 1, 3, 4);
        assertThat(t.unsqueeze(-1).dims()).containsExactly(2, 3, 4, 1);
        assertThat(t.unsqueeze(3).dims()).containsExactly(2, 3, 4, 1);
        assertThat(u.squeeze(1).dims()).containsExactly(2, 3, 4);
        assertThat(t.unsqueeze(-1).squeeze(-1).dims()).containsExactly(2, 3, 4);

        // Writes through every kind of view land in the source.
        s.fill(-1);
        u.squeeze(1).get(0).slice(2, 3).fill(-2);
        assertThat(t.at(1, 1, 0)).isEqualTo(-1.0);
        assertThat(t.at(1, 2, 3)).isEqualTo(-1.0);
        assertThat(t.at(1, 0, 3)).isEqualTo(15.0);
        assertThat(t.at(0, 2, 1)).isEqualTo(-2.0);
        assertThat(t.at(0, 1, 1)).isEqualTo(5.0);
        assertThat(t.flatten().dims()).containsExactly(24);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void copyIsIndependentAndToRoundTrips(DType dt) {
        double[] v = {1.5, -2.25, 3e-3, 1e10, 0.1};
        Tensor t = Tensor.of(v, 5).to(dt);
        Tensor c = t.copy();
        assertThat(c.storage()).isNotSameAs(t.storage());
        c.fill(0);
        assertThat(t.at(0)).isEqualTo(1.5);
        assertThat(t.to(dt)).isSameAs(t);

        DType other = dt == DType.FLOAT32 ? DType.FLOAT64 : DType.FLOAT32;
        Tensor back = t.to(other).to(dt);
        assertThat(back.dtype()).isEqualTo(dt);
        double[] expected = t.toDoubleArray();
        if (dt == DType.FLOAT64) { // through float32: rounded once
            for (int i = 0; i < expected.length; i++) expected[i] = (float) expected[i];
        }
        assertThat(back.toDoubleArray()).containsExactly(expected);
        // float64 → float32 rounds to nearest float.
        Tensor f = Tensor.of(v, 5).to(DType.FLOAT32);
        for (int i = 0; i < v.length; i++) assertThat(f.toFloatArray()[i]).isEqualTo((float) v[i]);
        // A view converts only its own elements.
        assertThat(Tensor.of(v).slice(1, 3).to(other).toDoubleArray()).hasSize(2);
        assertThat(Tensor.of(v).to(dt).slice(1, 3).copy().toDoubleArray()).containsExactly(t.toDoubleArray()[1], t.toDoubleArray()[2]);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void copyFromBroadcastsAndConverts(DType dt) {
        Tensor t = Tensor.zeros(dt, 2, 3);
        t.copyFrom(Tensor.of(new double[] {1, 2, 3}));
        assertThat(t.toDoubleArray()).containsExactly(1, 2, 3, 1, 2, 3);
        t.copyFrom(Tensor.of(new float[] {7, 8}, 2, 1));
        assertThat(t.toDoubleArray()).containsExactly(7, 7, 7, 8, 8, 8);
        t.copyFrom(Tensor.arange(6).reshape(2, 3));
        assertThat(t.toDoubleArray()).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(t.dtype()).isEqualTo(dt);
        // Into a view: only the view's elements change.
        Tensor big = Tensor.zeros(dt, 3, 2);
        big.get(1).copyFrom(Tensor.scalar(4));
        assertThat(big.toDoubleArray()).containsExactly(0, 0, 4, 4, 0, 0);
        assertThatThrownBy(() -> t.copyFrom(Tensor.zeros(3, 3))).hasMessageContaining("copyFrom");
        assertThatThrownBy(() -> t.copyFrom(Tensor.zeros(4, 2, 3))).hasMessageContaining("copyFrom");
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void inPlaceOpsAndFill(DType dt) {
        Tensor t = Tensor.arange(0, 6, 1, dt).reshape(2, 3);
        Tensor same = t.addInPlace(Tensor.of(new double[] {1, 10, 100}), 2);
        assertThat(same).isSameAs(t);
        assertThat(t.toDoubleArray()).containsExactly(2, 21, 202, 5, 24, 205);
        t.addInPlace(Tensor.ones(2, 3), 1);
        assertThat(t.toDoubleArray()).containsExactly(3, 22, 203, 6, 25, 206);
        assertThat(t.mulInPlace(-0.5)).isSameAs(t);
        assertThat(t.toDoubleArray()).containsExactly(-1.5, -11, -101.5, -3, -12.5, -103);
        assertThat(t.dtype()).isEqualTo(dt);
        assertThatThrownBy(() -> t.addInPlace(Tensor.zeros(3, 3), 1)).hasMessageContaining("addInPlace");
        // The result may not grow this tensor's shape.
        assertThatThrownBy(() -> t.addInPlace(Tensor.zeros(4, 2, 3), 1)).hasMessageContaining("addInPlace");
        // In place on a view touches only the view.
        Tensor base = Tensor.zeros(dt, 3, 2);
        base.get(2).addInPlace(Tensor.ones(2), 3).mulInPlace(2);
        base.get(0).fill(9);
        assertThat(base.toDoubleArray()).containsExactly(9, 9, 0, 0, 6, 6);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void expandMaterializesTheBroadcast(DType dt) {
        Tensor col = Tensor.of(new double[] {1, 2, 3}, 3, 1).to(dt);
        Tensor e = col.expand(2, 3, 4);
        assertThat(e.dims()).containsExactly(2, 3, 4);
        assertThat(e.dtype()).isEqualTo(dt);
        for (int b = 0; b < 2; b++) {
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 4; j++) assertThat(e.at(b, i, j)).isEqualTo(i + 1.0);
            }
        }
        assertThat(Tensor.scalar(5, dt).expand(2, 2).toDoubleArray()).containsExactly(5, 5, 5, 5);
        assertThat(Tensor.arange(3).expand(2, 3).toDoubleArray()).containsExactly(0, 1, 2, 0, 1, 2);
        assertThatThrownBy(() -> col.expand(2, 2)).hasMessageContaining("expand");
        assertThatThrownBy(() -> col.expand(4)).hasMessageContaining("expand");
    }

    @Test
    void atAndItemCheckTheirArguments() {
        Tensor t = Tensor.arange(6).reshape(2, 3);
        assertThat(t.at(1, 0)).isEqualTo(3.0);
        assertThatThrownBy(() -> t.at(2, 0)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("index 2").hasMessageContaining("axis 0").hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> t.at(0, -1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> t.at(0)).hasMessageContaining("1 indices").hasMessageContaining("[2, 3]");
        assertThatThrownBy(t::item).hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> t.get(2)).isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> t.get(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> t.slice(1, 3)).isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> t.slice(2, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> Tensor.scalar(1).get(0)).hasMessageContaining("scalar");
        assertThatThrownBy(() -> t.squeeze(0)).hasMessageContaining("squeeze").hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> t.unsqueeze(4)).hasMessageContaining("unsqueeze");
    }
}
