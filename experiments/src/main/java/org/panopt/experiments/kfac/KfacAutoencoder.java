package org.panopt.experiments.kfac;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
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
import org.panopt.nn.Activation;
import org.panopt.nn.loss.Reduction;
import org.panopt.nn.loss.SigmoidCrossEntropy;
import org.panopt.nn.models.DeepAutoencoder;
import org.panopt.optim.ModuleObjective;
import org.panopt.optim.Optimizer;
import org.panopt.optim.averaging.ExponentialAverage;
import org.panopt.optim.first.SutskeverNesterov;
import org.panopt.optim.kfac.GrowingBatchSchedule;
import org.panopt.optim.kfac.Kfac;
import org.panopt.optim.kfac.KfacReport;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The K-FAC paper's deep-autoencoder comparison (Martens &amp; Grosse 2015, §13 of the arXiv version;
 * {@code shared/spec/kfac.md} §8): K-FAC with the block-diagonal and the block-tridiagonal inverse (with
 * momentum, and the block-diagonal one also without) against SGD with Nesterov momentum and the μ schedule of
 * Sutskever et al. (2013), all from the same initial weights. Reported, as in the paper, is the training-set
 * squared reconstruction error Σ_j (σ(z_j) − x_j)² per case, against iterations and against seconds of
 * optimizer time (evaluation excluded). K-FAC draws its batches from the paper's exponentially growing
 * schedule (m₁ → the whole training set at iteration K); SGD uses a fixed batch (the paper's baseline).
 * The paper's iterate averaging (exponential, ξ = 0.99) is evaluated beside the block-diagonal run. The
 * network has the paper's logistic hidden units and sparse initialization unless {@code --units tanh} and
 * {@code --init pytorch} ask for the authors' modern re-runs' choices (at the paper's widths those sit on the
 * mean-image plateau for ≈ 100 iterations and reverse the tridiagonal-vs-diagonal order; see the README).
 */
@Command(name = "kfac-autoencoder", mixinStandardHelpOptions = true,
        description = "Deep autoencoder: K-FAC (block-diagonal, block-tridiagonal, with/without momentum) vs SGD with Sutskever–Nesterov momentum; reconstruction error vs iterations and seconds.")
public final class KfacAutoencoder extends ExperimentCommand {
    static final List<Integer> PAPER_WIDTHS = List.of(784, 1000, 500, 250, 30, 250, 500, 1000, 784);

    @Mixin
    DataOptions dataOptions = new DataOptions(DataOptions.Source.MNIST_DIGITS);

    @Option(names = "--hidden", split = ",", description = "Hidden widths, encoder through code through decoder; default ${DEFAULT-VALUE} (--full: the paper's 1000,500,250,30,250,500,1000).")
    List<Integer> hidden = List.of(200, 100, 30, 100, 200);

    @Option(names = "--iterations", description = "Iterations of every method; default ${DEFAULT-VALUE} (--full: 5000).")
    int iterations = 150;

    @Option(names = "--train-size", description = "Training examples used (0: all); default ${DEFAULT-VALUE} (--full: all).")
    int trainSize = 2000;

    @Option(names = "--batch", description = "SGD's fixed batch and K-FAC's first batch m₁; default ${DEFAULT-VALUE} (the paper: 500 and 1000).")
    int batch = 250;

    @Option(names = "--full-batch-at", description = "Iteration K at which K-FAC's growing batch reaches the whole training set (0: half the iterations); default ${DEFAULT-VALUE} (the paper: 500).")
    int fullBatchAt = 0;

    @Option(names = "--sgd-lr", description = "SGD's learning rate ε; default ${DEFAULT-VALUE}.")
    double sgdLr = 0.01;

    @Option(names = "--sgd-momentum", description = "SGD's μ_max; default ${DEFAULT-VALUE} (Sutskever et al.'s grid: 0.999 … 0).")
    double sgdMomentum = 0.99;

    @Option(names = "--lambda", description = "K-FAC's initial damping λ₀; default ${DEFAULT-VALUE} (the paper: 150, for runs of thousands of iterations).")
    double lambda = 1.0;

    @Option(names = "--eval-every", description = "Evaluate the training-set error every N iterations; default ${DEFAULT-VALUE}.")
    int evalEvery = 5;

    @Option(names = "--skip-no-momentum", description = "Leave out the block-diagonal K-FAC run without momentum.")
    boolean skipNoMomentum;

    /** The hidden units: the paper's logistic sigmoid, or tanh as in the authors' re-runs; named in lower case. */
    enum Units {
        LOGISTIC(Activation.Kind.SIGMOID), TANH(Activation.Kind.TANH);

        final Activation.Kind kind;

        Units(Activation.Kind kind) {
            this.kind = kind;
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    @Option(names = "--units", description = "Hidden units: logistic (the paper's) or tanh (the authors' re-runs: tensorflow/kfac, kfac-jax); default ${DEFAULT-VALUE}.")
    Units units = Units.LOGISTIC;

    /** The initial weights: the paper's sparse initialization (Martens 2010), or PyTorch's default; named in lower case. */
    enum Init {
        SPARSE, PYTORCH;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    @Option(names = "--init", description = "Initial weights: sparse (the paper's, Martens 2010: 15 non-zero N(0, 1) incoming weights per unit, zero biases) or pytorch (PyTorch's default for Linear, as in the authors' re-runs); default ${DEFAULT-VALUE}.")
    Init init = Init.SPARSE;

    @Override
    protected String title() {
        return "K-FAC vs SGD with Nesterov momentum on a deep autoencoder (Martens & Grosse 2015)";
    }

    /** One optimizer of the comparison. */
    private record Method(String label, boolean kfac, boolean tridiagonal, boolean momentum) {}

    /**
     * A method's curve: iterations, seconds, error and the averaged iterate's error (NaN when not kept); over
     * several seeds, the mean of each (every seed logs the same iterations) with the error's standard deviation.
     */
    private record Curve(List<Double> iteration, List<Double> seconds, List<Double> error, List<Double> averaged, List<Double> errorSpread,
                         List<Double> lambda) {
        Curve() {
            this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }

        void add(double k, double secs, double err, double avg) {
            iteration.add(k);
            seconds.add(secs);
            error.add(err);
            averaged.add(avg);
            errorSpread.add(0.0);
        }

        /** Position by position, the mean over the seeds' curves and the error's standard deviation (λ: the first seed's). */
        static Curve meanOf(List<Curve> runs) {
            Curve mean = new Curve();
            mean.lambda().addAll(runs.getFirst().lambda());
            for (int i = 0; i < runs.getFirst().error().size(); i++) {
                final int at = i;
                double[] err = runs.stream().mapToDouble(c -> c.error().get(at)).toArray();
                mean.iteration().add(runs.getFirst().iteration().get(at));
                mean.seconds().add(Stats.mean(runs.stream().mapToDouble(c -> c.seconds().get(at)).toArray()));
                mean.error().add(Stats.mean(err));
                mean.averaged().add(Stats.mean(runs.stream().mapToDouble(c -> c.averaged().get(at)).toArray()));
                mean.errorSpread().add(Stats.std(err));
            }
            return mean;
        }

        double last() {
            return error.getLast();
        }

        /** The first logged iteration (and second) at which the error is ≤ target, or NaN. */
        double[] firstReaching(double target) {
            for (int i = 0; i < error.size(); i++) if (error.get(i) <= target) return new double[] {iteration.get(i), seconds.get(i)};
            return new double[] {Double.NaN, Double.NaN};
        }
    }

    @Override
    protected void execute(Run run) throws Exception {
        if (common.full) {
            hidden = PAPER_WIDTHS.subList(1, PAPER_WIDTHS.size() - 1);
            iterations = Math.max(iterations, 5000);
            trainSize = 0;
            batch = 500;
            fullBatchAt = 500;
            lambda = 150;
        }
        if (iterations < 1) throw new IllegalArgumentException("--iterations " + iterations + " must be ≥ 1");
        if (evalEvery < 1) throw new IllegalArgumentException("--eval-every " + evalEvery + " must be ≥ 1");
        DataOptions.Loaded data = dataOptions.load(new SplittableRandom(common.seed));
        Dataset all = data.train().flattenInputs();
        Dataset train = trainSize > 0 && trainSize < all.size() ? all.shuffled(new SplittableRandom(common.seed + 1)).slice(0, trainSize) : all;
        Tensor x = train.inputs();
        int n = x.dim(0);
        if (batch < 1 || batch > n) throw new IllegalArgumentException("--batch " + batch + " must be in [1, " + n + "] (the training examples used)");
        List<Integer> widths = new ArrayList<>();
        widths.add(x.dim(1));
        widths.addAll(hidden);
        widths.add(x.dim(1));
        int fullAt = fullBatchAt > 0 ? fullBatchAt : Math.max(1, iterations / 2);
        GrowingBatchSchedule growing = new GrowingBatchSchedule(batch, n, fullAt);
        SigmoidCrossEntropy loss = new SigmoidCrossEntropy(Reduction.BATCH_MEAN);

        run.report().setting("Data: " + data.description() + "; " + n + " training images (pixels in [0, 1] are the targets)."
                        + (dataOptions.data == DataOptions.Source.MNIST ? "" : " Substitution: the paper trains on the 60 000 MNIST training digits."))
                .setting("Network: autoencoder " + widths + ", " + (units == Units.TANH ? "tanh hidden units (the K-FAC authors' modern re-runs: tensorflow/kfac, kfac-jax)"
                        : "logistic hidden units (the paper's)") + ", linear code layer, logistic outputs with binary cross-entropy summed over pixels, "
                        + (init == Init.PYTORCH ? "PyTorch-default initialization" : "the paper's sparse initialization (15 non-zero N(0, 1) incoming weights per unit, zero biases)")
                        + ", float32; ℓ2 η = 1e-5 inside K-FAC."
                        + (paperWidths() ? "" : " Scaled down from the paper's 784-1000-500-250-30-250-500-1000-784 (run with --full for it)."))
                .setting("K-FAC: the adaptive algorithm (λ₀ = " + lambda + ", γ, α, μ adapted as in the paper; T₁ = 5, T₂ = 20, T₃ = 20); batches m_k = min(⌊" + batch
                        + "·exp((k−1)/b)⌋, " + n + "), the whole set from k = " + fullAt + ". Iterate averaging: exponential, ξ = 0.99, on the block-diagonal run.")
                .setting("SGD: Nesterov momentum in Sutskever et al.'s form, μ_t = min(1 − 1/(2(⌊t/250⌋+1)), " + sgdMomentum + "), ε = " + sgdLr
                        + ", a fixed batch of " + batch + "; no ℓ2. Every method runs " + iterations + " iterations from the same initial weights, "
                        + (common.seeds > 1 ? "for each of the seeds " + Arrays.toString(common.seedList()) + " (a seed draws the initial weights, the batches and K-FAC's "
                        + "samples; the training subset is drawn once, from --seed)" : "seed " + common.seed) + ".")
                .setting("Error: training-set squared reconstruction error Σ_j (σ(z_j) − x_j)² per image, averaged over the " + n + " training images, every "
                        + evalEvery + " iterations; seconds count optimizer steps only.");

        List<Method> methods = new ArrayList<>();
        methods.add(new Method("SGD + Nesterov (Sutskever)", false, false, true));
        methods.add(new Method("K-FAC block-diagonal", true, false, true));
        methods.add(new Method("K-FAC block-tridiagonal", true, true, true));
        if (!skipNoMomentum) methods.add(new Method("K-FAC block-diagonal (no momentum)", true, false, false));

        long[] seeds = common.seedList();
        MetricsLog metrics = run.metrics("method", "seed", "iteration", "seconds", "batch", "batch_loss", "train_error", "averaged_error");
        MetricsLog trace = run.csv("kfac-trace", "method", "seed", "iteration", "lambda", "gamma", "alpha", "mu", "rho", "predicted_change", "actual_change");
        Map<String, List<Curve>> curves = new LinkedHashMap<>();
        for (Method m : methods) curves.put(m.label(), new ArrayList<>());
        try (Progress progress = Progress.start("kfac-autoencoder", (long) methods.size() * seeds.length * iterations)) {
            for (long seed : seeds) {
                for (Method m : methods) curves.get(m.label()).add(train(m, seed, widths, train, x, growing, loss, metrics, trace, progress));
            }
        }
        report(run, methods, seeds.length, curves);
    }

    /** One method from the initial weights of {@code seed}: its error curve, logged row by row as it goes. */
    private Curve train(Method m, long seed, List<Integer> widths, Dataset train, Tensor x, GrowingBatchSchedule growing, SigmoidCrossEntropy loss,
                        MetricsLog metrics, MetricsLog trace, Progress progress) {
        int n = x.dim(0);
        SplittableRandom weights = new SplittableRandom(seed);
        DeepAutoencoder net = new DeepAutoencoder(widths, units.kind, DeepAutoencoder.OutputLoss.SIGMOID_CROSS_ENTROPY, DType.FLOAT32, weights);
        if (init == Init.SPARSE) net.initializeSparse(weights);
        Optimizer opt = m.kfac()
                ? Optimizer.of(Kfac.builder(net).lambda(lambda).tridiagonal(m.tridiagonal()).momentum(m.momentum()).seed(seed).build(), net)
                : Optimizer.of(SutskeverNesterov.rule().with("lr", sgdLr, "momentum", sgdMomentum), net);
        ExponentialAverage average = m.kfac() && !m.tridiagonal() && m.momentum() ? new ExponentialAverage(net.parameters(), 0.99) : null;
        SplittableRandom batches = new SplittableRandom(seed + 2);
        Curve curve = new Curve();
        double err0 = reconstructionError(net, x);
        curve.add(0, 0, err0, average == null ? Double.NaN : err0);
        metrics.row(m.label(), seed, 0, 0.0, 0, Double.NaN, err0, average == null ? Double.NaN : err0);
        long nanos = 0;
        for (int k = 1; k <= iterations; k++) {
            int size = m.kfac() ? growing.size(k) : batch;
            Tensor xb = size == n ? x : train.subset(sample(n, size, batches)).inputs();
            long t0 = System.nanoTime();
            double batchLoss = opt.step(new ModuleObjective(net, loss, xb, xb));
            if (average != null) average.update();
            nanos += System.nanoTime() - t0;
            if (m.kfac()) {
                KfacReport r = Kfac.report(opt);
                trace.row(m.label(), seed, k, r.lambda(), r.gamma(), r.alpha(), r.mu(), r.rho(), r.predictedChange(), r.actualChange());
                if (seed == common.seed) curve.lambda().add(r.lambda());
            }
            if (!Double.isFinite(batchLoss)) {
                throw new IllegalStateException(m.label() + ": the loss is " + batchLoss + " at iteration " + k + " with seed " + seed
                        + " (diverged; lower --sgd-lr or raise --lambda)");
            }
            if (k % evalEvery == 0 || k == iterations) {
                double err = reconstructionError(net, x);
                double avg = average == null ? Double.NaN : average.withAveraged(() -> reconstructionError(net, x));
                double secs = nanos / 1e9;
                curve.add(k, secs, err, avg);
                metrics.row(m.label(), seed, k, secs, size, batchLoss, err, avg);
            }
            progress.step(m.label() + " loss " + MetricsLog.fmt(batchLoss));
        }
        return curve;
    }

    /** size distinct indices of [0, n), drawn without replacement (partial Fisher–Yates). */
    private static int[] sample(int n, int size, SplittableRandom rng) {
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        for (int i = 0; i < size; i++) {
            int j = i + rng.nextInt(n - i);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        return Arrays.copyOf(perm, size);
    }

    /** Mean over images of Σ_j (σ(z_j) − x_j)², in float64, in chunks of 1000 images. */
    static double reconstructionError(DeepAutoencoder net, Tensor x) {
        return Autograd.noGrad(() -> {
            double total = 0;
            int n = x.dim(0);
            for (int from = 0; from < n; from += 1000) {
                Tensor xb = x.slice(from, Math.min(n, from + 1000));
                Tensor diff = net.forward(xb).to(DType.FLOAT64).sigmoid().sub(xb.to(DType.FLOAT64));
                total += diff.mul(diff).sum().item();
            }
            return total / n;
        });
    }

    private static double[] arr(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private void report(Run run, List<Method> methods, int seedCount, Map<String, List<Curve>> runs) {
        Map<String, Curve> curves = new LinkedHashMap<>();
        runs.forEach((label, perSeed) -> curves.put(label, Curve.meanOf(perSeed)));
        String over = seedCount > 1 ? " (mean ± one standard deviation over " + seedCount + " seeds)" : "";
        LinePlot byIteration = new LinePlot("Training reconstruction error vs iterations", "iteration", "squared reconstruction error per image").logY();
        LinePlot bySeconds = new LinePlot("Training reconstruction error vs optimizer time", "seconds", "squared reconstruction error per image").logY();
        List<List<String>> rows = new ArrayList<>();
        for (Method m : methods) {
            Curve c = curves.get(m.label());
            byIteration.band(m.label(), arr(c.iteration()), arr(c.error()), seedCount > 1 ? arr(c.errorSpread()) : null);
            bySeconds.line(m.label(), arr(c.seconds()), arr(c.error()));
            rows.add(List.of(m.label(), MetricsLog.fmt(c.error().getFirst()),
                    MetricsLog.fmt(c.last()) + (seedCount > 1 ? " ± " + MetricsLog.fmt(c.errorSpread().getLast()) : ""), MetricsLog.fmt(c.seconds().getLast())));
        }
        Curve diag = curves.get("K-FAC block-diagonal");
        String avgLabel = "K-FAC block-diagonal, averaged (ξ = 0.99)";
        byIteration.line(avgLabel, arr(diag.iteration()), arr(diag.averaged()));
        rows.add(List.of(avgLabel, MetricsLog.fmt(diag.averaged().getFirst()), MetricsLog.fmt(diag.averaged().getLast()), "–"));
        String f1 = run.figure(byIteration, "error-vs-iterations");
        String f2 = run.figure(bySeconds, "error-vs-seconds");
        LinePlot lambdas = new LinePlot("K-FAC's Levenberg–Marquardt damping λ", "iteration", "λ used by the step").logY();
        for (Method m : methods) {
            Curve c = curves.get(m.label());
            if (!m.kfac() || c.lambda().isEmpty()) continue;
            double[] it = new double[c.lambda().size()];
            for (int i = 0; i < it.length; i++) it[i] = i + 1;
            lambdas.line(m.label(), it, arr(c.lambda()));
        }
        String f3 = run.figure(lambdas, "kfac-lambda");
        run.report().section("Reconstruction error")
                .table(List.of("method", "error at start", "error after " + iterations + " iterations" + (seedCount > 1 ? " (mean ± std)" : ""), "optimizer seconds"), rows)
                .figure(f1, "Training-set squared reconstruction error per image vs iterations" + over + " (the paper's figures 5–6, left)")
                .figure(f2, "The same vs seconds of optimizer time on this machine" + (seedCount > 1 ? " (means over " + seedCount + " seeds)" : "")
                        + " (the paper's figures 5–6, right; their GPU timings are not comparable)")
                .figure(f3, "λ per iteration of each K-FAC run (seed " + common.seed + "; adapted every T₁ = 5 steps by the ρ rule; "
                        + "`kfac-trace.csv` holds λ, γ, α, μ, ρ and the predicted and actual changes of every step)");

        Curve sgd = curves.get("SGD + Nesterov (Sutskever)");
        Curve tri = curves.get("K-FAC block-tridiagonal");
        double sgdFinal = sgd.last();
        double[] diagReach = diag.firstReaching(sgdFinal), triReach = tri.firstReaching(sgdFinal);
        run.result("sgd_final_error", sgdFinal);
        run.result("kfac_blockdiag_final_error", diag.last());
        run.result("kfac_blocktri_final_error", tri.last());
        run.result("kfac_blockdiag_iterations_to_sgd_final", diagReach[0]);
        run.result("kfac_blocktri_iterations_to_sgd_final", triReach[0]);
        // Per iteration: the same number of iterations takes K-FAC far lower (SGD often sits on the mean-image
        // plateau early, so "first reaching SGD's final error" alone would flatter neither method).
        boolean fewer = diag.last() < 0.5 * sgdFinal && tri.last() < 0.5 * sgdFinal;
        run.report().claim(new Claim("K-FAC makes far more progress per iteration than SGD with Nesterov momentum (figures 5–6, left).",
                "After " + iterations + " iterations: SGD " + MetricsLog.fmt(sgdFinal) + ", K-FAC block-diagonal " + MetricsLog.fmt(diag.last())
                        + ", block-tridiagonal " + MetricsLog.fmt(tri.last()) + "; K-FAC passes SGD's final error at iteration " + reach(diagReach[0])
                        + " (block-diagonal) and " + reach(triReach[0]) + " (block-tridiagonal), SGD first reached it at " + reach(sgd.firstReaching(sgdFinal)[0])
                        + " (agreement: both K-FAC errors below half of SGD's).",
                Claim.Verdict.of(fewer)));
        double budget = sgd.seconds().getLast();
        double diagAtBudget = atTime(diag, budget), triAtBudget = atTime(tri, budget);
        run.result("kfac_blockdiag_error_at_sgd_seconds", diagAtBudget);
        run.result("kfac_blocktri_error_at_sgd_seconds", triAtBudget);
        boolean faster = diagAtBudget < sgdFinal && triAtBudget < sgdFinal;
        run.report().claim(new Claim("K-FAC is faster than the SGD baseline in wall-clock time as well (figures 5–6, right).",
                "Within SGD's " + secs(budget) + " of optimizer time K-FAC block-diagonal reached " + MetricsLog.fmt(diagAtBudget) + ", block-tridiagonal "
                        + MetricsLog.fmt(triAtBudget) + ", SGD " + MetricsLog.fmt(sgdFinal) + "; K-FAC passed SGD's final error after " + secs(diagReach[1])
                        + " and " + secs(triReach[1]) + " (CPU, 2 shared cores, no GPU; factor inverses of the 784-wide outer layers dominate K-FAC's time).",
                Claim.Verdict.of(faster)));
        boolean triBetter = tri.last() <= diag.last();
        run.report().claim(new Claim("The block-tridiagonal inverse makes somewhat more progress per iteration than the block-diagonal one.",
                "After " + iterations + " iterations: block-tridiagonal " + MetricsLog.fmt(tri.last()) + ", block-diagonal " + MetricsLog.fmt(diag.last()) + ".",
                Claim.Verdict.of(triBetter)));
        Curve noMom = curves.get("K-FAC block-diagonal (no momentum)");
        if (noMom != null) {
            run.result("kfac_blockdiag_no_momentum_final_error", noMom.last());
            run.report().claim(new Claim("Momentum (the δ₀ direction in K-FAC's quadratic model) speeds K-FAC up.",
                    "Block-diagonal after " + iterations + " iterations: " + MetricsLog.fmt(diag.last()) + " with momentum, " + MetricsLog.fmt(noMom.last()) + " without.",
                    Claim.Verdict.of(diag.last() < noMom.last())));
        }
        run.report().section("Not run here").text("This is a smaller problem than the paper's: " + (paperWidths() ? "" : "a narrower network, ")
                + "a subset of the images, " + iterations + " iterations, one SGD learning rate and μ_max instead of the paper's grid "
                + "(pick them with --sgd-lr and --sgd-momentum)" + (init == Init.PYTORCH ? ", PyTorch-default instead of sparse initialization" : "")
                + (units == Units.TANH ? ", tanh instead of logistic hidden units" : "")
                + ". The paper's CURVES and FACES problems are not run.");
    }

    /** Whether the hidden widths are the paper's (whatever the input width of the data). */
    private boolean paperWidths() {
        return hidden.equals(PAPER_WIDTHS.subList(1, PAPER_WIDTHS.size() - 1));
    }

    /** The lowest error logged at or before {@code seconds} of optimizer time. */
    private static double atTime(Curve c, double seconds) {
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < c.error().size(); i++) if (c.seconds().get(i) <= seconds) best = Math.min(best, c.error().get(i));
        return best;
    }

    private static String reach(double it) {
        return Double.isNaN(it) ? "never (within the run)" : Long.toString((long) it);
    }

    private static String secs(double s) {
        return Double.isNaN(s) ? "never" : MetricsLog.fmt(s) + " s";
    }
}
