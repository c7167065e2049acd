package org.panopt.experiments.lecture;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Supplier;
import org.panopt.autograd.Autograd;
import org.panopt.data.Dataset;
import org.panopt.experiments.ExperimentCommand;
import org.panopt.experiments.Stats;
import org.panopt.experiments.run.Claim;
import org.panopt.experiments.run.LinePlot;
import org.panopt.experiments.run.MetricsLog;
import org.panopt.experiments.run.Progress;
import org.panopt.experiments.run.Run;
import org.panopt.experiments.train.DataOptions;
import org.panopt.experiments.train.Training;
import org.panopt.nn.Activation;
import org.panopt.nn.Dropout;
import org.panopt.nn.Linear;
import org.panopt.nn.Module;
import org.panopt.nn.Sequential;
import org.panopt.nn.loss.SoftmaxCrossEntropy;
import org.panopt.optim.Objective;
import org.panopt.optim.Optimizer;
import org.panopt.optim.UpdateRule;
import org.panopt.optim.first.Adam;
import org.panopt.optim.first.Sgd;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The lecture's regularization part (seed 003, §2; {@code spec/lecture.md}):
 * <ol>
 * <li>learning random labels (Zhang et al. 2017, the lecture's table): an over-parameterized MLP fits a
 *     training set with its true labels and with randomly permuted labels — 100 % training accuracy both
 *     times — but random labels take longer and leave test accuracy at chance;</li>
 * <li>weight decay and dropout: training and test curves of an MLP 3×512 with none, either or both;</li>
 * <li>L2 penalty vs weight decay: adding λ/2‖θ‖² to the loss is the same as weight decay for plain SGD,
 *     and not for Adam (AdamW decouples it, Loshchilov &amp; Hutter).</li>
 * </ol>
 */
@Command(name = "regularization", mixinStandardHelpOptions = true,
        description = "Random labels (Zhang et al. 2017), weight decay and dropout curves, L2 penalty vs weight decay (lecture §2).")
public final class Regularization extends ExperimentCommand {
    @Mixin
    DataOptions dataOptions = new DataOptions(DataOptions.Source.FASHION_MNIST);

    @Option(names = "--train-size", description = "Training examples (a random subset; small, so the nets can memorize it); default ${DEFAULT-VALUE}.")
    int trainSize = 1000;

    @Option(names = "--test-size", description = "Test examples (a random subset of the test set); default ${DEFAULT-VALUE}.")
    int testSize = 1000;

    @Option(names = "--epochs", description = "Epochs of every run; default ${DEFAULT-VALUE} (--full: 300).")
    int epochs = 150;

    @Option(names = "--batch", description = "Mini-batch size; default ${DEFAULT-VALUE} (Zhang et al.).")
    int batch = 128;

    @Option(names = "--lr", description = "SGD learning rate (momentum 0.9); default ${DEFAULT-VALUE} (Zhang et al. use 0.01 with far more steps).")
    double lr = 0.05;

    @Option(names = "--weight-decay", description = "Weight decay λ of the regularized runs; default ${DEFAULT-VALUE}.")
    double weightDecay = 5e-4;

    @Option(names = "--dropout", description = "Dropout probability of the regularized runs; default ${DEFAULT-VALUE}.")
    double dropout = 0.5;

    @Override
    protected String title() {
        return "Regularization: random labels, weight decay and dropout, L2 vs weight decay (lecture §2)";
    }

    private record Curves(double[] trainAcc, double[] testAcc, double[] trainLoss) {}

    /** One configuration over the seeds: the mean curves, and their standard deviations (null for one seed). */
    private record Repeated(Curves mean, Curves spread) {
        static Repeated of(List<Curves> runs) {
            Curves mean = new Curves(meanOf(runs, Curves::trainAcc), meanOf(runs, Curves::testAcc), meanOf(runs, Curves::trainLoss));
            Curves spread = runs.size() < 2 ? null
                    : new Curves(stdOf(runs, Curves::trainAcc), stdOf(runs, Curves::testAcc), stdOf(runs, Curves::trainLoss));
            return new Repeated(mean, spread);
        }

        private static double[] meanOf(List<Curves> runs, Function<Curves, double[]> f) {
            return Stats.meanOverRuns(runs.stream().map(f).toArray(double[][]::new));
        }

        private static double[] stdOf(List<Curves> runs, Function<Curves, double[]> f) {
            return Stats.stdOverRuns(runs.stream().map(f).toArray(double[][]::new));
        }

        double[] trainAccSpread() {
            return spread == null ? null : spread.trainAcc();
        }

        double[] testAccSpread() {
            return spread == null ? null : spread.testAcc();
        }
    }

    @Override
    protected void execute(Run run) throws Exception {
        if (common.full) {
            epochs = 300;
            trainSize = 10000;
        }
        long[] seeds = common.seedList();
        MetricsLog metrics = run.metrics("run", "seed", "epoch", "train_loss", "train_accuracy", "test_accuracy");
        Map<String, List<Curves>> runs = new LinkedHashMap<>();
        Dataset penaltyBatch = null; // the first seed's: the penalty-vs-decay comparison is deterministic, run once
        int penaltyIn = 0, penaltyClasses = 0;
        try (Progress progress = Progress.start("regularization", 6L * epochs * seeds.length)) {
            for (long seed : seeds) {
                // Every seed draws its own subsets, label permutation, initializations and batch orders.
                SplittableRandom dataRng = new SplittableRandom(seed);
                DataOptions.Loaded data = dataOptions.load(dataRng.split());
                Dataset train = data.train().shuffled(dataRng.split()).slice(0, Math.min(trainSize, data.train().size())).flattenInputs();
                Dataset test = data.test().shuffled(dataRng.split()).slice(0, Math.min(testSize, data.test().size())).flattenInputs();
                Dataset randomTrain = new Dataset(train.inputs(), permuted(train.targets(), dataRng.split()));
                int in = train.inputs().dim(1), classes = data.classes();
                if (seed == seeds[0]) {
                    run.report().setting("Data: " + data.description() + "; a random " + train.size() + "-example training subset and " + test.size()
                                    + " test examples. Substitution: the lecture's table (Zhang et al. 2017) is on CIFAR-10 (not obtainable here).")
                            .setting("Training: SGD, learning rate " + lr + ", momentum 0.9, batches of " + batch + ", " + epochs + " epochs, ReLU, "
                                    + "PyTorch default initialization, softmax cross-entropy, float32, "
                                    + (seeds.length > 1 ? "seeds " + Arrays.toString(seeds) + " (each draws its own subsets, label permutation, "
                                    + "initializations and batch orders; figures show the mean ± one standard deviation)" : "seed " + seed) + ".");
                    penaltyBatch = train.slice(0, Math.min(256, train.size()));
                    penaltyIn = in;
                    penaltyClasses = classes;
                }
                for (Config c : CONFIGS) {
                    runs.computeIfAbsent(c.name(), k -> new ArrayList<>())
                            .add(train(c, seed, c.randomLabels() ? randomTrain : train, test, in, classes, metrics, progress));
                }
            }
        }
        Map<String, Repeated> curves = new LinkedHashMap<>();
        runs.forEach((name, perSeed) -> curves.put(name, Repeated.of(perSeed)));
        reportRandomLabels(run, curves);
        reportRegularizers(run, curves);
        reportPenaltyVsDecay(run, penaltyBatch, penaltyIn, penaltyClasses);
    }

    /** One training run of the comparison: an MLP with these hidden widths, weight decay and dropout, on true or permuted labels. */
    private record Config(String name, List<Integer> hidden, boolean regularizedDecay, boolean regularizedDropout, boolean randomLabels) {}

    private static final List<Config> CONFIGS = List.of(
            new Config("MLP 1×512, true labels", List.of(512), false, false, false),
            new Config("MLP 1×512, random labels", List.of(512), false, false, true),
            new Config("MLP 3×512", List.of(512, 512, 512), false, false, false),
            new Config("MLP 3×512, weight decay", List.of(512, 512, 512), true, false, false),
            new Config("MLP 3×512, dropout", List.of(512, 512, 512), false, true, false),
            new Config("MLP 3×512, both", List.of(512, 512, 512), true, true, false));

    private static Tensor permuted(Tensor labels, SplittableRandom rng) {
        double[] y = labels.toDoubleArray();
        for (int i = y.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            double t = y[i];
            y[i] = y[j];
            y[j] = t;
        }
        return Tensor.of(y).to(labels.dtype());
    }

    private Module mlp(List<Integer> hidden, double p, int in, int classes, SplittableRandom rng) {
        List<Module> layers = new ArrayList<>();
        int width = in;
        for (int h : hidden) {
            layers.add(new Linear(width, h, true, DType.FLOAT32, rng));
            layers.add(Activation.relu());
            if (p > 0) layers.add(new Dropout(p, rng.split()));
            width = h;
        }
        layers.add(new Linear(width, classes, true, DType.FLOAT32, rng));
        return new Sequential(layers);
    }

    private Curves train(Config c, long seed, Dataset train, Dataset test, int in, int classes, MetricsLog metrics, Progress progress) {
        String name = c.name();
        double wd = c.regularizedDecay() ? weightDecay : 0;
        SplittableRandom rng = new SplittableRandom(seed + 17);
        Module net = mlp(c.hidden(), c.regularizedDropout() ? dropout : 0, in, classes, rng.split());
        Optimizer opt = Optimizer.of(Sgd.builder().lr(lr).momentum(0.9).weightDecay(wd).build(), net);
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        SplittableRandom batches = rng.split();
        double[] trainAcc = new double[epochs], testAcc = new double[epochs], trainLoss = new double[epochs];
        for (int e = 0; e < epochs; e++) {
            trainLoss[e] = Training.epoch(net, loss, opt, train, Math.min(batch, train.size()), batches, null);
            trainAcc[e] = 1 - Training.evaluate(net, loss, train, 1000, true).error();
            testAcc[e] = 1 - Training.evaluate(net, loss, test, 1000, true).error();
            metrics.row(name, seed, e + 1, trainLoss[e], trainAcc[e], testAcc[e]);
            progress.step(name + " train " + pct(trainAcc[e]) + " test " + pct(testAcc[e]));
        }
        return new Curves(trainAcc, testAcc, trainLoss);
    }

    private double[] epochAxis() {
        double[] x = new double[epochs];
        for (int e = 0; e < epochs; e++) x[e] = e + 1;
        return x;
    }

    // The first epoch (1-based) at which training accuracy reaches `level`, or -1.
    private static int epochsTo(double[] acc, double level) {
        for (int e = 0; e < acc.length; e++) if (acc[e] >= level) return e + 1;
        return -1;
    }

    private void reportRandomLabels(Run run, Map<String, Repeated> c) {
        Repeated tr = c.get("MLP 1×512, true labels"), rr = c.get("MLP 1×512, random labels");
        Curves t = tr.mean(), r = rr.mean();
        LinePlot plot = new LinePlot("Fitting true and random labels (MLP 1×512)", "epoch", "accuracy")
                .band("train, true labels", epochAxis(), t.trainAcc(), tr.trainAccSpread()).band("test, true labels", epochAxis(), t.testAcc(), tr.testAccSpread())
                .band("train, random labels", epochAxis(), r.trainAcc(), rr.trainAccSpread()).band("test, random labels", epochAxis(), r.testAcc(), rr.testAccSpread());
        String f = run.figure(plot, "random-labels");
        run.report().section("Learning random labels").figure(f, "Training and test accuracy with true and randomly permuted labels");
        double tFinal = t.trainAcc()[epochs - 1], rFinal = r.trainAcc()[epochs - 1], rTest = r.testAcc()[epochs - 1];
        int tEpochs = epochsTo(t.trainAcc(), 0.99), rEpochs = epochsTo(r.trainAcc(), 0.99);
        run.result("true_labels_train_accuracy", tFinal);
        run.result("random_labels_train_accuracy", rFinal);
        run.result("random_labels_test_accuracy", rTest);
        run.report().claim(new Claim("An over-parameterized MLP (1×512) fits its training set with true labels and with random labels (100 % and 99.34 % training accuracy).",
                "training accuracy " + pct(tFinal) + " with true labels, " + pct(rFinal) + " with random labels after " + epochs + " epochs.",
                Claim.Verdict.of(tFinal >= 0.99 && rFinal >= 0.95)));
        run.report().claim(new Claim("Random labels take longer to fit (convergence slows down).",
                "99 % training accuracy after " + reached(tEpochs) + " with true labels and " + reached(rEpochs) + " with random labels.",
                tEpochs < 0 ? Claim.Verdict.INCONCLUSIVE : Claim.Verdict.of(rEpochs < 0 || rEpochs > tEpochs)));
        double chance = 1.0 / 10;
        run.report().claim(new Claim("With random labels the test accuracy stays at chance: memorization without generalization.",
                "test accuracy " + pct(rTest) + " with random labels (chance: " + pct(chance) + "), against " + pct(t.testAcc()[epochs - 1]) + " with true labels.",
                Claim.Verdict.of(Math.abs(rTest - chance) < 0.05)));
    }

    private static String reached(int epochs) {
        return epochs < 0 ? "never (within the run)" : epochs + " epochs";
    }

    private void reportRegularizers(Run run, Map<String, Repeated> repeated) {
        Map<String, Curves> c = new LinkedHashMap<>();
        repeated.forEach((name, r) -> c.put(name, r.mean()));
        List<String> names = List.of("MLP 3×512", "MLP 3×512, weight decay", "MLP 3×512, dropout", "MLP 3×512, both");
        LinePlot train = new LinePlot("Training accuracy, MLP 3×512", "epoch", "training accuracy");
        LinePlot test = new LinePlot("Test accuracy, MLP 3×512", "epoch", "test accuracy");
        List<List<String>> rows = new ArrayList<>();
        for (String n : names) {
            train.band(n, epochAxis(), c.get(n).trainAcc(), repeated.get(n).trainAccSpread());
            test.band(n, epochAxis(), c.get(n).testAcc(), repeated.get(n).testAccSpread());
            rows.add(List.of(n, pct(c.get(n).trainAcc()[epochs - 1]), pct(c.get(n).testAcc()[epochs - 1])));
        }
        run.report().section("Weight decay and dropout")
                .figure(run.figure(train, "regularizers-train"), "Training accuracy with and without weight decay (λ = " + weightDecay + ") and dropout (p = " + dropout + ")")
                .figure(run.figure(test, "regularizers-test"), "Test accuracy of the same runs")
                .table(List.of("run", "final training accuracy", "final test accuracy"), rows);
        double none = c.get(names.get(0)).testAcc()[epochs - 1], wd = c.get(names.get(1)).testAcc()[epochs - 1];
        double noneTrain = c.get(names.get(0)).trainAcc()[epochs - 1], wdTrain = c.get(names.get(1)).trainAcc()[epochs - 1];
        run.report().claim(new Claim("Explicit regularization is not what makes the MLP fit or generalize: with and without weight decay it reaches 100 % training accuracy and test accuracy within about one point (53.35 % vs 52.39 % for the MLP 3×512).",
                "without / with weight decay: training accuracy " + pct(noneTrain) + " / " + pct(wdTrain) + ", test accuracy " + pct(none) + " / " + pct(wd) + ".",
                Claim.Verdict.of(noneTrain >= 0.99 && wdTrain >= 0.99 && Math.abs(none - wd) <= 0.03)));
    }

    // One epoch-sized sequence of steps from one initialization: loss + λ/2‖θ‖² with the plain rule vs the rule's own decay.
    private void reportPenaltyVsDecay(Run run, Dataset batchData, int in, int classes) {
        double lambda = 1e-2;
        int steps = 20;
        double sgd = divergence(Sgd.builder().lr(0.05).build(), Sgd.builder().lr(0.05).weightDecay(lambda).build(), lambda, steps, batchData, in, classes);
        double adam = divergence(Adam.rule().with("lr", 1e-3), Adam.adamW().with("lr", 1e-3, "weight_decay", lambda), lambda, steps, batchData, in, classes);
        run.result("sgd_penalty_vs_decay_max_relative_difference", sgd);
        run.result("adam_penalty_vs_adamw_max_relative_difference", adam);
        run.report().section("L2 penalty vs weight decay").text("Two copies of one network take " + steps + " steps on the same batch: one minimizes L + λ/2‖θ‖² "
                        + "(λ = " + lambda + ") with the plain rule, the other minimizes L with the rule's weight decay. Largest relative difference of the weights afterwards:")
                .table(List.of("rule", "max |θ₁ − θ₂| / max |θ|"), List.of(List.of("SGD (weight_decay)", MetricsLog.fmt(sgd)), List.of("Adam + penalty vs AdamW", MetricsLog.fmt(adam))))
                .claim(new Claim("An L2 penalty and weight decay are the same thing for plain gradient descent, and differ for adaptive methods (hence AdamW).",
                        "SGD: relative difference " + MetricsLog.fmt(sgd) + " (float32 rounding); Adam vs AdamW: " + MetricsLog.fmt(adam) + ".",
                        Claim.Verdict.of(sgd < 1e-4 && adam > 1e-3)));
    }

    private double divergence(UpdateRule penalized, UpdateRule decayed, double lambda, int steps, Dataset b, int in, int classes) {
        Module a = mlp(List.of(64), 0, in, classes, new SplittableRandom(common.seed + 5));
        Module d = mlp(List.of(64), 0, in, classes, new SplittableRandom(common.seed + 5));
        Optimizer oa = Optimizer.of(penalized, a), od = Optimizer.of(decayed, d);
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        for (int s = 0; s < steps; s++) {
            Supplier<Tensor> withPenalty = () -> {
                Tensor l = loss.loss(a.forward(b.inputs()), b.targets());
                for (Tensor p : a.parameters()) l = l.add(p.square().sum().mul(lambda / 2));
                return l;
            };
            oa.step(Objective.of(a.parameters(), withPenalty));
            od.step(Objective.of(d.parameters(), () -> loss.loss(d.forward(b.inputs()), b.targets())));
        }
        return Autograd.noGrad(() -> {
            double diff = 0, scale = 0;
            for (int i = 0; i < a.parameters().size(); i++) {
                diff = Math.max(diff, a.parameters().get(i).sub(d.parameters().get(i)).abs().max().item());
                scale = Math.max(scale, a.parameters().get(i).abs().max().item());
            }
            return diff / scale;
        });
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.2f %%", 100 * v);
    }
}
