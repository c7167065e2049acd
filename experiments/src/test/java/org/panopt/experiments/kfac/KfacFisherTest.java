package org.panopt.experiments.kfac;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.panopt.experiments.DataAvailable;
import org.panopt.experiments.RunOutputs;
import org.panopt.experiments.run.Claim;
import org.panopt.experiments.run.Run;
import org.panopt.hessian.fisher.FisherBlocks;
import org.panopt.hessian.fisher.KroneckerFisherAnalysis;
import org.panopt.nn.Activation;
import org.panopt.nn.Linear;
import org.panopt.nn.loss.SoftmaxCrossEntropy;
import org.panopt.nn.models.Mlp;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

class KfacFisherTest {

    @Test
    void tinyRunWritesItsFiguresMetricsAndVerdicts(@TempDir Path out) throws Exception {
        DataAvailable.assumeMnistDigits();
        Run run = RunOutputs.execute(out, "kfac-fisher", "--hidden", "6,6,6,6,6", "--train-size", "400", "--iterations", "3", "--fisher-inputs", "60",
                "--damping-sweep", "0.01");
        JsonNode config = RunOutputs.checkCommonFiles(run);
        assertThat(config.get("options").get("data").asText()).isEqualTo("mnist-digits");
        for (String f : List.of("fisher-vs-kronecker", "error-vs-cumulant-bound", "kronecker-inverse", "exact-inverse", "inverse-approximations",
                "inverse-approximation-errors", "inverse-error-vs-damping")) {
            assertThat(run.dir().resolve(f + ".png")).exists();
        }
        JsonNode results = config.get("results");
        assertThat(results.get("iterations").asInt()).isEqualTo(3);
        assertThat(results.get("identity_max_relative_deviation").asDouble()).isLessThan(1e-10);
        assertThat(results.get("error_to_bound").asDouble()).isBetween(0.0, 1.0 + 1e-12); // eq. 4 bounds every entry
        assertThat(results.get("max_abs_mean_g").asDouble()).isLessThan(1e-12);

        List<String[]> rows = RunOutputs.csv(run.dir().resolve("metrics.csv"));
        assertThat(rows.getFirst()).containsExactly("part", "quantity", "variant", "i", "j", "value");
        for (String[] r : rows.subList(1, rows.size())) Double.parseDouble(r[5]);
        assertThat(rows.stream().filter(r -> r[0].equals("training") && r[1].equals("train_error"))).hasSize(4); // iterations 0…3
        // 4 × 4 block averages of both inverses
        assertThat(rows.stream().filter(r -> r[0].equals("inverse") && r[1].equals("block_mean_abs"))).hasSize(2 * 16);

        // 3 iterations cannot speak to the paper's 7: no training claim; the seven analysis claims are there
        List<Claim> claims = run.report().claims();
        assertThat(claims).hasSize(7);
        assertThat(claims.get(1).verdict()).as(claims.get(1).ours()).isEqualTo(Claim.Verdict.AGREES); // eq. 3 as an identity
        String report = Files.readString(run.dir().resolve("report.md"));
        assertThat(report).contains("Substitution").contains("exactly, summing over the 10 classes").contains("λ = 0.001·tr(F)/P");
    }

