package org.panopt.hessian.fisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.panopt.hessian.TestMatrices;
import org.panopt.nn.Activation;
import org.panopt.nn.Linear;
import org.panopt.nn.loss.SoftmaxCrossEntropy;
import org.panopt.nn.models.Mlp;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/** K-FAC's approximation error through cumulants (Martens &amp; Grosse 2015, §2.1) against independent references. */
class KroneckerCumulantsTest {

    private static Mlp net(long seed) {
        return new Mlp(List.of(5, 4, 4, 3), Activation.Kind.TANH, true, DType.FLOAT64, new SplittableRandom(seed));
    }

    private static Tensor inputs(long seed, int n) {
        return Tensor.randn(new SplittableRandom(seed), DType.FLOAT64, n, 5);
    }

    @Test
    void exactAndFactoredFisherEqualTheAnalysisBySquareRootsOfTheOutputFisher() {
        Mlp m = net(1);
        Tensor x = inputs(2, 9);
        KroneckerCumulants c = KroneckerCumulants.of(LayerAtoms.modelTargets(m, m.linears(), x));
        KroneckerFisherAnalysis reference = KroneckerFisherAnalysis.of(m, m.linears(), new SoftmaxCrossEntropy(), x);
        assertThat(c.offsets()).containsExactly(FisherBlocks.offsets(reference));
        TestMatrices.assertClose(c.exactFisher(), reference.exactFisher(), 1e-12, "F by enumerated classes vs by output-Fisher square roots");
        TestMatrices.assertClose(c.kroneckerFactored(), reference.kroneckerFactored(), 1e-12, "F̃");
        // a subset of layers (the middle one) is the same block
        KroneckerCumulants middle = KroneckerCumulants.of(LayerAtoms.modelTargets(m, List.of(m.linears().get(1)), x));
        TestMatrices.assertClose(middle.exactFisher(), org.ejml.dense.row.CommonOps_DDRM.extract(c.exactFisher(), 24, 44, 24, 44), 1e-13, "middle layer");
    }

    @Test
    void forModelTargetsTheErrorIsThePapersCumulantExpressionAndTheBoundHolds() {
        Mlp m = net(3);
        KroneckerCumulants c = KroneckerCumulants.of(LayerAtoms.modelTargets(m, m.linears(), inputs(4, 30)));
        DMatrixRMaj error = c.error();
        double scale = TestMatrices.maxAbs(error);
        assertThat(scale).as("F ≠ F̃ for a non-linear network").isGreaterThan(1e-4 * TestMatrices.maxAbs(c.exactFisher()));
        TestMatrices.assertClose(c.paperExpression(), error, 1e-10, "eq. 3 vs F − F̃");
        assertThat(TestMatrices.maxAbs(c.remainder())).isLessThan(1e-12 * scale);
        assertThat(c.maxAbsMeanDerivative()).isLessThan(1e-14);
        assertThat(c.maxAbsCrossCovariance()).isLessThan(1e-14);
        DMatrixRMaj bound = c.bound();
        for (int k = 0; k < error.data.length; k++) assertThat(Math.abs(error.data[k])).isLessThanOrEqualTo(bound.data[k] + 1e-12 * scale);
    }

    @Test
    void forDataTargetsEqThreeMissesTermsThatTheFullExpansionRestores() {
        Mlp m = net(5);
        Tensor x = inputs(6, 30);
        Tensor labels = Tensor.of(new double[] {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2}, 30);
        KroneckerCumulants c = KroneckerCumulants.of(LayerAtoms.dataTargets(m, m.linears(), x, labels));
        DMatrixRMaj error = c.error();
        DMatrixRMaj sum = c.paperExpression();
        DMatrixRMaj rest = c.remainder();
        for (int k = 0; k < sum.data.length; k++) sum.data[k] += rest.data[k];
        TestMatrices.assertClose(sum, error, 1e-10, "eq. 3 + remainder vs F − F̃ (empirical Fisher)");
        assertThat(TestMatrices.maxAbs(rest)).as("the label-based g has E[g] ≠ 0, Cov(ā, g) ≠ 0").isGreaterThan(1e-3 * TestMatrices.maxAbs(error));
        assertThat(c.maxAbsMeanDerivative()).isGreaterThan(1e-3);
    }

