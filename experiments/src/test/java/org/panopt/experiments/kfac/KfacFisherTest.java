package org.panopt.experiments.kfac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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

    static final String[] TINY = {"kfac-fisher", "--hidden", "6,6,6,6,6", "--train-size", "400", "--iterations", "3", "--fisher-inputs", "60", "--damping-sweep", "0.01"};

    @Test
    void tinyRunWritesItsFiguresMetricsAndVerdicts(@TempDir Path out) throws Exception {
        DataAvailable.assumeMnistDigits();
        Run run = RunOutputs.execute(out, TINY);
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
        assertThat(results.has("seeds")).isFalse();
        assertThat(results.has("train_error_per_seed")).as("one seed: no per-seed arrays").isFalse();

        List<String[]> rows = RunOutputs.csv(run.dir().resolve("metrics.csv"));
        assertThat(rows.getFirst()).containsExactly("seed", "part", "quantity", "variant", "i", "j", "value");
        for (String[] r : rows.subList(1, rows.size())) Double.parseDouble(r[6]);
        // every row but the closing report's timing belongs to seed 0
        assertThat(rows.subList(1, rows.size()).stream().filter(r -> !r[0].equals("0"))).singleElement().satisfies(r -> assertThat(r[3]).isEqualTo("report and figures"));
        assertThat(rows(rows, "training", "train_error")).hasSize(4); // iterations 0…3
        // 4 × 4 block averages of both inverses
        assertThat(rows(rows, "inverse", "block_mean_abs")).hasSize(2 * 16);

        // 3 iterations cannot speak to the paper's 7: no training claim; the seven analysis claims are there
        List<Claim> claims = run.report().claims();
        assertThat(claims).hasSize(7);
        assertThat(claims.get(1).verdict()).as(claims.get(1).ours()).isEqualTo(Claim.Verdict.AGREES); // eq. 3 as an identity
        String report = Files.readString(run.dir().resolve("report.md"));
        assertThat(report).contains("Substitution").contains("exactly, summing over the 10 classes").contains("λ = 0.001·tr(F)/P").contains(", seed 0, until");
        assertThat(report).as("one seed reads as a single run").doesNotContain("±").doesNotContain("seeds agree").doesNotContain("the first of");
    }

    @Test
    void seedsRepeatTrainingAndAnalysisAndTheVerdictsAreOnTheMeans(@TempDir Path out) throws Exception {
        DataAvailable.assumeMnistDigits();
        String[] args = Arrays.copyOf(TINY, TINY.length + 2);
        args[TINY.length] = "--seeds";
        args[TINY.length + 1] = "2";
        Run run = RunOutputs.execute(out, args);
        JsonNode results = RunOutputs.checkCommonFiles(run).get("results");
        List<String[]> rows = RunOutputs.csv(run.dir().resolve("metrics.csv"));

        // both seeds trained (iterations 0…3 each) and were analysed, from different initializations
        for (String seed : List.of("0", "1")) {
            assertThat(rows(rows, "training", "train_error").stream().filter(r -> r[0].equals(seed))).hasSize(4);
            assertThat(rows(rows, "inverse", "block_mean_abs").stream().filter(r -> r[0].equals(seed))).hasSize(2 * 16);
        }
        double[] initial = perSeed(rows, "fisher", "relative_frobenius_error", "F_tilde_vs_F_at_initialization");
        assertThat(initial[0]).isNotEqualTo(initial[1]);
        double[] sumAbsError = perSeed(rows, "cumulants", "sum_abs_error", "");
        assertThat(sumAbsError[0]).isNotEqualTo(sumAbsError[1]);

        // the results are the means over the seeds, with the per-seed values beside them
        assertThat(results.get("seeds").toString()).isEqualTo("[0,1]");
        assertThat(results.get("sum_abs_error").asDouble()).isCloseTo((sumAbsError[0] + sumAbsError[1]) / 2, within(1e-12 * sumAbsError[0]));
        assertThat(results.get("sum_abs_error_per_seed").get(0).asDouble()).isEqualTo(sumAbsError[0]);
        assertThat(results.get("sum_abs_error_per_seed").get(1).asDouble()).isEqualTo(sumAbsError[1]);
        double[] finalError = new double[2];
        for (String[] r : rows(rows, "training", "train_error")) if (r[4].equals("3")) finalError[Integer.parseInt(r[0])] = Double.parseDouble(r[6]);
        assertThat(results.get("train_error").asDouble()).isCloseTo((finalError[0] + finalError[1]) / 2, within(1e-15));
        assertThat(results.get("inverse_structure_F_tilde_per_seed")).hasSize(2);
        assertThat(results.get("iterations_per_seed").toString()).isEqualTo("[3,3]");

        // the verdicts: the criterion on the means, and a count of the seeds meeting it alone
        List<Claim> claims = run.report().claims();
        assertThat(claims).hasSize(7);
        double ratio = results.get("error_to_bound").asDouble();
        double[] ratios = {results.get("error_to_bound_per_seed").get(0).asDouble(), results.get("error_to_bound_per_seed").get(1).asDouble()};
        assertThat(ratio).isCloseTo((ratios[0] + ratios[1]) / 2, within(1e-15));
        Claim bound = claims.get(2);
        assertThat(bound.verdict()).isEqualTo(Claim.Verdict.of(KfacFisher.comparableToBound(ratio)));
        long agreeing = Arrays.stream(ratios).filter(KfacFisher::comparableToBound).count();
        assertThat(bound.ours()).contains(" ± ").endsWith(agreeing + " of 2 seeds agree by the same criterion.");
        for (Claim c : claims) assertThat(c.ours()).as(c.paper()).contains("of 2 seeds agree");
        String report = Files.readString(run.dir().resolve("report.md"));
        assertThat(report).contains("for each of the seeds [0, 1]").contains("drawn once, from --seed 0").contains("(seed 0, the first of 2 seeds)")
                .contains("mean ± one standard deviation over 2 seeds");
    }

    /** The rows of one part and quantity (any seed). */
    private static List<String[]> rows(List<String[]> rows, String part, String quantity) {
        return rows.stream().filter(r -> r[1].equals(part) && r[2].equals(quantity)).toList();
    }

    /** A quantity logged once per seed, indexed by seeds 0 and 1. */
    private static double[] perSeed(List<String[]> rows, String part, String quantity, String variant) {
        double[] v = {Double.NaN, Double.NaN};
        for (String[] r : rows(rows, part, quantity)) {
            if (r[3].equals(variant) && r[4].isEmpty()) {
                assertThat(Double.isNaN(v[Integer.parseInt(r[0])])).as("one " + quantity + " row per seed").isTrue();
                v[Integer.parseInt(r[0])] = Double.parseDouble(r[6]);
            }
        }
        assertThat(v).doesNotContain(Double.NaN);
        return v;
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
