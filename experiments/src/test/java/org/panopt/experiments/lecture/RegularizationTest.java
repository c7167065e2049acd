package org.panopt.experiments.lecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.panopt.experiments.DataAvailable;
import org.panopt.experiments.RunOutputs;
import org.panopt.experiments.run.Run;

class RegularizationTest {

    @Test
    void tinyRunFitsRandomLabelsWithoutGeneralizingAndSeparatesPenaltyFromDecay(@TempDir Path out) throws Exception {
        DataAvailable.assumeFashionMnist();
        Run run = RunOutputs.execute(out, "regularization", "--train-size", "100", "--test-size", "300", "--epochs", "40", "--batch", "50");
        JsonNode config = RunOutputs.checkCommonFiles(run);
        List<String[]> rows = RunOutputs.csv(run.dir().resolve("metrics.csv"));
        assertThat(rows).hasSize(1 + 6 * 40);
        JsonNode results = config.get("results");
        // 100 examples are memorized even with permuted labels, and the test set is not learned from them.
        assertThat(results.get("random_labels_train_accuracy").asDouble()).isGreaterThan(0.9);
        assertThat(results.get("random_labels_test_accuracy").asDouble()).isLessThan(0.25);
        assertThat(results.get("true_labels_train_accuracy").asDouble()).isGreaterThan(0.95);
        // An L2 penalty is SGD's weight decay (to rounding), and is not AdamW's.
        assertThat(results.get("sgd_penalty_vs_decay_max_relative_difference").asDouble()).isLessThan(1e-4);
        assertThat(results.get("adam_penalty_vs_adamw_max_relative_difference").asDouble()).isGreaterThan(1e-3);
        for (String f : List.of("random-labels.png", "regularizers-train.png", "regularizers-test.png")) assertThat(run.dir().resolve(f)).exists();
        assertThat(rows.get(1)[1]).as("seed column").isEqualTo("0");
    }

    @Test
    void seedsRepeatEveryRunAndTheResultsAreTheirMeans(@TempDir Path out) throws Exception {
        DataAvailable.assumeFashionMnist();
        Run run = RunOutputs.execute(out, "regularization", "--train-size", "40", "--test-size", "50", "--epochs", "3", "--batch", "20",
                "--seed", "4", "--seeds", "2");
        JsonNode config = RunOutputs.checkCommonFiles(run);
        List<String[]> rows = RunOutputs.csv(run.dir().resolve("metrics.csv"));
        assertThat(rows).hasSize(1 + 2 * 6 * 3);
        double[] finalRandomTrain = new double[2];
        for (String[] r : rows) {
            if (r[0].equals("MLP 1×512, random labels") && r[2].equals("3")) finalRandomTrain[Integer.parseInt(r[1]) - 4] = Double.parseDouble(r[4]);
        }
        assertThat(finalRandomTrain[0]).as("another seed, another run").isNotEqualTo(finalRandomTrain[1]);
        assertThat(config.get("results").get("random_labels_train_accuracy").asDouble())
                .isCloseTo((finalRandomTrain[0] + finalRandomTrain[1]) / 2, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(java.nio.file.Files.readString(run.dir().resolve("report.md"))).contains("seeds [4, 5]");
    }
}