    @Test
    void cumulantsEqualTheirCentralMomentDefinitions() {
        // two layers with few units; random atoms with unequal weights and E[g] ≠ 0
        Linear l1 = new Linear(2, 2, true, DType.FLOAT64, new SplittableRandom(7));
        Linear l2 = new Linear(2, 3, false, DType.FLOAT64, new SplittableRandom(8));
        int atoms = 25;
        SplittableRandom rng = new SplittableRandom(9);
        double[][][] in = new double[2][atoms][];
        double[][][] der = new double[2][atoms][];
        double[] w = new double[atoms];
        double sum = 0;
        for (int a = 0; a < atoms; a++) {
            in[0][a] = new double[] {rng.nextGaussian(), Math.tanh(rng.nextGaussian()) + 0.5, 1};
            in[1][a] = new double[] {rng.nextGaussian() * in[0][a][0], Math.exp(0.3 * rng.nextGaussian())};
            der[0][a] = new double[] {rng.nextGaussian() + 0.2, in[0][a][1] * rng.nextGaussian()};
            der[1][a] = new double[] {rng.nextGaussian(), der[0][a][0] * der[0][a][1], rng.nextGaussian() - 0.4};
            sum += w[a] = 0.5 + rng.nextDouble();
        }
        for (int a = 0; a < atoms; a++) w[a] /= sum;
        LayerAtoms dist = LayerAtoms.of(List.of(l1, l2), in, der, w);
        KroneckerCumulants c = KroneckerCumulants.of(dist);
        int[] off = c.offsets();
        assertThat(off).containsExactly(0, 6, 12);
        DMatrixRMaj fourth = c.fourthCumulant(), paper = c.paperExpression(), bound = c.bound(), rest = c.remainder(), exact = c.exactFisher(), tilde = c.kroneckerFactored();
        int[][] coords = coordinates(dist, off); // θ index → (layer, ā index, g index)
        for (int alpha = 0; alpha < off[2]; alpha++) {
            for (int beta = 0; beta < off[2]; beta++) {
                double[] x1 = column(dist, coords[alpha][0], true, coords[alpha][1]), x3 = column(dist, coords[alpha][0], false, coords[alpha][2]);
                double[] x2 = column(dist, coords[beta][0], true, coords[beta][1]), x4 = column(dist, coords[beta][0], false, coords[beta][2]);
                double m1 = mean(x1, w), m2 = mean(x2, w), m3 = mean(x3, w), m4 = mean(x4, w);
                double[] c1 = centred(x1, m1), c2 = centred(x2, m2), c3 = centred(x3, m3), c4 = centred(x4, m4);
                double k4 = mean(prod(c1, c2, c3, c4), w) - mean(prod(c1, c2), w) * mean(prod(c3, c4), w)
                        - mean(prod(c1, c3), w) * mean(prod(c2, c4), w) - mean(prod(c1, c4), w) * mean(prod(c2, c3), w);
                double k234 = mean(prod(c2, c3, c4), w), k134 = mean(prod(c1, c3, c4), w);
                double e = mean(prod(x1, x2, x3, x4), w) - mean(prod(x1, x2), w) * mean(prod(x3, x4), w);
                String at = "[" + alpha + "][" + beta + "]";
                assertThat(exact.get(alpha, beta)).as("F" + at).isCloseTo(mean(prod(x1, x2, x3, x4), w), org.assertj.core.data.Offset.offset(1e-13));
                assertThat(exact.get(alpha, beta) - tilde.get(alpha, beta)).as("F − F̃" + at).isCloseTo(e, org.assertj.core.data.Offset.offset(1e-13));
                assertThat(fourth.get(alpha, beta)).as("κ₄" + at).isCloseTo(k4, org.assertj.core.data.Offset.offset(1e-12));
                assertThat(paper.get(alpha, beta)).as("eq. 3" + at).isCloseTo(k4 + m1 * k234 + m2 * k134, org.assertj.core.data.Offset.offset(1e-12));
                assertThat(bound.get(alpha, beta)).as("eq. 4" + at).isCloseTo(Math.abs(k4) + Math.abs(m1 * k234) + Math.abs(m2 * k134), org.assertj.core.data.Offset.offset(1e-12));
                assertThat(paper.get(alpha, beta) + rest.get(alpha, beta)).as("eq. 3 + remainder" + at).isCloseTo(e, org.assertj.core.data.Offset.offset(1e-12));
            }
        }
        assertThat(TestMatrices.maxAbs(rest)).as("the remainder matters when E[g] ≠ 0").isGreaterThan(1e-2);
    }

    @Test
    void explicitAtomsAreChecked() {
        Linear l = new Linear(1, 1, true, DType.FLOAT64, new SplittableRandom(1));
        double[][][] in = {{{1, 1}}};
        double[][][] der = {{{1}}};
        assertThatThrownBy(() -> LayerAtoms.of(List.of(l), in, der, new double[] {0.5})).hasMessageContaining("sum to 0.5");
        assertThatThrownBy(() -> LayerAtoms.of(List.of(l), in, new double[][][] {{{1, 2}}}, new double[] {1})).hasMessageContaining("needs 2, 1");
        Mlp m = net(1);
        assertThatThrownBy(() -> LayerAtoms.dataTargets(m, m.linears(), inputs(1, 2), Tensor.of(new double[] {0, 3}, 2))).hasMessageContaining("not a class");
        assertThatThrownBy(() -> LayerAtoms.modelTargets(m, List.of(l), inputs(1, 2))).hasMessageContaining("not a layer");
    }

    private static int[][] coordinates(LayerAtoms dist, int[] off) {
        int[][] out = new int[off[off.length - 1]][];
        for (int i = 0; i + 1 < off.length; i++) {
            int dg = dist.derivativeSize(i);
            for (int k = off[i]; k < off[i + 1]; k++) out[k] = new int[] {i, (k - off[i]) / dg, (k - off[i]) % dg};
        }
        return out;
    }

    private static double[] column(LayerAtoms dist, int layer, boolean input, int index) {
        double[] v = new double[dist.size()];
        for (int a = 0; a < v.length; a++) v[a] = input ? dist.inputOf(layer, a)[index] : dist.derivativeOf(layer, a)[index];
        return v;
    }

    private static double mean(double[] v, double[] w) {
        double s = 0;
        for (int i = 0; i < v.length; i++) s += w[i] * v[i];
        return s;
    }

    private static double[] centred(double[] v, double m) {
        double[] out = v.clone();
        for (int i = 0; i < out.length; i++) out[i] -= m;
        return out;
    }

    private static double[] prod(double[]... vs) {
        double[] out = new double[vs[0].length];
        java.util.Arrays.fill(out, 1);
        for (double[] v : vs) for (int i = 0; i < out.length; i++) out[i] *= v[i];
        return out;
    }
}
