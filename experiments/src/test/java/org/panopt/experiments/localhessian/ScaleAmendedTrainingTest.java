package org.panopt.experiments.localhessian;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.List;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.panopt.experiments.DataAvailable;
import org.panopt.experiments.RunOutputs;
import org.panopt.experiments.run.Claim;
import org.panopt.experiments.run.Run;
import org.panopt.nn.Linear;
import org.panopt.nn.Module;
import org.panopt.nn.Sequential;
import org.panopt.nn.models.VggNet;

class ScaleAmendedTrainingTest {

    @Test
    void tinyRunWritesCurvesAndBackwardFactorsThatMatchKOverNb(@TempDir Path out) throws Exception {
        DataAvailable.assumeFashionMnist();
        Run run = RunOutputs.execute(out, "scale-amended-sgd", "--width", "0.0625", "--train-size", "256", "--test-size", "256", "--epochs", "2",
                "--batch", "64", "--seeds", "2");
        JsonNode config = RunOutputs.checkCommonFiles(run);
        assertThat(config.get("options").get("data").asText()).isEqualTo("fashion-mnist");

        List<String[]> rows = RunOutputs.csv(run.dir().resolve("metrics.csv"));
        assertThat(rows.getFirst()).containsExactly("seed", "optimizer", "epoch", "train_loss", "test_loss", "test_error", "lr", "seconds");
        assertThat(rows).hasSize(1 + 2 * 2 * 2); // seeds × optimizers × epochs
        for (String[] r : rows.subList(1, rows.size())) {
            assertThat(Double.parseDouble(r[3])).isFinite().isPositive();
            assertThat(Double.parseDouble(r[5])).isBetween(0.0, 1.0);
        }
        // Scale-amended SGD's rate: the paper's 0.005 for 10 classes × 512/32 (the classifier sees 32 features at width 1/16).
        assertThat(rows.stream().filter(r -> r[1].equals("scale-amended SGD")).map(r -> Double.parseDouble(r[6]))).containsOnly(0.08);

        // The structural anchors hold exactly: m = K/n_b at every block and the classifier passes K/n_{B−1} down.
        List<String[]> factors = RunOutputs.csv(run.dir().resolve("backward-factors-init.csv"));
        assertThat(factors).hasSize(1 + 9); // 8 convolutions and the classifier
        assertThat(config.get("results").get("classifier_backward_factor").asDouble()).isCloseTo(10.0 / 32, org.assertj.core.data.Offset.offset(1e-15));
        List<Claim> claims = run.report().claims();
        assertThat(claims).hasSize(4);
        assertThat(claims.subList(0, 2)).allMatch(c -> c.verdict() == Claim.Verdict.AGREES);
        String report = Files.readString(run.dir().resolve("report.md"));
        assertThat(report).contains("training-loss.png").contains("test-error.png").contains("Substitution").contains("2 seeds");
    }

    @Test
    void configKeepsThePoolsAboveOnePixel() {
        assertThat(ScaleAmendedTraining.config(32, 1)).isEqualTo(VggNet.VGG13);
        assertThat(ScaleAmendedTraining.config(28, 1)).isEqualTo(VggNet.VGG13.subList(0, 12));
        assertThat(ScaleAmendedTraining.config(28, 0.125)).containsExactly(8, 8, VggNet.M, 16, 16, VggNet.M, 32, 32, VggNet.M, 64, 64, VggNet.M);
    }

    @Test
    void theModelHasNoBiasNoAffineBatchNormAndOneInitializationPerSeed() {
        List<Integer> config = ScaleAmendedTraining.config(28, 0.0625);
        Module a = ScaleAmendedTraining.model(1, 10, 28, config, new SplittableRandom(3));
        Module b = ScaleAmendedTraining.model(1, 10, 28, config, new SplittableRandom(3));
        // Only the conv kernels and the classifier's weight are trained.
        assertThat(a.namedParameters()).hasSize(9).allMatch(p -> p.name().endsWith("weight"));
        assertThat(((Linear) ((Sequential) a).layers().getLast()).hasBias()).isFalse();
        for (int i = 0; i < a.parameters().size(); i++) {
            assertThat(a.parameters().get(i).toDoubleArray()).isEqualTo(b.parameters().get(i).toDoubleArray());
        }
    }

    @Test
    void thePaperRateIsKnownFor10And100ClassesOnly() {
        assertThat(ScaleAmendedTraining.paperRate(10)).isEqualTo(0.005);
        assertThat(ScaleAmendedTraining.paperRate(100)).isEqualTo(0.1);
        assertThatThrownBy(() -> ScaleAmendedTraining.paperRate(7)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--sa-lr");
    }
}
