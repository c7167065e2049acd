package org.panopt.experiments.kfac;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.panopt.experiments.DataAvailable;
import org.panopt.experiments.RunOutputs;
import org.panopt.experiments.run.Run;

class KfacAutoencoderTest {
    static final String SGD = "SGD + Nesterov (Sutskever)";

    @Test
    void tinyAutoencoderKfacLowersTheErrorFasterPerIterationThanSgd(@TempDir Path out) throws Exception {
        DataAvailable.assumeMnistDigits();
        Run run = RunOutputs.execute(out, "kfac-autoencoder", "--iterations", "15", "--train-size", "300", "--batch", "100",
                "--hidden", "32,8,32", "--eval-every", "5", "--skip-no-momentum");
        JsonNode config = RunOutputs.checkCommonFiles(run);
        assertThat(config.get("options").get("data").asText()).isEqualTo("mnist-digits");
        assertThat(run.dir().resolve("error-vs-iterations.png")).exists();
        assertThat(run.dir().resolve("error-vs-seconds.png")).exists();

        List<String[]> rows = RunOutputs.csv(run.dir().resolve("metrics.csv"));
        assertThat(rows).hasSize(1 + 3 * 4); // 3 methods × (start + iterations 5, 10, 15)
        double start = error(rows, SGD, 0);
        assertThat(error(rows, "K-FAC block-diagonal", 0)).isEqualTo(start); // the same initial weights
        double sgd = error(rows, SGD, 15), diag = error(rows, "K-FAC block-diagonal", 15), tri = error(rows, "K-FAC block-tridiagonal", 15);
        assertThat(sgd).isLessThan(start);
        assertThat(diag).isLessThan(sgd);
        assertThat(tri).isLessThan(sgd);
        // K-FAC's growing batch reaches the whole 300-image set at iteration 7 (half the run).
        for (String[] r : rows) if (r[0].startsWith("K-FAC") && Integer.parseInt(r[2]) >= 10) assertThat(r[4]).isEqualTo("300");

        // K-FAC's own trace: one row per K-FAC step (2 runs × 15 iterations), λ as the optimizer reported it.
        List<String[]> trace = RunOutputs.csv(run.dir().resolve("kfac-trace.csv"));
        assertThat(trace).hasSize(1 + 2 * 15);
        assertThat(trace.get(0)).containsExactly("method", "seed", "iteration", "lambda", "gamma", "alpha", "mu", "rho", "predicted_change", "actual_change");
        assertThat(Double.parseDouble(trace.get(1)[3])).as("λ₀").isEqualTo(1.0);
        assertThat(trace.stream().skip(1).filter(r -> !r[7].equals("NaN")).count()).as("ρ every T₁ = 5 steps").isEqualTo(2 * 3);
        assertThat(run.dir().resolve("kfac-lambda.png")).exists();
        assertThat(run.report().claims()).hasSize(3);
        String report = Files.readString(run.dir().resolve("report.md"));
        assertThat(report).contains("Substitution").contains("Not run here");
    }

    @Test
    void seedsRepeatTheComparisonAndTheFigureShowsTheSpread(@TempDir Path out) throws Exception {
        DataAvailable.assumeMnistDigits();
        Run run = RunOutputs.execute(out, "kfac-autoencoder", "--iterations", "4", "--train-size", "120", "--batch", "60",
                "--hidden", "16,4,16", "--eval-every", "2", "--skip-no-momentum", "--seed", "7", "--seeds", "2");
        JsonNode config = RunOutputs.checkCommonFiles(run);
        List<String[]> rows = RunOutputs.csv(run.dir().resolve("metrics.csv"));
        assertThat(rows).hasSize(1 + 2 * 3 * 3); // 2 seeds × 3 methods × (start + iterations 2, 4)
        // Each seed starts its methods from its own initial weights: the same error within a seed, another across seeds.
        assertThat(error(rows, "K-FAC block-tridiagonal", 7, 0)).isEqualTo(error(rows, SGD, 7, 0));
        assertThat(error(rows, SGD, 8, 0)).isNotEqualTo(error(rows, SGD, 7, 0));
        double mean = (error(rows, SGD, 7, 4) + error(rows, SGD, 8, 4)) / 2;
        assertThat(config.get("results").get("sgd_final_error").asDouble()).isCloseTo(mean, Offset.offset(1e-12 * mean));
        assertThat(Files.readString(run.dir().resolve("report.md"))).contains("mean ± one standard deviation over 2 seeds").contains("[7, 8]");
    }

    @Test
    void theAuthorsReRunsUnitsAndInitializationAreOptions(@TempDir Path out) throws Exception {
        DataAvailable.assumeMnistDigits();
        Run run = RunOutputs.execute(out, "kfac-autoencoder", "--iterations", "6", "--train-size", "120", "--batch", "60",
                "--hidden", "16,4,16", "--eval-every", "3", "--skip-no-momentum", "--units", "tanh", "--init", "pytorch");
        JsonNode config = RunOutputs.checkCommonFiles(run);
        assertThat(config.get("options").get("units").asText()).isEqualTo("tanh");
        assertThat(config.get("options").get("init").asText()).isEqualTo("pytorch");
        assertThat(config.get("command").asText()).contains("--units tanh").contains("--init pytorch");
        String report = Files.readString(run.dir().resolve("report.md"));
        assertThat(report).contains("tanh hidden units (the K-FAC authors' modern re-runs").contains("PyTorch-default initialization")
                .contains("PyTorch-default instead of sparse initialization, tanh instead of logistic hidden units");

        List<String[]> rows = RunOutputs.csv(run.dir().resolve("metrics.csv"));
        double start = error(rows, SGD, 0);
        assertThat(error(rows, "K-FAC block-diagonal", 0)).isEqualTo(start);
        assertThat(error(rows, "K-FAC block-diagonal", 6)).isLessThan(start);
        // The defaults (the paper's logistic units, sparse initialization) start elsewhere from the same seed.
        Run paper = RunOutputs.execute(out.resolve("paper"), "kfac-autoencoder", "--iterations", "1", "--train-size", "120", "--batch", "60",
                "--hidden", "16,4,16", "--eval-every", "1", "--skip-no-momentum");
        JsonNode paperConfig = RunOutputs.checkCommonFiles(paper);
        assertThat(paperConfig.get("options").get("units").asText()).isEqualTo("logistic");
        assertThat(paperConfig.get("options").get("init").asText()).isEqualTo("sparse");
        assertThat(error(RunOutputs.csv(paper.dir().resolve("metrics.csv")), SGD, 0)).isNotEqualTo(start);
        assertThat(Files.readString(paper.dir().resolve("report.md"))).contains("logistic hidden units (the paper's)")
                .contains("the paper's sparse initialization").doesNotContain("PyTorch-default").doesNotContain("tanh");
    }

    private static double error(List<String[]> rows, String method, int iteration) {
        return error(rows, method, 0, iteration);
    }

    private static double error(List<String[]> rows, String method, long seed, int iteration) {
        for (String[] r : rows) if (r[0].equals(method) && Long.parseLong(r[1]) == seed && Integer.parseInt(r[2]) == iteration) return Double.parseDouble(r[6]);
        throw new AssertionError("no row for " + method + ", seed " + seed + ", iteration " + iteration);
    }
}
