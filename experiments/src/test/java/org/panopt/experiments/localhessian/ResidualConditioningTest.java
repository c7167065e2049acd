package org.panopt.experiments.localhessian;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.panopt.experiments.ChildCli;
import org.panopt.experiments.DataAvailable;
import org.panopt.experiments.RunOutputs;
import org.panopt.experiments.run.Run;

class ResidualConditioningTest {

    @Test
    void conditioningPartHoldsRemark1AndOrdersTheSkips(@TempDir Path out) throws Exception {
        Run run = RunOutputs.execute(out, "residual-conditioning", "--width", "16", "--depth", "6", "--samples", "3", "--epochs", "0");
        JsonNode config = RunOutputs.checkCommonFiles(run);
        assertThat(config.get("options").get("width").asInt()).isEqualTo(16);
        List<String[]> rows = RunOutputs.csv(run.dir().resolve("metrics.csv"));
        // 11 branch scales × 4 skips × 3 inputs, then 6 depths × 4 skips × 3 inputs.
        assertThat(rows).hasSize(1 + 11 * 4 * 3 + 6 * 4 * 3);
        assertThat(run.dir().resolve("condition-vs-branch-scale.png")).exists();
        assertThat(run.dir().resolve("condition-vs-depth.png")).exists();
        assertThat(run.dir().resolve("training.csv")).doesNotExist();

        JsonNode results = config.get("results");
        // Remark 1 is a theorem: wherever its assumptions hold, eq. 15 must.
        int cases = results.get("remark1_cases").asInt();
        assertThat(cases).isPositive();
        assertThat(results.get("remark1_holds").asInt()).isEqualTo(cases);
        // (Q + J)ᵀ(Q + J) = (I + QᵀJ)ᵀ(I + QᵀJ) with σ_max(QᵀJ) = σ_max(J): the same bound, always.
        assertThat(results.get("orthogonal_within_remark1_bound").asInt()).isEqualTo(cases);
        // A stack of identity-skip blocks stays far better conditioned than a plain stack.
        assertThat(results.get("depth_condition_none").asDouble()).isGreaterThan(100 * results.get("depth_condition_identity").asDouble());
        assertThat(results.get("depth_condition_nonorthogonal").asDouble()).isGreaterThan(results.get("depth_condition_identity").asDouble());
        assertThat(Files.readString(run.dir().resolve("report.md"))).contains("Remark 1").contains("condition-vs-depth.png");
    }

    @Test
    void tinyTrainingWritesCurvesForEverySkip(@TempDir Path out) throws Exception {
        DataAvailable.assumeFashionMnist();
        Run run = RunOutputs.execute(out, "residual-conditioning", "--width", "8", "--depth", "4", "--samples", "1", "--epochs", "2",
                "--train-size", "256", "--test-size", "128", "--batch", "32");
        JsonNode config = RunOutputs.checkCommonFiles(run);
        assertThat(config.get("options").get("data").asText()).isEqualTo("fashion-mnist");
        List<String[]> rows = RunOutputs.csv(run.dir().resolve("training.csv"));
        assertThat(rows).hasSize(1 + 4 * 2);
        for (String[] r : rows.subList(1, rows.size())) assertThat(Double.parseDouble(r[3])).isFinite().isPositive();
        for (String skip : List.of("identity", "orthogonal", "non-orthogonal", "none")) {
            assertThat(config.get("results").has("final_train_loss_" + skip)).as(skip).isTrue();
        }
        assertThat(run.dir().resolve("training-loss.png")).exists();
        assertThat(run.dir().resolve("test-error.png")).exists();
        assertThat(Files.readString(run.dir().resolve("report.md"))).contains("Orhan & Pitkow").contains("Substitution");
    }

    /**
     * The same seed trains the same networks bit for bit in two JVMs, one of them compiling with C2 twenty times
     * earlier than the other (the kernels' results must not depend on what the JIT has compiled by which step).
     * Before panopt had its own exp and fixed-order sums, two runs of exactly this differed from epoch 2 on.
     */
    @Test
    void sameSeedGivesBitIdenticalTrainingInTwoJvms(@TempDir Path out) throws Exception {
        DataAvailable.assumeFashionMnist();
        String[] args = {"residual-conditioning", "--samples", "1", "--epochs", "4"};
        Path a = ChildCli.run(List.of(), out.resolve("a"), 600, args);
        Path b = ChildCli.run(List.of("-XX:CompileThresholdScaling=0.05"), out.resolve("b"), 600, args);
        List<String> training = Files.readAllLines(a.resolve("training.csv"));
        assertThat(training).hasSize(1 + 4 * 4);
        assertThat(Files.readAllLines(b.resolve("training.csv"))).isEqualTo(training);
        assertThat(Files.readAllLines(b.resolve("metrics.csv"))).isEqualTo(Files.readAllLines(a.resolve("metrics.csv")));
    }
}
