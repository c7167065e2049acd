package org.panopt.experiments.lecture;

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

class VanishingGradientsTest {

    @Test
    void tinyRunWritesEverythingAndShowsTheVanishingSigmoidGradient(@TempDir Path out) throws Exception {
        Run run = RunOutputs.execute(out, "vanishing-gradients", "--depth", "8", "--width", "48", "--batch", "32", "--seeds", "2");
        JsonNode config = RunOutputs.checkCommonFiles(run);
        assertThat(config.get("options").get("depth").asInt()).isEqualTo(8);
        assertThat(config.get("options").get("seeds").asInt()).isEqualTo(2);

        List<String[]> rows = RunOutputs.csv(run.dir().resolve("metrics.csv"));
        assertThat(rows.getFirst()).containsExactly("seed", "activation", "init", "layer", "grad_norm", "preactivation_std", "activation_std");
        assertThat(rows).hasSize(1 + 2 * 3 * 5 * 8);
        for (String[] r : rows.subList(1, rows.size())) assertThat(Double.parseDouble(r[4])).isFinite().isGreaterThanOrEqualTo(0);
        for (String act : List.of("sigmoid", "tanh", "relu")) assertThat(run.dir().resolve("grad-norms-" + act + ".png")).exists();

        // The cheap claims hold even at this size: sigmoid with small weights vanishes; He keeps ReLU within 10×.
        double sigmoidSmall = config.get("results").get("sigmoid_small_per_layer_factor").asDouble();
        assertThat(sigmoidSmall).isLessThan(0.1);
        assertThat(config.get("results").get("relu_he_spread").asDouble()).isLessThan(10);
        assertThat(run.report().claims()).isNotEmpty().allMatch(c -> c.verdict() != Claim.Verdict.INCONCLUSIVE);
        assertThat(Files.readString(run.dir().resolve("report.md"))).contains("![").contains("grad-norms-tanh.png").contains("Substitution");
    }

    @Test
    void sameSeedSameNumbers(@TempDir Path out) throws Exception {
        String[] args = {"vanishing-gradients", "--depth", "4", "--width", "16", "--batch", "8", "--activations", "tanh", "--inits", "xavier"};
        Run a = RunOutputs.execute(out.resolve("a"), args);
        Run b = RunOutputs.execute(out.resolve("b"), args);
        assertThat(Files.readAllLines(a.dir().resolve("metrics.csv"))).isEqualTo(Files.readAllLines(b.dir().resolve("metrics.csv")));
    }
}
