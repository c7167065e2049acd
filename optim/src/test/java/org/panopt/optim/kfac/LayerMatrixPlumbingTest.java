package org.panopt.optim.kfac;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.panopt.nn.Conv2d;
import org.panopt.nn.Linear;
import org.panopt.nn.Module;
import org.panopt.nn.Sequential;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * The fused steps of a K-FAC iteration against their unfused definitions: ∇h = ∇L + η[W b] written into the
 * gradient's layer matrix, α·a + β·b in one pass, and s·G⁻¹VĀ⁻¹ with s folded into the GEMM.
 */
class LayerMatrixPlumbingTest {
    final SplittableRandom rng = new SplittableRandom(4);

    @Test
    void addScaledParametersAddsTheHomogeneousParameterMatrix() {
        for (DType dtype : DType.values()) {
            Module net = new Sequential(new Conv2d(2, 3, 3, 1, 1, 1, true, dtype, rng), new Conv2d(3, 2, 3, 1, 1, 1, false, dtype, rng),
                    new org.panopt.nn.Flatten(), new Linear(2 * 4 * 4, 5, true, dtype, rng), new Linear(5, 3, false, dtype, rng));
            List<Tensor> params = net.parameters();
            List<Tensor> grads = params.stream().map(p -> Tensor.randn(rng, dtype, p.dims())).toList();
            List<KfacLayer> layers = KfacLayer.discover(net, params, false).layers();
            assertThat(layers).hasSize(4);
            for (KfacLayer layer : layers) {
                for (DType work : DType.values()) {
                    double c = 0.37;
                    double[][] expected = Dense.add(Dense.of(layer.matrixOf(grads, DType.FLOAT64)), Dense.of(layer.matrixOf(params, DType.FLOAT64)), c);
                    Tensor fused = AdaptiveKfac.addScaledParameters(layer, layer.matrixOf(grads, work), c, params);
                    assertThat(fused.dtype()).isEqualTo(work);
                    double tol = dtype == DType.FLOAT32 || work == DType.FLOAT32 ? 1e-6 : 1e-15;
                    assertThat(Dense.maxAbsDiff(Dense.of(fused), expected)).as("%s %s in %s", layer.name(), dtype, work).isLessThan(tol * (1 + Dense.maxAbs(expected)));
                }
            }
            // The parameters themselves are untouched (they are read in place).
            assertThat(layers.getFirst().matrixOf(params, DType.FLOAT64).toDoubleArray())
                    .containsExactly(layers.getFirst().toMatrix(params.get(0), params.get(1)).toDoubleArray());
        }
    }

    @Test
    void combineIsAlphaAPlusBetaB() {
        for (DType dtype : DType.values()) {
            Tensor a = Tensor.randn(rng, dtype, 7, 5);
            Tensor b = Tensor.randn(rng, dtype, 7, 5);
            Tensor c = Float64.combine(-0.3, a, 2.5, b);
            double[] x = a.toDoubleArray();
            double[] y = b.toDoubleArray();
            double[] z = c.toDoubleArray();
            assertThat(c.dtype()).isEqualTo(dtype);
            assertThat(c.dims()).containsExactly(7, 5);
            for (int i = 0; i < z.length; i++) assertThat(z[i]).isCloseTo(-0.3 * x[i] + 2.5 * y[i], org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @Test
    void dotIsAnExactlyFormedDoubleSumOverChunks() {
        // Sizes around the vector width and across several chunks; float32 products are exact in double.
        for (int n : new int[] {1, 7, 33, Float64.CHUNK - 1, 3 * Float64.CHUNK + 17}) {
            for (DType dtype : DType.values()) {
                Tensor a = Tensor.randn(rng, dtype, n);
                Tensor b = Tensor.randn(rng, dtype, n);
                double[] x = a.toDoubleArray();
                double[] y = b.toDoubleArray();
                double reference = 0;
                double magnitude = 0;
                for (int i = 0; i < n; i++) {
                    reference += x[i] * y[i];
                    magnitude += Math.abs(x[i] * y[i]);
                }
                assertThat(Float64.dot(a, b)).as("n = %d, %s", n, dtype).isCloseTo(reference, org.assertj.core.data.Offset.offset(1e-13 * magnitude));
                // A view at an offset (a row of a matrix) reads the right elements.
                Tensor m = Tensor.randn(rng, dtype, 3, n);
                double[] row = m.narrow(0, 1, 1).toDoubleArray();
                double expected = 0;
                for (int i = 0; i < n; i++) expected += row[i] * y[i];
                Tensor view = new Tensor(m.storage(), n, org.panopt.tensor.Shape.of(n));
                assertThat(Float64.dot(view, b)).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-13 * (1 + magnitude)));
            }
        }
    }

    @Test
    void scaledApplyFoldsTheScaleIntoTheProduct() {
        for (DType dtype : DType.values()) {
            double[][] g = Dense.randomSpd(4, 6, 0.1, rng);
            double[][] a = Dense.randomSpd(3, 5, 0.1, rng);
            LayerInverse inv = LayerInverse.blockDiagonal(1, 1, Dense.tensor(a), Dense.tensor(g), false).to(dtype);
            Tensor v = Tensor.randn(rng, dtype, 4, 3);
            double[][] expected = Dense.mul(Dense.mul(g, Dense.of(v)), a);
            Tensor u = BlockDiagonalInverse.apply(List.of(inv), List.of(v), -2).getFirst();
            assertThat(u.dtype()).isEqualTo(dtype);
            assertThat(Dense.maxAbsDiff(Dense.of(u), KroneckerAlgebraTest.scale(expected, -2))).isLessThan(1e-5 * (1 + Dense.maxAbs(expected)));
        }
    }
}
