package org.panopt.experiments.adaptive;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.panopt.data.Dataset;
import org.panopt.experiments.run.Claim;
import org.panopt.experiments.run.LinePlot;
import org.panopt.experiments.run.MetricsLog;
import org.panopt.experiments.run.Progress;
import org.panopt.experiments.run.Run;
import org.panopt.experiments.train.DataOptions;
import org.panopt.nn.Activation;
import org.panopt.nn.Dropout;
import org.panopt.nn.Linear;
import org.panopt.nn.Module;
import org.panopt.nn.Sequential;
import org.panopt.nn.loss.SoftmaxCrossEntropy;
import org.panopt.nn.models.LeNet5;
import org.panopt.optim.UpdateRule;
import org.panopt.optim.adaptive.AdaptiveRules;
import org.panopt.optim.first.Adam;
import org.panopt.optim.first.Sgd;
import org.panopt.tensor.DType;

/**
 * Part 3 of the adaptive-lr experiment: LeNet-5 (2 conv + 3 fully connected layers, ReLU, max pooling) with
 * dropout after the first two fully connected layers, batches of 32, from η₀ = 0.01 (Ravaut &amp; Gorti §4.2.3,
 * §5.2–5.4; spec B.7). Basic SGD against the second-order rule, its η-momentum (β = 0.9) and validation-batch
 * variants, and — from the same initial rate, as the paper's Adam comparison — Adam, SGD-HD and Adam-HD. All runs
 * start from one initialization and see the same batches and dropout masks (the validation-batch run trains on
 * 90 % of the training set and draws its probe batches from the other 10 %).
 */
final class LeNetPart {
    static final double DROPOUT = 0.5;
    static final double ETA_MOMENTUM = 0.9;
    static final double VALIDATION_FRACTION = 0.1;

    private static final String BASIC = "basic";
    private static final String SECOND = "second order";
    private static final String MOMENTUM = "second order + η-momentum";
    private static final String VALIDATION = "second order, validation batch";
    private static final String ADAM = "Adam";
    private static final String SGD_HD = "SGD-HD";
    private static final String ADAM_HD = "Adam-HD";

    private final AdaptiveLearningRate options;

    LeNetPart(AdaptiveLearningRate options) {
        this.options = options;
    }

    /** LeNet-5 of core with dropout inserted after the activations of its first two fully connected layers. */
    static Module lenet(int channels, int classes, int size, DType dtype, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        LeNet5 base = new LeNet5(channels, classes, size, Activation.Kind.RELU, true, dtype, rng);
        List<Module> layers = new ArrayList<>();
        int linears = 0;
        List<Module> in = base.layers();
        for (int i = 0; i < in.size(); i++) {
            layers.add(in.get(i));
            if (in.get(i) instanceof Linear && ++linears <= 2) {
                layers.add(in.get(++i)); // its activation
                layers.add(new Dropout(DROPOUT, new SplittableRandom(seed * 31 + linears)));
            }
        }
        return new Sequential(layers);
    }

