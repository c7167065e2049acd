package org.panopt.experiments.lecture;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.panopt.autograd.Autograd;
import org.panopt.experiments.ExperimentCommand;
import org.panopt.experiments.Stats;
import org.panopt.experiments.run.Claim;
import org.panopt.experiments.run.LinePlot;
import org.panopt.experiments.run.MetricsLog;
import org.panopt.experiments.run.Progress;
import org.panopt.experiments.run.Run;
import org.panopt.init.Initializer;
import org.panopt.nn.Activation;
import org.panopt.nn.Linear;
import org.panopt.nn.Module;
import org.panopt.nn.loss.SoftmaxCrossEntropy;
import org.panopt.nn.models.Mlp;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The lecture's vanishing-gradient experiment (seed 003, §1; {@code spec/lecture.md}): per-layer gradient norms
 * ‖∂L/∂W_l‖_F and activation statistics of a deep MLP at initialization, for each activation × initializer.
 *
 * <p>Back-propagation multiplies the gradient by Wᵀ·diag(φ'(z)) at each layer, so its norm changes by a factor
 * of about σ_w·√n·E|φ'| per layer. The sigmoid's derivative is at most 1/4: with weights that do not
 * compensate, the factor is below one and the gradient decays geometrically towards the input. Xavier
 * (Var W = 2/(n_in + n_out)) matches tanh, He (Var W = 2/n_in) matches ReLU, so the factor stays near one.
 */
@Command(name = "vanishing-gradients", mixinStandardHelpOptions = true,
        description = "Per-layer gradient norms of a deep MLP at initialization: {sigmoid, tanh, ReLU} × {N(0,1), N(0,0.01²), Xavier, He, orthogonal}.")
public final class VanishingGradients extends ExperimentCommand {
    /** The initializers compared, with the lecture's names. */
    enum Init {
        NAIVE("N(0,1)", Initializer.gaussian(1)),
        SMALL("N(0,0.01²)", Initializer.gaussian(0.01)),
        XAVIER("Xavier uniform", Initializer.xavierUniform()),
        HE("He uniform", Initializer.kaimingUniform()),
        ORTHOGONAL("orthogonal", Initializer.orthogonal());

        final String label;
        final Initializer init;

        Init(String label, Initializer init) {
            this.label = label;
            this.init = init;
        }
    }

    @Option(names = "--depth", description = "Number of linear layers; default ${DEFAULT-VALUE} (--full: 20).")
    int depth = 15;

    @Option(names = "--width", description = "Width of every hidden layer; default ${DEFAULT-VALUE} (--full: 512).")
    int width = 256;

    @Option(names = "--batch", description = "Cases in the batch the gradient is taken on; default ${DEFAULT-VALUE} (--full: 1024).")
    int batch = 256;

    @Option(names = "--activations", split = ",", description = "Activations compared; default ${DEFAULT-VALUE}.")
    List<Activation.Kind> activations = List.of(Activation.Kind.SIGMOID, Activation.Kind.TANH, Activation.Kind.RELU);

    @Option(names = "--inits", split = ",", description = "Initializers compared (NAIVE, SMALL, XAVIER, HE, ORTHOGONAL); default all.")
    List<Init> inits = List.of(Init.values());

    private static final int INPUTS = 784;
    private static final int CLASSES = 10;

    @Override
    protected String title() {
        return "Vanishing gradients: activations × initialization (lecture, §1)";
    }

    @Override
    protected void execute(Run run) {
        if (common.full) {
            depth = 20;
            width = 512;
            batch = 1024;
        }
        if (depth < 2 || width < 1 || batch < 1) {
            throw new IllegalArgumentException("--depth " + depth + " (≥ 2), --width " + width + " and --batch " + batch + " (≥ 1) are out of range");
        }
        long[] seeds = common.seedList();
        run.report().setting("MLP " + INPUTS + " → " + width + " ×" + (depth - 1) + " → " + CLASSES + " (" + depth + " linear layers, biases 0), "
                        + "softmax cross-entropy, one batch of " + batch + " cases, float32, seeds " + java.util.Arrays.toString(seeds) + ".")
                .setting("Inputs: standard normal vectors of 784 values with uniformly random labels. Substitution: the lecture shows the effect "
                        + "on MNIST; the gradient's propagation at initialization depends on the input only through its scale, "
                        + "which standard-normal inputs match after standardization.");
        MetricsLog metrics = run.metrics("seed", "activation", "init", "layer", "grad_norm", "preactivation_std", "activation_std");
        // norms[activation][init][seed][layer]
        Map<Activation.Kind, Map<Init, double[][]>> norms = new LinkedHashMap<>();
        try (Progress progress = Progress.start("vanishing-gradients", (long) seeds.length * activations.size() * inits.size())) {
            for (Activation.Kind act : activations) {
                Map<Init, double[][]> byInit = new LinkedHashMap<>();
                for (Init init : inits) {
                    double[][] perSeed = new double[seeds.length][];
                    for (int s = 0; s < seeds.length; s++) {
                        perSeed[s] = measure(act, init, seeds[s], metrics);
                        progress.step(act + " × " + init.label);
                    }
                    byInit.put(init, perSeed);
                }
                norms.put(act, byInit);
            }
        }
        report(run, norms);
    }

    // One network, one batch: the gradient norm of every linear layer (input side first).
    private double[] measure(Activation.Kind act, Init init, long seed, MetricsLog metrics) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Integer> widths = new ArrayList<>();
        widths.add(INPUTS);
        for (int i = 0; i < depth - 1; i++) widths.add(width);
        widths.add(CLASSES);
        Mlp net = new Mlp(widths, act, true, DType.FLOAT32, rng);
        for (Linear l : net.linears()) l.initialize(init.init, Initializer.zeros(), rng);
        Tensor x = Tensor.randn(rng, DType.FLOAT32, batch, INPUTS);
        double[] labels = new double[batch];
        for (int i = 0; i < batch; i++) labels[i] = rng.nextInt(CLASSES);
        Tensor y = Tensor.of(labels).to(DType.FLOAT32);

        List<Double> preStd = new ArrayList<>();
        List<Double> actStd = new ArrayList<>();
        List<Module.HookHandle> hooks = new ArrayList<>();
        for (Module m : net.layers()) {
            if (m instanceof Linear) hooks.add(m.registerForwardHook((mod, in, out) -> preStd.add(std(out))));
            else hooks.add(m.registerForwardHook((mod, in, out) -> actStd.add(std(out))));
        }
        Tensor loss = new SoftmaxCrossEntropy().loss(net.forward(x), y);
        loss.backward();
        hooks.forEach(Module.HookHandle::remove);

        double[] out = new double[depth];
        for (int l = 0; l < depth; l++) {
            Tensor g = net.linears().get(l).weight().grad();
            out[l] = Math.sqrt(Autograd.noGrad(() -> g.square().sum().item()));
            metrics.row(seed, act.name().toLowerCase(Locale.ROOT), init.name().toLowerCase(Locale.ROOT), l + 1, out[l], preStd.get(l),
                    l < actStd.size() ? actStd.get(l) : Double.NaN);
        }
        return out;
    }

    private static double std(Tensor t) {
        return Autograd.noGrad(() -> Math.sqrt(t.var(new int[] {0, 1}, false, 0).item()));
    }

    private void report(Run run, Map<Activation.Kind, Map<Init, double[][]>> norms) {
        double[] layers = new double[depth];
        for (int l = 0; l < depth; l++) layers[l] = l + 1;
        List<List<String>> table = new ArrayList<>();
        for (var e : norms.entrySet()) {
            Activation.Kind act = e.getKey();
            LinePlot plot = new LinePlot("‖∂L/∂W_l‖ through a " + depth + "-layer " + name(act) + " MLP at initialization",
                    "layer l (1 = input side)", "gradient norm ‖∂L/∂W_l‖_F (log scale)").logY();
            for (var ie : e.getValue().entrySet()) {
                double[] mean = Stats.meanOverRuns(ie.getValue());
                plot.band(ie.getKey().label, layers, mean, ie.getValue().length > 1 ? Stats.stdOverRuns(ie.getValue()) : null);
                table.add(List.of(name(act), ie.getKey().label, MetricsLog.fmt(mean[0]), MetricsLog.fmt(mean[depth - 1]),
                        MetricsLog.fmt(perLayerFactor(mean)), MetricsLog.fmt(Stats.max(mean) / Stats.min(mean))));
            }
            String file = run.figure(plot, "grad-norms-" + act.name().toLowerCase(Locale.ROOT));
            run.report().section(name(act)).figure(file, "Per-layer gradient norm, " + name(act) + ", one line per initializer"
                    + (common.seeds > 1 ? " (dashed: ± one standard deviation over seeds)" : ""));
            claimsFor(run, act, e.getValue());
        }
        run.report().section("Summary").text("Per-layer factor: (‖∂L/∂W_1‖ / ‖∂L/∂W_L‖)^(1/(L−1)), the geometric mean of the change per layer going down; "
                + "spread: largest / smallest layer norm.").table(List.of("activation", "initializer", "‖∂L/∂W_1‖", "‖∂L/∂W_L‖", "per-layer factor", "spread"), table);
    }

    private void claimsFor(Run run, Activation.Kind act, Map<Init, double[][]> byInit) {
        switch (act) {
            case SIGMOID -> {
                for (Init init : List.of(Init.SMALL, Init.XAVIER)) {
                    if (!byInit.containsKey(init)) continue;
                    double f = perLayerFactor(Stats.meanOverRuns(byInit.get(init)));
                    run.result("sigmoid_" + init.name().toLowerCase(Locale.ROOT) + "_per_layer_factor", f);
                    run.report().claim(new Claim("The sigmoid's derivative is at most 0.25, so the gradient shrinks layer after layer towards the input (vanishing gradient).",
                            "sigmoid with " + init.label + " initialization: the gradient norm changes by a factor " + MetricsLog.fmt(f)
                                    + " per layer going down (" + MetricsLog.fmt(Math.pow(f, depth - 1)) + " over " + (depth - 1) + " layers).",
                            Claim.Verdict.of(f <= 0.5)));
                }
            }
            case TANH -> matched(run, act, byInit, Init.XAVIER);
            case RELU -> matched(run, act, byInit, Init.HE);
            default -> { }
        }
    }

    // A matched initializer keeps every layer's gradient norm within a factor 10 of the others.
    private void matched(Run run, Activation.Kind act, Map<Init, double[][]> byInit, Init init) {
        if (!byInit.containsKey(init)) return;
        double[] mean = Stats.meanOverRuns(byInit.get(init));
        double spread = Stats.max(mean) / Stats.min(mean);
        run.result(act.name().toLowerCase(Locale.ROOT) + "_" + init.name().toLowerCase(Locale.ROOT) + "_spread", spread);
        run.report().claim(new Claim(init.label + " initialization matched to " + name(act) + " keeps the gradient magnitude similar across layers.",
                name(act) + " with " + init.label + ": largest / smallest per-layer gradient norm = " + MetricsLog.fmt(spread) + " over " + depth + " layers.",
                Claim.Verdict.of(spread <= 10)));
    }

    private double perLayerFactor(double[] norms) {
        return Math.pow(norms[0] / norms[norms.length - 1], 1.0 / (norms.length - 1));
    }

    private static String name(Activation.Kind act) {
        return switch (act) {
            case RELU -> "ReLU";
            case LEAKY_RELU -> "leaky ReLU";
            case TANH -> "tanh";
            case SIGMOID -> "sigmoid";
            case SOFTPLUS -> "softplus";
            case ELU -> "ELU";
            case GELU -> "GELU";
            case IDENTITY -> "linear";
        };
    }
}
