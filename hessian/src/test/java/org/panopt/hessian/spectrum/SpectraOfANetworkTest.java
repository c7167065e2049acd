package org.panopt.hessian.spectrum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.panopt.hessian.BatchLoss;
import org.panopt.hessian.DenseOperator;
import org.panopt.hessian.HessianOperator;
import org.panopt.hessian.LinearOperator;
import org.panopt.nn.Activation;
import org.panopt.nn.loss.SoftmaxCrossEntropy;
import org.panopt.nn.models.Mlp;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/** The iterative methods on the exact Hessian of a small tanh network, against its dense eigen-decomposition. */
class SpectraOfANetworkTest {
    private static LinearOperator hessian;
    private static double[] dense;

    @BeforeAll
    static void setUp() {
        Mlp net = new Mlp(List.of(6, 8, 3), Activation.Kind.TANH, true, DType.FLOAT64, new SplittableRandom(1));
        Tensor x = Tensor.randn(new SplittableRandom(2), DType.FLOAT64, 10, 6);
        Tensor y = Tensor.of(new double[] {0, 1, 2, 0, 1, 2, 2, 1, 0, 0});
        hessian = new HessianOperator(BatchLoss.of(net, new SoftmaxCrossEntropy(), x, y));
        DMatrixRMaj h = hessian.toDense();
        dense = DenseSpectrum.eigenvalues(DenseOperator.symmetric(h));
        assertThat(dense[0]).isPositive();
        assertThat(dense[dense.length - 1]).as("a non-convex loss: negative curvature").isNegative();
    }

    @Test
    void lanczosFindsBothEndsOfTheHessianSpectrum() {
        EigenPairs ends = Lanczos.eigenpairs(hessian, 4, Lanczos.Which.BOTH_ENDS, Lanczos.Options.defaults().withTolerance(1e-9));
        int n = dense.length;
        assertThat(ends.values()).containsExactly(new double[] {dense[0], dense[1], dense[n - 2], dense[n - 1]}, within(1e-9 * dense[0]));
        EigenPairs top = Lanczos.eigenpairs(hessian, 3, Lanczos.Which.LARGEST);
        assertThat(top.values()).containsExactly(new double[] {dense[0], dense[1], dense[2]}, within(1e-9 * dense[0]));
        for (int i = 0; i < 3; i++) {
            double[] r = hessian.apply(top.vectors()[i]);
            for (int j = 0; j < r.length; j++) r[j] -= top.values()[i] * top.vectors()[i][j];
            assertThat(Vectors.norm(r)).as("true residual %d", i).isLessThan(1e-8 * dense[0]);
        }
    }

    @Test
    void powerIterationFindsTheTopEigenvalue() {
        EigenPairs p = PowerIteration.dominant(hessian, 1, 5000, 1e-12, new SplittableRandom(3));
        double dominant = Math.abs(dense[0]) >= Math.abs(dense[dense.length - 1]) ? dense[0] : dense[dense.length - 1];
        assertThat(p.values()[0]).isCloseTo(dominant, within(1e-6 * Math.abs(dominant)));
    }

    @Test
    void stochasticLanczosQuadratureMatchesTheDenseSpectrum() {
        int n = dense.length;
        // with as many steps as the dimension, every probe's nodes are the eigenvalues it sees
        SpectralDensity full = StochasticLanczosQuadrature.estimate(hessian, 2, n, Probes.RADEMACHER, new SplittableRandom(4));
        assertThat(full.highestNode()).isCloseTo(dense[0], within(1e-8 * dense[0]));
        assertThat(full.lowestNode()).isCloseTo(dense[n - 1], within(1e-8 * dense[0]));
        // a short run: moments up to 2m − 1 of each probe's measure are exact, so tr H and tr H² are unbiased
        double tr = 0;
        double tr2 = 0;
        for (double l : dense) {
            tr += l;
            tr2 += l * l;
        }
        SpectralDensity shortRun = StochasticLanczosQuadrature.estimate(hessian, 200, 3, Probes.RADEMACHER, new SplittableRandom(5));
        HutchinsonTrace.Estimate hutch = HutchinsonTrace.estimate(hessian, 200, Probes.RADEMACHER, new SplittableRandom(5));
        assertThat(shortRun.trace(t -> t)).as("SLQ tr H = Hutchinson on the same probes").isCloseTo(hutch.trace(), within(1e-9 * Math.abs(tr2)));
        assertThat(Math.abs(hutch.trace() - tr)).isLessThan(4 * hutch.standardError());
        assertThat(shortRun.trace(t -> t * t)).isCloseTo(tr2, within(0.15 * tr2));
    }
}