    void run(Run run, long[] seeds, MetricsLog steps, MetricsLog epochs) throws Exception {
        double eta0 = options.eta0;
        Map<String, UpdateRule> methods = new LinkedHashMap<>();
        methods.put(BASIC, Sgd.builder().lr(eta0).build());
        methods.put(SECOND, options.secondOrder(eta0));
        methods.put(MOMENTUM, AdaptiveRules.ravautGortiSecondOrder().with("lr", eta0, "smoothing_threshold", options.smoothingThreshold, "eta_momentum", ETA_MOMENTUM));
        methods.put(VALIDATION, options.secondOrder(eta0));
        methods.put(ADAM, Adam.rule().with("lr", eta0));
        methods.put(SGD_HD, AdaptiveRules.sgdHd().with("lr", eta0));
        methods.put(ADAM_HD, AdaptiveRules.adamHd().with("lr", eta0));

        Map<String, List<TracedTraining.Result>> results = new LinkedHashMap<>();
        String description = null;
        int trainSize = 0, testSize = 0;
        try (Progress progress = Progress.start("adaptive-lr: LeNet-5", (long) seeds.length * methods.size() * options.lenetEpochs)) {
            for (long seed : seeds) {
                DataOptions.Loaded data = options.dataOptions.load(new SplittableRandom(seed));
                description = data.description();
                SplittableRandom pick = new SplittableRandom(seed + 5);
                Dataset train = centred(subset(data.train(), options.lenetTrainSize, pick.split()));
                Dataset test = centred(subset(data.test(), options.lenetTestSize, pick.split()));
                Dataset.Partition partition = train.split(VALIDATION_FRACTION, pick.split());
                trainSize = train.size();
                testSize = test.size();
                int channels = train.inputs().dim(1), size = train.inputs().dim(2);
                for (var e : methods.entrySet()) {
                    boolean probes = e.getKey().startsWith("second order");
                    boolean validation = e.getKey().equals(VALIDATION);
                    Module model = lenet(channels, data.classes(), size, DType.FLOAT32, seed);
                    Module twin = probes ? lenet(channels, data.classes(), size, DType.FLOAT64, seed) : null;
                    Dataset fit = validation ? partition.train() : train;
                    var setup = new TracedTraining.Setup(model, twin, new SoftmaxCrossEntropy(), fit, validation ? partition.validation() : null, fit, test,
                            options.lenetBatch, options.lenetEpochs, true, seed, 1e6);
                    results.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(TracedTraining.run(setup, e.getValue(), "lenet", e.getKey(), steps, epochs, progress));
                }
            }
        }
        run.report().section("3. LeNet-5 with dropout on " + options.dataOptions.data)
                .text(description + "; " + trainSize + " training and " + testSize + " test images (random subsets drawn by the seed), pixels mapped to [−1, 1] as in PyTorch's CIFAR-10 tutorial. LeNet-5 (ReLU, max pooling, "
                        + "PyTorch's initialization, float32; probes in float64) with dropout p = " + DROPOUT + " after the first two fully connected layers, batches of "
                        + options.lenetBatch + ", " + options.lenetEpochs + " epochs, every run from η₀ = α₀ = " + eta0 + ". The paper's setting is CIFAR-10 "
                        + "(59 % best test accuracy); the numbers here are not comparable with it, the pattern is. Training loss and accuracy are measured "
                        + "in evaluation mode (no dropout) on the training set after each epoch.");
        report(run, results, seeds.length);
    }

    /** Pixels in [0, 1] mapped to [−1, 1], (x − 0.5)/0.5: the normalization of PyTorch's CIFAR-10 tutorial, whose LeNet this is. */
    static Dataset centred(Dataset d) {
        return d.mapInputs(x -> x.sub(0.5).div(0.5));
    }

    private static Dataset subset(Dataset d, int n, SplittableRandom rng) {
        return n > 0 && n < d.size() ? d.shuffled(rng).slice(0, n) : d;
    }

