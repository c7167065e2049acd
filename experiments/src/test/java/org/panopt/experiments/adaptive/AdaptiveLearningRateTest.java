package org.panopt.experiments.adaptive;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.panopt.experiments.DataAvailable;
import org.panopt.experiments.RunOutputs;
import org.panopt.experiments.run.Claim;
import org.panopt.experiments.run.Run;

class AdaptiveLearningRateTest {

    @Test
    void tinyRunOfEveryPartWritesItsTracesAndHoldsTheBostonClaims(@TempDir Path out) throws Exception {
        DataAvailable.assumeBostonHousing();
        DataAvailable.assumeMnistDigits();
        DataAvailable.assumeFashionMnist();
        Run run = RunOutputs.execute(out, "adaptive-lr", "--boston-iterations", "60", "--logreg-epochs", "2", "--logreg-train-size", "512",
                "--lenet-train-size", "96", "--lenet-test-size", "64", "--lenet-epochs", "2");
        JsonNode config = RunOutputs.checkCommonFiles(run);
        assertThat(config.get("options").get("smoothing-threshold").asDouble()).isInfinite();

        List<String[]> epochs = RunOutputs.csv(run.dir().resolve("metrics.csv"));
        assertThat(epochs.getFirst()).containsExactly("part", "method", "seed", "epoch", "step", "train_loss", "train_error", "test_loss", "test_error", "eta");
        long boston = epochs.stream().filter(r -> r[0].equals("boston")).count();
        long logreg = epochs.stream().filter(r -> r[0].equals("logreg")).count();
        long lenet = epochs.stream().filter(r -> r[0].equals("lenet")).count();
        assertThat(logreg).isEqualTo(8 * 2);  // 4 Ravaut–Gorti runs + 4 of Baydin et al., 2 epochs each
        assertThat(lenet).isEqualTo(7 * 2);   // 7 methods, 2 epochs each
        assertThat(boston).isGreaterThan(3 * 60); // the three runs plus the line searches up to their divergence
        List<String[]> steps = RunOutputs.csv(run.dir().resolve("steps.csv"));
        for (String[] r : steps.subList(1, steps.size())) {
            // η is never negative or NaN: the clamp holds it at δ = 1e-6 or above (1e-10 for Boston's first-order rule).
            double eta = Double.parseDouble(r[5]);
            assertThat(eta).as(String.join(",", r)).isFinite().isGreaterThanOrEqualTo(1e-10);
        }
        for (String f : List.of("boston-train-loss", "boston-eta", "logreg-eta", "logreg-hd-lr", "lenet-test-accuracy", "lenet-eta")) {
            assertThat(run.dir().resolve(f + ".png")).exists();
        }

        // Cheap claims that already hold at this size: the line search finds 1e-6, the first-order η rises steadily,
        // the second-order η oscillates on Boston Housing.
        List<Claim> claims = run.report().claims();
        assertThat(claims).hasSize(5 + 5 + 6);
        for (int i : new int[] {0, 2, 3}) assertThat(claims.get(i).verdict()).as(claims.get(i).paper()).isEqualTo(Claim.Verdict.AGREES);
        assertThat(config.get("results").get("boston_line_search_best_lr").asDouble()).isEqualTo(1e-6);
        String report = Files.readString(run.dir().resolve("report.md"));
        assertThat(report).contains("δ is added to the second difference D at every step").contains("Substitutions").contains("2/λ_max");
    }

    @Test
    void sameSeedSameTraces(@TempDir Path out) throws Exception {
        DataAvailable.assumeBostonHousing();
        String[] args = {"adaptive-lr", "--parts", "boston", "--boston-iterations", "20"};
        Run a = RunOutputs.execute(out.resolve("a"), args);
        Run b = RunOutputs.execute(out.resolve("b"), args);
        assertThat(Files.readAllLines(a.dir().resolve("steps.csv"))).isEqualTo(Files.readAllLines(b.dir().resolve("steps.csv")));
    }

    @Test
    void ratesAreWrittenAsPeopleWriteThem() {
        assertThat(AdaptiveLearningRate.rate(0.01)).isEqualTo("0.01");
        assertThat(AdaptiveLearningRate.rate(1e-6)).isEqualTo("1e-6");
        assertThat(AdaptiveLearningRate.rate(2.5e-9)).isEqualTo("2.5e-9");
        assertThat(AdaptiveLearningRate.rate(1e-12)).isEqualTo("1e-12");
    }

    @Test
    void traceSummaries() {
        double[] rising = {1, 2, 2, 3, 4, 5, 6, 7};
        assertThat(TraceStats.nonDecreasingFraction(rising)).isEqualTo(1.0);
        assertThat(TraceStats.directionChanges(rising)).isZero();
        double[] zigzag = {1, 3, 1, 3, 1, 3, Double.NaN, 1};
        assertThat(TraceStats.directionChanges(zigzag)).isEqualTo(1.0);
        assertThat(TraceStats.range(zigzag, 0, zigzag.length)).isEqualTo(3.0);
        assertThat(TraceStats.median(new double[] {5, 1, Double.NaN, 3}, 0, 4)).isEqualTo(3.0);
        assertThat(TraceStats.lateDrift(new double[] {9, 9, 9, 9, 1, 1, 2, 2})).isEqualTo(1.0);
        assertThat(TraceStats.lateDrift(new double[] {9, 9, 9, 9, 2, 2, 2, 2})).isZero();
        assertThat(TraceStats.runningMean(new double[] {1, 3, 5}, 2)).containsExactly(1, 2, 4);
        assertThat(TraceStats.argmax(new double[] {Double.NaN, 2, 7, 7})).isEqualTo(2);
    }
}
