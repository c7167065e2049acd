package org.panopt.experiments.localhessian;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.panopt.experiments.RunOutputs;
import org.panopt.experiments.run.Claim;
import org.panopt.experiments.run.Run;

class LocalHessianSpectraTest {

    @Test
    void tinyRunWritesEverythingAndOrthogonalEigenvaluesAreOne(@TempDir Path out) throws Exception {
        Run run = RunOutputs.execute(out, "local-hessian-spectra", "--inputs", "60", "--ratios", "0.5,2", "--batch", "120", "--seeds", "2");
        JsonNode config = RunOutputs.checkCommonFiles(run);
        assertThat(config.get("options").get("inputs").asInt()).isEqualTo(60);

        List<String[]> rows = RunOutputs.csv(run.dir().resolve("metrics.csv"));
        assertThat(rows.getFirst()).startsWith("seed", "c", "weights", "n_out", "n_in");
        assertThat(rows).hasSize(1 + 2 * 2 * 3); // seeds × ratios × {gaussian, bn, orthogonal}
        // Every H_z is 60 × 60: 60 eigenvalues per (seed, c, kind).
        assertThat(RunOutputs.csv(run.dir().resolve("eigenvalues.csv"))).hasSize(1 + 2 * 2 * 3 * 60);
        for (String f : List.of("spectrum-c0_5.png", "spectrum-c2.png", "condition-numbers.png", "remark2-scale-invariance.png")) {
            assertThat(run.dir().resolve(f)).exists();
        }

        JsonNode results = config.get("results");
        // Orthonormal rows (c = 0.5): 30 ones and 30 zeros; orthonormal columns (c = 2): H_z = I.
        assertThat(results.get("orthogonal_max_deviation_from_one").asDouble()).isLessThan(1e-10);
        assertThat(results.get("orthogonal_zero_counts_match").asBoolean()).isTrue();
        // Remark 2: BN's H_z does not move under W → αW; WᵀW scales exactly with α².
        assertThat(results.get("remark2_bn_max_relative_change").asDouble()).isLessThan(1e-9);
        assertThat(results.get("remark2_plain_deviation_from_alpha_squared").asDouble()).isLessThan(1e-9);
        // Even 60 × 60 spectra are close to Marchenko–Pastur (random-matrix spectra are rigid).
        assertThat(results.get("ks_gaussian_c0.5").asDouble()).isLessThan(LocalHessianSpectra.KS_AGREEMENT);
        assertThat(results.get("ks_bn_c2").asDouble()).isLessThan(LocalHessianSpectra.KS_AGREEMENT);
        assertThat(run.report().claims()).hasSize(2 + 3).allMatch(c -> c.verdict() != Claim.Verdict.INCONCLUSIVE);
        String report = Files.readString(run.dir().resolve("report.md"));
        assertThat(report).contains("![").contains("spectrum-c0_5.png").contains("Marchenko–Pastur");
    }

    @Test
    void sameSeedSameNumbers(@TempDir Path out) throws Exception {
        String[] args = {"local-hessian-spectra", "--inputs", "20", "--ratios", "0.5", "--batch", "40"};
        Run a = RunOutputs.execute(out.resolve("a"), args);
        Run b = RunOutputs.execute(out.resolve("b"), args);
        assertThat(Files.readAllLines(a.dir().resolve("metrics.csv"))).isEqualTo(Files.readAllLines(b.dir().resolve("metrics.csv")));
    }
}