    private void report(Run run, Map<String, List<TracedTraining.Result>> results, int seeds) {
        int epochs = options.lenetEpochs;
        double[] x = TraceStats.axis(epochs);
        String spread = seeds > 1 ? " (mean ± one standard deviation over " + seeds + " seeds, dashed)" : "";
        LinePlot accuracy = new LinePlot("LeNet-5: test accuracy", "epoch", "test accuracy");
        LinePlot trainLoss = new LinePlot("LeNet-5: training loss", "epoch", "training loss").logY();
        LinePlot testLoss = new LinePlot("LeNet-5: test loss", "epoch", "test loss");
        LinePlot eta = new LinePlot("LeNet-5: learning rate", "iteration", "η (α for the hypergradient rules)").logY();
        LinePlot batchLoss = new LinePlot("LeNet-5: training loss per iteration", "iteration", "batch loss (running mean over 50 iterations)").logY();
        List<List<String>> rows = new ArrayList<>();
        results.forEach((m, rs) -> {
            accuracy.band(m, x, accuracy(rs, TracedTraining.Result::testError), TraceStats.stdOf(rs, TracedTraining.Result::testError));
            trainLoss.band(m, x, TraceStats.meanOf(rs, TracedTraining.Result::trainLoss), TraceStats.stdOf(rs, TracedTraining.Result::trainLoss));
            testLoss.band(m, x, TraceStats.meanOf(rs, TracedTraining.Result::testLoss), TraceStats.stdOf(rs, TracedTraining.Result::testLoss));
            double[] etaTrace = TraceStats.meanOf(rs, TracedTraining.Result::stepEta);
            eta.line(m, TraceStats.axis(etaTrace.length), etaTrace);
            double[] stepLoss = TraceStats.meanOf(rs, TracedTraining.Result::stepLoss);
            batchLoss.line(m, TraceStats.axis(stepLoss.length), TraceStats.runningMean(stepLoss, 50));
            double[] acc = accuracy(rs, TracedTraining.Result::testError);
            int best = TraceStats.argmax(acc);
            rows.add(List.of(m, best < 0 ? "diverged" : pct(acc[best]) + " (epoch " + (best + 1) + ")", fmt(last(rs, TracedTraining.Result::trainLoss)),
                    fmt(last(rs, TracedTraining.Result::testLoss)), fmt(etaTrace[etaTrace.length - 1])));
        });
        run.report().figure(run.figure(accuracy, "lenet-test-accuracy"), "LeNet-5: test accuracy per epoch" + spread)
                .figure(run.figure(trainLoss, "lenet-train-loss"), "LeNet-5: training loss per epoch (evaluation mode)" + spread)
                .figure(run.figure(testLoss, "lenet-test-loss"), "LeNet-5: test loss per epoch" + spread)
                .figure(run.figure(batchLoss, "lenet-batch-loss"), "LeNet-5: batch loss per iteration (running mean)")
                .figure(run.figure(eta, "lenet-eta"), "LeNet-5: η of the second-order runs and α of the hypergradient runs per iteration")
                .table(List.of("method", "best test accuracy", "final training loss", "final test loss", "final η"), rows);

        double[] basicAcc = accuracy(results.get(BASIC), TracedTraining.Result::testError);
        double[] secondAcc = accuracy(results.get(SECOND), TracedTraining.Result::testError);
        double target = basicAcc[TraceStats.argmax(basicAcc)] - 0.005;
        int basicAt = firstAtLeast(basicAcc, target), secondAt = firstAtLeast(secondAcc, target);
        run.result("lenet_epochs_to_basic_best_basic", basicAt);
        run.result("lenet_epochs_to_basic_best_second_order", secondAt);
        run.report().claim(new Claim("The adaptive method reaches the same maximum test accuracy as basic SGD (59 %) much sooner: in < 10 epochs vs ≈ 35.",
                "basic's best test accuracy is " + pct(target + 0.005) + "; within half a point of it after " + basicAt + " epoch(s) for basic, "
                        + (secondAt < 0 ? "never within " + epochs + " epochs" : "after " + secondAt + " epoch(s)") + " for the second-order rule"
                        + (basicAt == epochs ? " (basic is still improving at the end of the run)" : "") + ".",
                secondAt < 0 ? Claim.Verdict.DISAGREES : secondAt < basicAt ? Claim.Verdict.AGREES : secondAt == basicAt ? Claim.Verdict.INCONCLUSIVE : Claim.Verdict.DISAGREES));

        double gapBasic = gap(results.get(BASIC)), gapSecond = gap(results.get(SECOND)), gapAdam = gap(results.get(ADAM));
        run.report().claim(new Claim("The adaptive run overfits more than basic SGD (its training loss falls much lower while its test loss does not).",
                "test loss − training loss at the end: " + fmt(gapSecond) + " (second order) vs " + fmt(gapBasic) + " (basic); final training loss "
                        + fmt(last(results.get(SECOND), TracedTraining.Result::trainLoss)) + " vs " + fmt(last(results.get(BASIC), TracedTraining.Result::trainLoss)) + ".",
                Claim.Verdict.of(gapSecond > gapBasic)));

        double[] etaSecond = TraceStats.meanOf(results.get(SECOND), TracedTraining.Result::stepEta);
        double rise = etaSecond[etaSecond.length - 1] / options.eta0, drift = TraceStats.lateDrift(etaSecond);
        run.result("lenet_second_order_eta_final", etaSecond[etaSecond.length - 1]);
        run.report().claim(new Claim("For LeNet the initial rate 0.01 is too low: η rises and struggles to stabilize.",
                "η ends at " + fmt(etaSecond[etaSecond.length - 1]) + " (×" + fmt(rise) + " η₀); late drift " + pct(drift)
                        + " (median of the last quarter against the third).",
                Claim.Verdict.of(rise > 2 && drift > 0.1)));

        double bestSecond = max(secondAcc), bestMomentum = max(accuracy(results.get(MOMENTUM), TracedTraining.Result::testError));
        run.report().claim(new Claim("Momentum on the learning rate (β = 0.9) brings no particular improvement.",
                "best test accuracy with η-momentum " + pct(bestMomentum) + " vs " + pct(bestSecond) + " without.",
                Claim.Verdict.of(bestMomentum <= bestSecond + 0.01)));

        double trainSecond = last(results.get(SECOND), TracedTraining.Result::trainLoss), trainValidation = last(results.get(VALIDATION), TracedTraining.Result::trainLoss);
        run.report().claim(new Claim("Taking the probes on a random validation batch optimizes the training loss more slowly.",
                "final training loss " + fmt(trainValidation) + " with validation-batch probes vs " + fmt(trainSecond) + " with training-batch probes.",
                Claim.Verdict.of(trainValidation > trainSecond)));

        double[] adamAcc = accuracy(results.get(ADAM), TracedTraining.Result::testError);
        boolean early = secondAcc[0] > adamAcc[0];
        run.report().claim(new Claim("Against Adam from the same initial rate, the adaptive method is better in the first epochs, with a wider overfitting gap.",
                "test accuracy after epoch 1: " + pct(secondAcc[0]) + " (second order) vs " + pct(adamAcc[0]) + " (Adam, lr " + options.eta0 + "); final test − training loss "
                        + fmt(gapSecond) + " vs " + fmt(gapAdam) + ".",
                Claim.Verdict.of(early && gapSecond > gapAdam)));
    }

    // Accuracy = 1 − error, per epoch, averaged over seeds.
    private static double[] accuracy(List<TracedTraining.Result> rs, Function<TracedTraining.Result, double[]> error) {
        double[] e = TraceStats.meanOf(rs, error);
        double[] a = new double[e.length];
        for (int i = 0; i < e.length; i++) a[i] = 1 - e[i];
        return a;
    }

    private static double gap(List<TracedTraining.Result> rs) {
        return last(rs, TracedTraining.Result::testLoss) - last(rs, TracedTraining.Result::trainLoss);
    }

    private static double last(List<TracedTraining.Result> rs, Function<TracedTraining.Result, double[]> trace) {
        double[] m = TraceStats.meanOf(rs, trace);
        return m[m.length - 1];
    }

    private static double max(double[] v) {
        int i = TraceStats.argmax(v);
        return i < 0 ? Double.NaN : v[i];
    }

    // The first epoch (1-based) at which v reaches level, or −1.
    private static int firstAtLeast(double[] v, double level) {
        for (int i = 0; i < v.length; i++) if (v[i] >= level) return i + 1;
        return -1;
    }

    private static String fmt(double v) {
        return MetricsLog.fmt(v);
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.2f %%", 100 * v);
    }
}
