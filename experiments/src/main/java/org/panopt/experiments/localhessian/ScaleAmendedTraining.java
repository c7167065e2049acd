package org.panopt.experiments.localhessian;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.panopt.data.Augmentation;
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
import org.panopt.nn.BlockScales;
import org.panopt.nn.Linear;
import org.panopt.nn.Module;
import org.panopt.nn.Sequential;
import org.panopt.nn.loss.SoftmaxCrossEntropy;
import org.panopt.nn.models.VggNet;
import org.panopt.optim.ModuleObjective;
import org.panopt.optim.Optimizer;
import org.panopt.optim.UpdateRule;
import org.panopt.optim.first.Sgd;
import org.panopt.optim.scaled.AmendScales;
import org.panopt.optim.scaled.Block;
import org.panopt.optim.scaled.ScaleAmendedSgd;
import org.panopt.optim.schedule.ReduceLrOnPlateau;
import org.panopt.tensor.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Scale-amended SGD against vanilla SGD (Zhang, Chen &amp; Liu, "On the Local Hessian in Back-propagation",
 * NeurIPS 2018, §4.1 and Figure 1; seed 000, {@code spec/local-hessian.md} A.9–A.10).
 *
 * <p>The network is the paper's modified VGG: every intermediate layer is conv 3×3 → batch norm without
 * trainable parameters → ReLU, max pooling after each stage, no biases anywhere, and one linear classifier.
 * Both optimizers start from the same initialization and see the same batches (same order, same
 * augmentation draws); both use momentum 0.9, weight decay 0.005 and {@code ReduceLROnPlateau} (factor 0.5,
 * patience 10) on the validation accuracy. Scale-amended SGD divides each block's gradient (after weight
 * decay) by m·m_{b,W}, with m the product of the m_{b',z} of the blocks above — on this plain chain, the
 * backward factor at block b is K/n_b and the update of W_b is SGD's times ‖W_b‖_F²/K.
 *
 * <p><b>Learning rates.</b> SGD uses 0.1. The paper gives scale-amended SGD 0.1 on CIFAR-100 and 0.005 on
 * CIFAR-10 ("because the backward factor for the linear layer of CIFAR-10 is around 10/512"). Since
 * ‖W_b‖_F² grows in proportion to the width at PyTorch's initialization, a narrower net would take
 * proportionally smaller amended steps; the default rate is therefore the paper's rate for the number of
 * classes times 512/n_B (n_B the classifier's input width), which keeps every block's effective rate
 * η‖W_b‖_F²/K at the paper's value. {@code --sa-lr} sets it directly.
 */
@Command(name = "scale-amended-sgd", mixinStandardHelpOptions = true,
        description = "Scale-amended SGD vs vanilla SGD on a VGG net with batch norm (local-Hessian paper, Figure 1).")
public final class ScaleAmendedTraining extends ExperimentCommand {
    /** The paper's classifier input width (VGG13 on 32×32 images). */
    static final int PAPER_FEATURES = 512;

    @Mixin
    DataOptions dataOptions = new DataOptions(DataOptions.Source.FASHION_MNIST);

    @Option(names = "--width", description = "Width multiplier of VGG13's channel counts (1 = the paper's net); default ${DEFAULT-VALUE} (--full: 1).")
    double width = 0.125;

    @Option(names = "--train-size", description = "Training examples (a random subset; 0: all); default ${DEFAULT-VALUE} (--full: all).")
    int trainSize = 4000;

    @Option(names = "--test-size", description = "Test examples (a random subset; 0: all); default ${DEFAULT-VALUE} (--full: all).")
    int testSize = 2000;

    @Option(names = "--epochs", description = "Epochs of each optimizer; default ${DEFAULT-VALUE} (--full: 300, the paper's).")
    int epochs = 8;

    @Option(names = "--batch", description = "Mini-batch size (the paper does not give it); default ${DEFAULT-VALUE}.")
    int batch = 128;

    @Option(names = "--lr", description = "SGD's learning rate; default ${DEFAULT-VALUE} (the paper's).")
    double lr = 0.1;

    @Option(names = "--sa-lr", description = "Scale-amended SGD's learning rate; default: the paper's rate for the class count (0.005 for 10, 0.1 for 100) × 512/n_B.")
    Double saLr;

    @Option(names = "--momentum", description = "Momentum of both optimizers; default ${DEFAULT-VALUE}.")
    double momentum = 0.9;

    @Option(names = "--weight-decay", description = "Weight decay of both (before the amendment); default ${DEFAULT-VALUE}.")
    double weightDecay = 0.005;

    @Option(names = "--patience", description = "ReduceLROnPlateau patience in epochs; default ${DEFAULT-VALUE}.")
    int patience = 10;

    @Option(names = "--factor", description = "ReduceLROnPlateau factor; default ${DEFAULT-VALUE}.")
    double factor = 0.5;

    @Option(names = "--rotation", description = "Random rotation in ± degrees for augmentation (the paper's angle is not given; 0: none); default ${DEFAULT-VALUE}.")
    double rotation = 10;

    @Option(names = "--flip", negatable = true, description = "Random horizontal flips for augmentation; default ${DEFAULT-VALUE}.")
    boolean flip = true;

    @Option(names = "--last-layer", description = "Scalars of the classifier: SAME_AS_BN_BLOCKS (option A, the paper's 10/512) or PLAIN_LINEAR (option B); default ${DEFAULT-VALUE}.")
    ScaleAmendedSgd.LastLayer lastLayer = ScaleAmendedSgd.LastLayer.SAME_AS_BN_BLOCKS;

    private static final String SGD = "SGD";
    private static final String SA = "scale-amended SGD";

    @Override
    protected String title() {
        return "Scale-amended SGD vs vanilla SGD on a VGG net with batch norm (local-Hessian paper, Figure 1)";
    }

    /** The curves of one optimizer over the seeds: [seed][epoch]. */
    private record Curves(double[][] trainLoss, double[][] testError, double[][] lr) {
        Curves(int seeds, int epochs) {
            this(new double[seeds][epochs], new double[seeds][epochs], new double[seeds][epochs]);
        }
    }

    @Override
    protected void execute(Run run) throws Exception {
        if (common.full) {
            width = 1;
            trainSize = 0;
            testSize = 0;
            epochs = 300;
        }
        if (!(width > 0) || epochs < 1 || batch < 1 || trainSize < 0 || testSize < 0) {
            throw new IllegalArgumentException("--width " + width + " (> 0), --epochs " + epochs + ", --batch " + batch
                    + " (≥ 1), --train-size " + trainSize + ", --test-size " + testSize + " (≥ 0) are out of range");
        }
        long[] seeds = common.seedList();
        DataOptions.Loaded data = dataOptions.load(new SplittableRandom(common.seed));
        SplittableRandom pick = new SplittableRandom(common.seed + 1);
        Dataset train = subset(data.train(), trainSize, pick.split());
        Dataset test = subset(data.test(), testSize, pick.split());
        int channels = train.inputs().dim(1), size = train.inputs().dim(2), classes = data.classes();
        List<Integer> config = config(size, width);
        Module probe = model(channels, classes, size, config, new SplittableRandom(seeds[0]));
        int features = ((Linear) ((Sequential) probe).layers().getLast()).inFeatures();
        double amendedLr = saLr != null ? saLr : paperRate(classes) * PAPER_FEATURES / features;

        run.report().setting("Data: " + data.description() + "; " + train.size() + " training and " + test.size() + " test examples"
                        + (trainSize > 0 || testSize > 0 ? " (random subsets drawn by the seed)" : "") + ". "
                        + (dataOptions.data == DataOptions.Source.CIFAR10 || dataOptions.data == DataOptions.Source.CIFAR100 ? ""
                        : "Substitution: the paper trains on CIFAR-10 and CIFAR-100, which cannot be fetched here; `--data cifar10 --data-dir DIR` runs on a user's copy."))
                .setting("Model: VGG13-style " + config + " (M = max pool) at width ×" + width + " on " + size + "×" + size + " images"
                        + (size < 32 ? " (the last stage of VGG13 dropped, so the last pool leaves 1×1 as on 32×32 CIFAR)" : "")
                        + "; conv 3×3 → batch norm without γ, β → ReLU; no biases; Linear(" + features + " → " + classes + "), " + probe.parameterCount()
                        + " parameters. PyTorch's default initialization, float32.")
                .setting("Training: " + epochs + " epochs, batches of " + batch + ", momentum " + momentum + ", weight decay " + weightDecay
                        + " (before the amendment), ReduceLROnPlateau(mode max on test accuracy — the test set stands in for the unstated validation set —, factor "
                        + factor + ", patience " + patience + "); augmentation: " + (flip ? "random horizontal flip, " : "")
                        + (rotation > 0 ? "random rotation ±" + rotation + "°" : "no rotation") + " (the paper's angle is not given). Same initialization and same batches for both optimizers.")
                .setting("Learning rates: SGD " + lr + "; scale-amended SGD " + fmt(amendedLr) + (saLr != null ? " (--sa-lr)"
                        : " = the paper's " + paperRate(classes) + " for " + classes + " classes × 512/" + features + " (width correction: every block's effective rate η‖W_b‖_F²/K as in the paper)")
                        + ". Classifier scalars: " + lastLayer + ". Seeds " + Arrays.toString(seeds) + ".")
                .setting(epochs < 300 ? "Scale: the paper trains 300 epochs of the full VGG13; this run is a shortened version (`--full` runs the paper's setting)." : "Scale: the paper's 300 epochs.");

        reportBackwardFactors(run, probe, classes, "at initialization (seed " + seeds[0] + ")", "backward-factors-init");

        MetricsLog metrics = run.metrics("seed", "optimizer", "epoch", "train_loss", "test_loss", "test_error", "lr", "seconds");
        Curves sgd = new Curves(seeds.length, epochs), amended = new Curves(seeds.length, epochs);
        Module lastAmended = null;
        try (Progress progress = Progress.start("scale-amended-sgd", 2L * seeds.length * epochs)) {
            for (int s = 0; s < seeds.length; s++) {
                trainOne(SGD, seeds[s], s, channels, classes, size, config, train, test, lr, sgd, metrics, progress);
                lastAmended = trainOne(SA, seeds[s], s, channels, classes, size, config, train, test, amendedLr, amended, metrics, progress);
            }
        }
        reportBackwardFactors(run, lastAmended, classes, "after training with scale-amended SGD (seed " + seeds[seeds.length - 1] + ")", "backward-factors-final");
        reportCurves(run, sgd, amended, seeds.length);
    }

    private static Dataset subset(Dataset d, int n, SplittableRandom rng) {
        return n > 0 && n < d.size() ? d.shuffled(rng).slice(0, n) : d;
    }

    /** VGG13's configuration scaled by {@code width}, with trailing stages dropped until the pools leave at least 1×1. */
    static List<Integer> config(int imageSize, double width) {
        List<Integer> c = new ArrayList<>(VggNet.scaled(VggNet.VGG13, width));
        while (imageSize >> pools(c) < 1) {
            c.removeLast(); // the pool
            while (!c.isEmpty() && c.getLast() != VggNet.M) c.removeLast();
        }
        if (c.isEmpty()) throw new IllegalArgumentException("images of " + imageSize + "×" + imageSize + " are too small for a VGG stage");
        return List.copyOf(c);
    }

    private static int pools(List<Integer> config) {
        return (int) config.stream().filter(v -> v == VggNet.M).count();
    }

    /** The paper's scale-amended learning rate for K classes: 0.005 on CIFAR-10, 0.1 on CIFAR-100. */
    static double paperRate(int classes) {
        return switch (classes) {
            case 10 -> 0.005;
            case 100 -> 0.1;
            default -> throw new IllegalArgumentException("the paper gives scale-amended SGD's rate for 10 and 100 classes only, not " + classes + ": set --sa-lr");
        };
    }

    /** The paper's net: {@link VggNet} without affine batch norm, its classifier rebuilt without a bias. */
    static Module model(int channels, int classes, int size, List<Integer> config, SplittableRandom rng) {
        VggNet vgg = new VggNet(channels, classes, size, config, false, DType.FLOAT32, rng);
        List<Module> layers = new ArrayList<>(vgg.layers());
        Linear classifier = (Linear) layers.removeLast();
        layers.add(new Linear(classifier.inFeatures(), classes, false, DType.FLOAT32, rng));
        return new Sequential(layers);
    }

    private Module trainOne(String name, long seed, int seedIndex, int channels, int classes, int size, List<Integer> config, Dataset train, Dataset test,
                            double rate, Curves curves, MetricsLog metrics, Progress progress) {
        // The same seed gives the same initialization; the batch order and augmentation draws come from generators seeded alike.
        Module net = model(channels, classes, size, config, new SplittableRandom(seed));
        UpdateRule rule = name.equals(SGD)
                ? Sgd.builder().lr(rate).momentum(momentum).weightDecay(weightDecay).build()
                : ScaleAmendedSgd.rule(net, lastLayer).with("lr", rate, "momentum", momentum, "weight_decay", weightDecay);
        Optimizer opt = Optimizer.of(rule, net);
        ReduceLrOnPlateau plateau = ReduceLrOnPlateau.builder(opt).mode(ReduceLrOnPlateau.Mode.MAX).factor(factor).patience(patience).build();
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        SplittableRandom order = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 11);
        SplittableRandom augmentRng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 13);
        Augmentation augment = augmentation();
        int b = Math.min(batch, train.size());
        long start = System.nanoTime();
        for (int e = 0; e < epochs; e++) {
            net.train();
            double sum = 0;
            int steps = 0;
            for (Dataset mb : train.batches(b, true, true, order)) {
                var x = augment == null ? mb.inputs() : augment.apply(mb.inputs(), augmentRng);
                sum += opt.step(new ModuleObjective(net, loss, x, mb.targets()));
                steps++;
            }
            double trainLoss = sum / steps;
            Training.Evaluation ev = Training.evaluate(net, loss, test, 500, true);
            double rateNow = opt.learningRate();
            plateau.step(1 - ev.error());
            curves.trainLoss()[seedIndex][e] = trainLoss;
            curves.testError()[seedIndex][e] = ev.error();
            curves.lr()[seedIndex][e] = rateNow;
            metrics.row(seed, name, e + 1, trainLoss, ev.loss(), ev.error(), rateNow, (System.nanoTime() - start) / 1e9);
            progress.step(name + " seed " + seed + " loss " + fmt(trainLoss) + " test error " + pct(ev.error()));
        }
        return net;
    }

    private Augmentation augmentation() {
        List<Augmentation> steps = new ArrayList<>();
        if (flip) steps.add(Augmentation.horizontalFlip(0.5));
        if (rotation > 0) steps.add(Augmentation.rotation(rotation));
        return steps.isEmpty() ? null : Augmentation.compose(steps.toArray(Augmentation[]::new));
    }

    /** The scalars and backward factors of every block (printed and in the report) against the closed forms K/n_b and ‖W_b‖_F²/K. */
    private void reportBackwardFactors(Run run, Module net, int classes, String when, String csvName) {
        List<Block> blocks = Block.of(net);
        List<AmendScales.BlockFactor> factors = new AmendScales(blocks, ScaleAmendedSgd.paperScalars()).factors();
        MetricsLog csv = run.csv(csvName, "block", "weight", "rows_n_b", "m_W", "m_z", "backward_factor_m", "K_over_n_b", "weight_factor", "frobenius2_over_K");
        List<List<String>> rows = new ArrayList<>();
        double worstM = 0, worstW = 0;
        System.out.println("scale-amended-sgd: backward factors " + when);
        System.out.printf(Locale.ROOT, "  %-12s %-18s %10s %10s %12s %12s %14s %14s%n", "block", "weight", "m_W", "m_z", "m", "K/n_b", "1/(m·m_W)", "‖W‖_F²/K");
        for (int b = 0; b < blocks.size(); b++) {
            Block block = blocks.get(b);
            AmendScales.BlockFactor f = factors.get(b);
            int rowsB = block.weight().dim(0);
            double closedM = (double) classes / rowsB;
            double closedW = BlockScales.squaredFrobenius(block.weight()) / classes;
            worstM = Math.max(worstM, Math.abs(f.backwardFactor() - closedM) / closedM);
            worstW = Math.max(worstW, Math.abs(f.weightFactor() - closedW) / closedW);
            csv.row(block.name(), block.weight().shape().toString(), rowsB, f.scalars().weightScale(), f.scalars().inputScale(), f.backwardFactor(),
                    closedM, f.weightFactor(), closedW);
            System.out.printf(Locale.ROOT, "  %-12s %-18s %10.4g %10.4g %12.6g %12.6g %14.6g %14.6g%n", block.name(), block.weight().shape(),
                    f.scalars().weightScale(), f.scalars().inputScale(), f.backwardFactor(), closedM, f.weightFactor(), closedW);
            rows.add(List.of("`" + block.name() + "`", block.weight().shape().toString(), fmt(f.scalars().weightScale()), fmt(f.scalars().inputScale()),
                    fmt(f.backwardFactor()), classes + "/" + rowsB + " = " + fmt(closedM), fmt(f.weightFactor()), fmt(closedW)));
        }
        boolean initial = csvName.endsWith("init");
        run.report().section("Backward factors " + when)
                .text("Per block (input side first): m_{b,W} = 1/‖W_b‖²_{2,µ}, m_{b,z} = n_b/n_{b−1}, the backward factor m on the block's output "
                        + "(the product of the m_z above it), and the factor 1/(m·m_{b,W}) that multiplies the block's gradient.")
                .table(List.of("block", "weight", "m_W", "m_z", "backward factor m", "K/n_b", "1/(m·m_W)", "‖W_b‖_F²/K"), rows);
        if (!initial) return;
        run.result("max_relative_deviation_backward_factor", worstM);
        // The classifier passes m·m_z = K/n_{B−1} down to the blocks below it: the paper's "backward factor for the linear layer".
        double classifierFactor = factors.getLast().scalars().inputScale();
        int features = blocks.getLast().weight().dim(1);
        run.result("classifier_backward_factor", classifierFactor);
        run.report().claim(new Claim("The backward factor for the linear (classifier) layer is around 10/512 on CIFAR-10 (K/512); on a plain chain the factor on block b's output is K/n_b.",
                "the classifier multiplies the backward factor by m_z = " + fmt(classifierFactor) + " = " + classes + "/" + features
                        + (features == PAPER_FEATURES ? "" : " (" + classes + "/512 at the paper's width)") + "; largest relative deviation of m from K/n_b over "
                        + blocks.size() + " blocks: " + fmt(worstM) + ".",
                Claim.Verdict.of(worstM < 1e-9 && Math.abs(classifierFactor - (double) classes / features) < 1e-12 * classes)));
        run.report().claim(new Claim("Scale-amended SGD on such a chain is SGD with a per-block factor: δ'W_b = (‖W_b‖_F²/K)·δW_b (spec A.9, derived).",
                "largest relative deviation of 1/(m·m_{b,W}) from ‖W_b‖_F²/K: " + fmt(worstW) + (lastLayer == ScaleAmendedSgd.LastLayer.PLAIN_LINEAR
                        ? " (the table uses option A's scalars; training used option B for the classifier)" : "") + ".",
                Claim.Verdict.of(worstW < 1e-6)));
    }

    private void reportCurves(Run run, Curves sgd, Curves amended, int seeds) {
        double[] x = new double[epochs];
        for (int e = 0; e < epochs; e++) x[e] = e + 1;
        String spread = seeds > 1 ? " (mean ± one standard deviation over " + seeds + " seeds, dashed)" : "";
        LinePlot loss = new LinePlot("Training loss", "epoch", "training loss (mean over the epoch's batches)").logY()
                .band(SGD, x, Stats.meanOverRuns(sgd.trainLoss()), seeds > 1 ? Stats.stdOverRuns(sgd.trainLoss()) : null)
                .band(SA, x, Stats.meanOverRuns(amended.trainLoss()), seeds > 1 ? Stats.stdOverRuns(amended.trainLoss()) : null);
        LinePlot error = new LinePlot("Test error", "epoch", "test error").band(SGD, x, Stats.meanOverRuns(sgd.testError()), seeds > 1 ? Stats.stdOverRuns(sgd.testError()) : null)
                .band(SA, x, Stats.meanOverRuns(amended.testError()), seeds > 1 ? Stats.stdOverRuns(amended.testError()) : null);
        LinePlot rates = new LinePlot("Learning rate (ReduceLROnPlateau)", "epoch", "learning rate").logY()
                .line(SGD, x, Stats.meanOverRuns(sgd.lr())).line(SA, x, Stats.meanOverRuns(amended.lr()));

        double[] sgdLoss = Stats.meanOverRuns(sgd.trainLoss()), saLoss = Stats.meanOverRuns(amended.trainLoss());
        int below = 0;
        for (int e = 0; e < epochs; e++) if (saLoss[e] < sgdLoss[e]) below++;
        double fraction = (double) below / epochs;
        run.result("epochs_with_lower_training_loss_fraction", fraction);
        run.report().section("Learning curves").figure(run.figure(loss, "training-loss"), "Training loss of vanilla SGD and scale-amended SGD" + spread)
                .claim(new Claim("The scale-amended training loss curve is almost always lower than SGD's.",
                        "scale-amended SGD's training loss is below SGD's in " + below + " of " + epochs + " epochs (" + pct(fraction) + "); last epoch "
                                + fmt(saLoss[epochs - 1]) + " vs " + fmt(sgdLoss[epochs - 1]) + ".",
                        Claim.Verdict.of(fraction >= 0.75)));

        double[] sgdFinal = new double[seeds], saFinal = new double[seeds], diff = new double[seeds];
        for (int s = 0; s < seeds; s++) {
            sgdFinal[s] = sgd.testError()[s][epochs - 1];
            saFinal[s] = amended.testError()[s][epochs - 1];
            diff[s] = sgdFinal[s] - saFinal[s];
        }
        double meanDiff = Stats.mean(diff), stdErr = Stats.std(diff) / Math.sqrt(seeds);
        run.result("final_test_error_sgd", Stats.mean(sgdFinal));
        run.result("final_test_error_scale_amended", Stats.mean(saFinal));
        // With several seeds a difference within one standard error of the paired differences is not a finding.
        Claim.Verdict verdict = seeds > 1 && Math.abs(meanDiff) <= stdErr ? Claim.Verdict.INCONCLUSIVE : Claim.Verdict.of(meanDiff > 0);
        run.report().figure(run.figure(error, "test-error"), "Test error of both optimizers" + spread)
                .claim(new Claim("The final test error of scale-amended SGD is considerably lower than SGD's (CIFAR-10 and CIFAR-100; no numbers survive).",
                        "final test error " + pct(Stats.mean(saFinal)) + " (scale-amended) vs " + pct(Stats.mean(sgdFinal)) + " (SGD)"
                                + (seeds > 1 ? ", paired difference " + pct(meanDiff) + " ± " + pct(stdErr) + " (standard error, " + seeds + " seeds)" : ", one seed") + ".",
                        verdict))
                .figure(run.figure(rates, "learning-rate"), "Learning rates: ReduceLROnPlateau halves a rate after " + patience + " epochs without a better test accuracy");
    }

    private static String fmt(double v) {
        return MetricsLog.fmt(v);
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.2f %%", 100 * v);
    }
}
