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
    }
}
