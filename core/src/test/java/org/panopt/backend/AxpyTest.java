package org.panopt.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.panopt.autograd.Autograd;
import org.panopt.kernels.DoubleMaps;
import org.panopt.kernels.FloatMaps;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * The fused in-place update y ← y + α·x: the kernels against a scalar reference (bit for bit: a rounded product,
 * then a rounded sum), the backend's default against the CPU override, and {@link Tensor#addInPlace} — which used
 * to allocate α·x as a temporary — allocating nothing.
 */
class AxpyTest {
    private static final int[] LENGTHS = {0, 1, 3, 15, 16, 17, 31, 255, 1000, 1003};

    @Test
    void kernelsMatchTheScalarDefinitionBitForBit() {
        SplittableRandom rng = new SplittableRandom(1);
        for (int n : LENGTHS) {
            for (int xs : new int[] {0, 1}) {
                int xo = 3;
                int yo = 5;
                float[] xf = new float[xo + Math.max(n, 1) + 2];
                float[] yf = new float[yo + n + 2];
                double[] xd = new double[xf.length];
                double[] yd = new double[yf.length];
                for (int i = 0; i < xf.length; i++) xd[i] = xf[i] = (float) rng.nextDouble(-3, 3);
                for (int i = 0; i < yf.length; i++) yd[i] = yf[i] = (float) rng.nextDouble(-3, 3);
                float[] yfBefore = yf.clone();
                double[] ydBefore = yd.clone();
                float af = -0.37f;
                double ad = -0.37;
                FloatMaps.axpy(af, xf, xo, xs, yf, yo, n);
                DoubleMaps.axpy(ad, xd, xo, xs, yd, yo, n);
                for (int i = 0; i < yf.length; i++) {
                    boolean inside = i >= yo && i < yo + n;
                    int xi = inside ? xo + (i - yo) * xs : xo;
                    float ef = inside ? yfBefore[i] + af * xf[xi] : yfBefore[i];
                    double ed = inside ? ydBefore[i] + ad * xd[xi] : ydBefore[i];
                    assertThat(yf[i]).as("float n=%d xs=%d i=%d", n, xs, i).isEqualTo(ef);
                    assertThat(yd[i]).as("double n=%d xs=%d i=%d", n, xs, i).isEqualTo(ed);
                }
            }
        }
    }

    // A backend that is the CPU backend except that axpy falls back to the interface's default.
    private static final Backend DEFAULT_AXPY = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
            (proxy, method, args) -> method.getName().equals("axpy") ? InvocationHandler.invokeDefault(proxy, method, args)
                    : method.invoke(CpuBackend.INSTANCE, args));

    @Test
    void theDefaultAndTheFusedPassAgreeAndBroadcast() {
        SplittableRandom rng = new SplittableRandom(2);
        for (DType dt : DType.values()) {
            for (int[] xDims : new int[][] {{300, 700}, {700}, {1, 700}, {}}) {
                Tensor x = Tensor.randn(rng, dt, xDims);
                Tensor y = Tensor.randn(rng, dt, 300, 700);
                Tensor fused = y.copy();
                Tensor viaDefault = y.copy();
                CpuBackend.INSTANCE.axpy(2.5e-3, x, fused);
                DEFAULT_AXPY.axpy(2.5e-3, x, viaDefault);
                // isEqualTo compares whole arrays (Arrays.equals: bit for bit, fast); containsExactly on 210 000 elements took seconds.
                assertThat(fused.toDoubleArray()).as("%s x %s", dt, java.util.Arrays.toString(xDims)).isEqualTo(viaDefault.toDoubleArray());
                assertThat(fused.toDoubleArray()).isNotEqualTo(y.toDoubleArray());
            }
        }
    }

    @Test
    void addInPlaceMakesNoTemporaryAndEqualsScaleThenAdd() {
        SplittableRandom rng = new SplittableRandom(3);
        for (DType dt : DType.values()) {
            Tensor w = Tensor.randn(rng, dt, 500, 400).requiresGrad(true);
            Tensor g = Tensor.randn(rng, dt, 500, 400);
            Tensor expected = w.detach().add(g.mul(-0.01));
            KernelTiming.Snapshot before = KernelTiming.snapshot();
            KernelTiming.enable();
            try {
                Autograd.noGrad(() -> w.addInPlace(g, -0.01));
            } finally {
                KernelTiming.disable();
            }
            KernelTiming.Snapshot d = KernelTiming.snapshot().minus(before);
            assertThat(d.calls(KernelTiming.Category.MEMORY)).as("allocations and copies").isZero();
            assertThat(d.calls(KernelTiming.Category.ELEMENTWISE)).isEqualTo(1);
            assertThat(w.toDoubleArray()).isEqualTo(expected.toDoubleArray());
        }
        Tensor f = Tensor.zeros(DType.FLOAT32, 3);
        f.addInPlace(Tensor.of(new double[] {1, 2, 3}), 0.5); // float64 into float32: converted first
        assertThat(f.toDoubleArray()).containsExactly(0.5, 1, 1.5);
        assertThatThrownBy(() -> f.addInPlace(Tensor.zeros(DType.FLOAT32, 4), 2)).hasMessageContaining("addInPlace").hasMessageContaining("[3] and [4]");
    }
}