    @Test
    void analysisAgreesWithIndependentlyComputedKroneckerFactorsAndPrefersTheTridiagonalInverse() {
        Mlp net = new Mlp(List.of(12, 5, 5, 5, 5, 4), Activation.Kind.TANH, true, DType.FLOAT64, new SplittableRandom(3));
        List<Linear> middle = net.linears().subList(1, 4);
        Tensor x = Tensor.randn(new SplittableRandom(4), DType.FLOAT64, 80, 12).mul(2);
        Tensor y = Tensor.of(new SplittableRandom(5).ints(80, 0, 4).asDoubleStream().toArray(), 80);
        KfacFisher.Analysis a = KfacFisher.analyse(net, middle, x, y, 1e-3, List.of(1e-2), phase -> {});
        assertThat(a.offsets()).containsExactly(0, 30, 60, 90);

        // K-FAC's factors by output-Fisher square roots (hessian's KroneckerFisherAnalysis), independent of the enumeration
        KroneckerFisherAnalysis reference = KroneckerFisherAnalysis.of(net, middle, new SoftmaxCrossEntropy(), x);
        for (int i = 0; i < 3; i++) {
            DMatrixRMaj kron = CommonOps_DDRM.kron(reference.inputFactor(i, i), reference.gradientFactor(i, i), null);
            DMatrixRMaj block = CommonOps_DDRM.extract(a.factored(), 30 * i, 30 * (i + 1), 30 * i, 30 * (i + 1));
            assertClose(block, kron, 1e-12, "F̃ diagonal block " + i + " = Ā ⊗ G");
        }
        assertClose(a.exact(), reference.exactFisher(), 1e-12, "F");
        assertThat(KfacFisher.relative(a.factored(), a.exact())).as("a non-linear net: F̃ ≠ F").isGreaterThan(1e-3);

        assertThat(a.identityDeviation()).isLessThan(1e-10);
        assertThat(a.sumAbsError()).isLessThanOrEqualTo(a.sumBound() * (1 + 1e-12));
        assertThat(a.empiricalRemainderShare()).as("labels break eq. 3").isGreaterThan(1e-3);

        KfacFisher.InverseErrors e = a.atDamping();
        assertThat(e.tridiagonalVsFactored()).isLessThan(e.diagonalVsFactored());
        assertThat(e.tridiagonalVsExact()).isLessThan(e.diagonalVsExact());
        assertThat(a.sweep()).hasSize(2);
        // F̂⁻¹ is block-tridiagonal; F̆⁻¹ block-diagonal
        assertThat(maxAbs(CommonOps_DDRM.extract(a.tridiagonalInverse(), 0, 30, 60, 90))).isZero();
        assertThat(maxAbs(CommonOps_DDRM.extract(a.diagonalInverse(), 0, 30, 30, 60))).isZero();
        // the damped inverse really is one
        DMatrixRMaj product = new DMatrixRMaj(90, 90);
        CommonOps_DDRM.mult(FisherBlocks.plusIdentity(a.exact(), a.lambda()), a.exactInverse(), product);
        assertClose(product, CommonOps_DDRM.identity(90), 1e-8, "(F + λI)(F + λI)⁻¹");
    }

    @Test
    void blockStructureCriterion() {
        DMatrixRMaj banded = new DMatrixRMaj(new double[][] {{9, 4, 1, 1}, {4, 8, 3, 1}, {1, 3, 7, 2}, {1, 1, 2, 6}});
        assertThat(KfacFisher.diagonalThenAdjacent(banded)).isTrue();
        assertThat(KfacFisher.adjacentMean(banded)).isEqualTo(3);
        assertThat(KfacFisher.fartherMean(banded)).isEqualTo(1);
        DMatrixRMaj farHeavy = new DMatrixRMaj(new double[][] {{9, 1, 4, 4}, {1, 8, 1, 4}, {4, 1, 7, 1}, {4, 4, 1, 6}});
        assertThat(KfacFisher.diagonalThenAdjacent(farHeavy)).isFalse();
        DMatrixRMaj offDominant = new DMatrixRMaj(new double[][] {{2, 4, 1}, {4, 8, 3}, {1, 3, 7}});
        assertThat(KfacFisher.diagonalThenAdjacent(offDominant)).isFalse();
    }

    private static double maxAbs(DMatrixRMaj m) {
        double s = 0;
        for (double v : m.data) s = Math.max(s, Math.abs(v));
        return s;
    }

    private static void assertClose(DMatrixRMaj actual, DMatrixRMaj expected, double tol, String what) {
        assertThat(actual.numRows).isEqualTo(expected.numRows);
        double scale = Math.max(maxAbs(expected), 1e-300);
        double worst = 0;
        for (int k = 0; k < expected.data.length; k++) worst = Math.max(worst, Math.abs(actual.data[k] - expected.data[k]));
        assertThat(worst / scale).as(what).isLessThanOrEqualTo(tol);
    }
}
