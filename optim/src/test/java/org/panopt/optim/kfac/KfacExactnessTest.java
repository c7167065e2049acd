package org.panopt.optim.kfac;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.panopt.nn.Linear;
import org.panopt.nn.loss.MeanSquaredError;
import org.panopt.optim.ModuleObjective;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * Where the Kronecker factorization is exact (spec §10.3 item 3): one linear layer with a Gaussian
 * likelihood, L = ½‖y − z‖². There g = z − ŷ = −ε with ε ~ N(0, I) independent of x, so E[ggᵀ] = I and
 * F = E[āāᵀ] ⊗ I = Ā ⊗ E[G] exactly: the K-FAC step with G at its expectation is the natural gradient.
 */
class KfacExactnessTest {
    final SplittableRandom rng = new SplittableRandom(12);
    final Linear layer = new Linear(3, 2, true, DType.FLOAT64, rng);
    final Tensor x = Tensor.randn(rng, DType.FLOAT64, 10, 3).add(0.5);
    final Tensor y = Tensor.randn(rng, DType.FLOAT64, 10, 2);
    final ModuleObjective objective = new ModuleObjective(layer, MeanSquaredError.halfSumPerCase(), x, y);
    final KfacLayer kfacLayer = KfacLayer.discover(layer, layer.parameters(), false).layers().getFirst();

    /** The exact Fisher of the batch objective, column by column from exact products with basis vectors of vec(W̄). */
    double[][] denseFisher() {
        int d = 2 * 4;
        int[] all = BatchRows.sample(10, 10, rng);
        ExactFisherProducts fisher = ExactFisherProducts.on(objective, all);
        List<Tensor> tangents = new ArrayList<>();
        for (int j = 0; j < d; j++) {
            double[] e = new double[d];
            e[j] = 1;
            Tensor m = Dense.tensor(Dense.unvec(e, 2, 4));
            tangents.add(fisher.jvp(List.of(kfacLayer.weightPart(m, DType.FLOAT64), kfacLayer.biasPart(m, DType.FLOAT64))));
        }
        double[][] f = new double[d][d];
        for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) f[i][j] = fisher.product(tangents.get(i), tangents.get(j));
        return f;
    }

    @Test
    void blockDiagonalApproximationIsExactForALinearGaussianModel() {
        int[] all = BatchRows.sample(10, 10, rng);
        double[][] f = denseFisher();
        // Sampled G averages to I (one pass over 500 copies of the batch) …
        Tensor[] reps = new Tensor[500];
        java.util.Arrays.fill(reps, x);
        Tensor xs = Tensor.concat(0, reps);
        ModuleObjective many = new ModuleObjective(layer, MeanSquaredError.halfSumPerCase(), xs, Tensor.zeros(DType.FLOAT64, xs.dim(0), 2));
        KroneckerFactors sampled = KfacStatistics.collect(many, List.of(kfacLayer), BatchRows.sample(xs.dim(0), xs.dim(0), rng),
                KfacStatistics.Targets.SAMPLED, false, rng).getFirst();
        assertThat(Dense.maxAbsDiff(Dense.of(sampled.output()), Dense.identity(2))).isLessThan(0.05);
        Tensor aBar = KfacStatistics.collect(objective, List.of(kfacLayer), all, KfacStatistics.Targets.SAMPLED, false, rng).getFirst().input();
        // … and with G at its expectation, Ā ⊗ I is the exact Fisher …
        double[][] kron = Dense.kron(Dense.of(aBar), Dense.identity(2));
        assertThat(Dense.maxAbsDiff(kron, f)).isLessThan(1e-12 * Dense.maxAbs(f));
        // … so the (negligibly damped) K-FAC direction is the natural gradient F⁻¹∇h.
        KroneckerFactors exact = new KroneckerFactors(aBar, Tensor.eye(2, DType.FLOAT64), null, null);
        List<LayerInverse> inv = BlockDiagonalInverse.build(List.of(exact), 1e-9);
        Tensor grad = Dense.tensor(Dense.of(Tensor.randn(rng, DType.FLOAT64, 2, 4)));
        double[] kfac = Dense.vec(Dense.of(BlockDiagonalInverse.apply(inv, List.of(grad)).getFirst()));
        double[] natural = Dense.solve(f, Dense.vec(Dense.of(grad)));
        assertThat(Dense.maxAbsDiff(kfac, natural)).isLessThan(1e-6 * Dense.maxAbs(new double[][] {natural}));
    }
}
