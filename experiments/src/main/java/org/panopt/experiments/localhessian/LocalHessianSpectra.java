package org.panopt.experiments.localhessian;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.panopt.experiments.ExperimentCommand;
import org.panopt.experiments.Stats;
import org.panopt.experiments.run.Claim;
import org.panopt.experiments.run.LinePlot;
import org.panopt.experiments.run.MetricsLog;
import org.panopt.experiments.run.Progress;
import org.panopt.experiments.run.Run;
import org.panopt.hessian.local.BatchNormalizedBlock;
import org.panopt.hessian.local.FullyConnectedBlock;
import org.panopt.hessian.local.MarchenkoPastur;
import org.panopt.hessian.spectrum.ConditionNumber;
import org.panopt.hessian.spectrum.DenseSpectrum;
import org.panopt.init.Initializer;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The spectrum of the local input Hessian of fully connected blocks (Zhang, Chen &amp; Liu, <i>On the Local
 * Hessian in Back-propagation</i>, NeurIPS 2018, §3; {@code spec/local-hessian.md} A.4, A.5, A.7):
 * <pre>
 *   H_z = W_bᵀW_b                          (eq. 8; Gaussian W → Marchenko–Pastur, eqs. 10–11)
 *   H_z = Σᵢ w_b(i) w_b(i)ᵀ / ‖w_b(i)‖²     (eq. 17 with Cov = I; → Marchenko–Pastur with σ² = c, eq. 19)
 * </pre>
 * for c = n_b/n_{b−1} over a grid. Gaussian entries have variance 1/n_{b−1}, so σ² = n_b/n_{b−1} = c and both
 * forms follow the same law. Orthogonal W gives eigenvalues exactly 1 (and n_{b−1} − n_b zeros when c &lt; 1).
 * Remark 2 is checked on the batch form of eq. 17 (inputs N(0, I), ε = 0): its spectrum does not move under
 * W → αW, while that of WᵀW scales with α². Condition numbers are σ_max over the smallest non-zero σ.
 */
@Command(name = "local-hessian-spectra", mixinStandardHelpOptions = true,
        description = "Eigenvalues of the local H_z of fully connected blocks (Gaussian, orthogonal, with BN) against Marchenko–Pastur, "
                + "for c = n_b/n_{b-1} in a grid; Remark 2's scale invariance under BN; condition numbers.")
public final class LocalHessianSpectra extends ExperimentCommand {
    @Option(names = "--inputs", description = "n_{b-1}, the block's input width (n_b = c·n_{b-1}); default ${DEFAULT-VALUE} (--full: 1000).")
    int inputs = 400;

    @Option(names = "--ratios", split = ",", description = "The ratios c = n_b/n_{b-1}; default ${DEFAULT-VALUE}.")
    List<Double> ratios = List.of(0.25, 0.5, 1.0, 2.0);

    @Option(names = "--bins", description = "Histogram bins over the Marchenko–Pastur support; default ${DEFAULT-VALUE}.")
    int bins = 40;

    @Option(names = "--batch", description = "Samples in the batch whose statistics the BN form of Remark 2 uses; default ${DEFAULT-VALUE}.")
    int batch = 1000;

    @Option(names = "--remark2-ratio", description = "c of the block Remark 2 is checked on; default ${DEFAULT-VALUE}.")
    double remark2Ratio = 0.5;

    /** Kolmogorov–Smirnov distance accepted as "follows the law" at these sizes (rigid random-matrix spectra: measured ≈ 0.01). */
    static final double KS_AGREEMENT = 0.05;
    /** Relative deviation of a finite-size condition number from ((1+√c)/(1−√c))² accepted (edge fluctuations ∝ n^{-2/3}). */
    static final double CONDITION_AGREEMENT = 0.25;
    private static final double ZERO_TOLERANCE = 1e-9;
    private static final double[] ALPHAS = {0.1, 0.3, 1, 3, 10};

    /** One weight kind's eigenvalues of H_z at one c, pooled over seeds, with per-seed summaries. */
    private record Spectra(double c, int outputs, List<double[]> perSeed, double[] ks, double[] condition, int[] rank) {
        double[] pooled() {
            return perSeed.stream().flatMapToDouble(Arrays::stream).toArray();
        }
    }

    private enum Kind {
        GAUSSIAN("Gaussian W, H_z = WᵀW"), BN("Gaussian W + BN, H_z = Σ wwᵀ/‖w‖²"), ORTHOGONAL("orthogonal W, H_z = WᵀW");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    @Override
    protected String title() {
        return "Local Hessian spectra of fully connected blocks (Zhang, Chen & Liu 2018, §3, eqs. 8–11, 17–19, Remark 2)";
    }

    @Override
    protected void execute(Run run) {
        if (common.full) inputs = 1000;
        if (inputs < 4 || bins < 2 || batch < 2 || ratios.isEmpty()) {
            throw new IllegalArgumentException("--inputs " + inputs + " (≥ 4), --bins " + bins + " (≥ 2), --batch " + batch + " (≥ 2), --ratios " + ratios + " (non-empty) are out of range");
        }
        for (double c : ratios) {
            if (!(c > 0) || Math.round(c * inputs) < 1) throw new IllegalArgumentException("--ratios: c = " + c + " gives no output units with --inputs " + inputs);
        }
        long[] seeds = common.seedList();
        run.report().setting("Fully connected blocks z_b = W_b z_{b−1} (no bias), n_{b−1} = " + inputs + ", n_b = round(c·n_{b−1}) for c ∈ " + ratios
                        + "; Gaussian entries N(0, 1/n_{b−1}) (so σ² = n_b·Var(W_ij) = c), orthogonal W from the QR of a Gaussian matrix (orthonormal rows, "
                        + "or columns when n_b > n_{b−1}); seeds " + Arrays.toString(seeds) + ", eigenvalues pooled over seeds in the histograms.")
                .setting("H_z per sample, dense eigenvalues in float64 (EJML; as singular values, H_z being positive semi-definite). BN: eq. 17 in its Cov = I form (the paper's), Remark 2 on the batch form with "
                        + batch + " inputs N(0, I) and ε = 0. Kolmogorov–Smirnov distances against the law (10)–(11) with the atom (1 − c)δ₀; eigenvalues below "
                        + ZERO_TOLERANCE + "·λ_max count as 0. The paper shows no numbers for these figures: the anchors are the analytic support and condition numbers.");
        MetricsLog metrics = run.metrics("seed", "c", "weights", "n_out", "n_in", "lambda_min_nonzero", "lambda_max", "mean_eigenvalue", "rank",
                "condition_number", "ks_distance", "mp_lower", "mp_upper", "mp_condition_number");
        MetricsLog eigenLog = run.csv("eigenvalues", "seed", "c", "weights", "index", "eigenvalue");
        Map<Kind, List<Spectra>> all = new LinkedHashMap<>();
        for (Kind k : Kind.values()) all.put(k, new ArrayList<>());
        try (Progress progress = Progress.start("local-hessian-spectra", (long) ratios.size() * seeds.length * Kind.values().length + 1)) {
            for (double c : ratios) {
                int outputs = (int) Math.round(c * inputs);
                double exactC = (double) outputs / inputs;
                MarchenkoPastur law = MarchenkoPastur.forWeights(outputs, inputs, 1.0 / inputs);
                for (Kind kind : Kind.values()) {
                    List<double[]> eig = new ArrayList<>();
                    double[] ks = new double[seeds.length], cond = new double[seeds.length];
                    int[] rank = new int[seeds.length];
                    for (int s = 0; s < seeds.length; s++) {
                        SplittableRandom rng = new SplittableRandom(seeds[s] * 1_000_003L + Math.round(c * 1000));
                        // H_z is a Gram matrix (positive semi-definite), so its eigenvalues are its singular values; EJML's SVD
                        // converges on the 1000 × 1000 projector of orthogonal W, where its symmetric QR eigen-solver did not.
                        double[] lambda = DenseSpectrum.singularValues(inputHessian(kind, outputs, rng));
                        ConditionNumber cn = ConditionNumber.ofEigenvalues(lambda, ZERO_TOLERANCE);
                        ks[s] = law.kolmogorovSmirnov(lambda, ZERO_TOLERANCE);
                        cond[s] = cn.value();
                        rank[s] = cn.rank();
                        eig.add(lambda);
                        metrics.row(seeds[s], exactC, kind.name().toLowerCase(Locale.ROOT), outputs, inputs, cn.smallestNonZero(), cn.largest(), Stats.mean(lambda),
                                cn.rank(), cn.value(), ks[s], law.lower(), law.upper(), law.conditionNumber());
                        for (int i = 0; i < lambda.length; i++) eigenLog.row(seeds[s], exactC, kind.name().toLowerCase(Locale.ROOT), i, lambda[i]);
                        progress.step(kind.name().toLowerCase(Locale.ROOT) + " c=" + c + " KS " + MetricsLog.fmt(ks[s]));
                    }
                    all.get(kind).add(new Spectra(exactC, outputs, eig, ks, cond, rank));
                }
            }
            reportSpectra(run, all);
            reportOrthogonal(run, all.get(Kind.ORTHOGONAL));
            reportConditionNumbers(run, all);
            reportRemark2(run, seeds[0]);
            progress.step("Remark 2");
        }
    }

    // H_z of one block of the given kind, drawn from rng.
    private DMatrixRMaj inputHessian(Kind kind, int outputs, SplittableRandom rng) {
        return switch (kind) {
            case GAUSSIAN -> FullyConnectedBlock.inputHessian(gaussian(outputs, rng));
            case BN -> BatchNormalizedBlock.inputHessianWhitened(gaussian(outputs, rng));
            case ORTHOGONAL -> FullyConnectedBlock.inputHessian(Initializer.orthogonal().fill(Tensor.zeros(DType.FLOAT64, outputs, inputs), rng));
        };
    }

    private Tensor gaussian(int outputs, SplittableRandom rng) {
        return Tensor.randn(rng, DType.FLOAT64, outputs, inputs).mul(1 / Math.sqrt(inputs));
    }

    private void reportSpectra(Run run, Map<Kind, List<Spectra>> all) {
        run.report().section("Spectra against Marchenko–Pastur").text("Histograms of the non-zero eigenvalues of H_z, normalized so that their area is the "
                + "fraction of non-zero eigenvalues (the atom at 0 of mass 1 − c is left out of the picture but counted in the KS distance), beside the density ρ of eq. 11.");
        List<List<String>> table = new ArrayList<>();
        for (int i = 0; i < ratios.size(); i++) {
            Spectra g = all.get(Kind.GAUSSIAN).get(i), bn = all.get(Kind.BN).get(i);
            double c = g.c();
            MarchenkoPastur law = MarchenkoPastur.forWeights(g.outputs(), inputs, 1.0 / inputs);
            double hi = law.upper() * 1.1;
            double[] edges = new double[bins + 1];
            for (int k = 0; k <= bins; k++) edges[k] = hi * k / bins;
            double[] grid = new double[400], density = new double[400];
            for (int k = 0; k < grid.length; k++) {
                grid[k] = hi * (k + 0.5) / grid.length;
                density[k] = law.density(grid[k]);
            }
            LinePlot plot = new LinePlot("Eigenvalues of H_z, c = n_b/n_{b−1} = " + fmtC(c) + " (" + g.outputs() + " × " + inputs + ")", "eigenvalue λ", "density")
                    .histogram(Kind.GAUSSIAN.label, edges, histogram(g.pooled(), edges))
                    .histogram(Kind.BN.label, edges, histogram(bn.pooled(), edges))
                    .line("Marchenko–Pastur ρ (eq. 11), σ² = c", grid, density);
            String file = run.figure(plot, "spectrum-c" + fmtC(c).replace('.', '_'));
            run.report().figure(file, "Eigenvalue density of H_z at c = " + fmtC(c) + ": Gaussian W, Gaussian W with BN (eq. 17), and the Marchenko–Pastur density");
            double ksG = Stats.max(g.ks()), ksB = Stats.max(bn.ks());
            run.result("ks_gaussian_c" + fmtC(c), ksG);
            run.result("ks_bn_c" + fmtC(c), ksB);
            double[] pooled = g.pooled();
            double lmax = Stats.max(pooled);
            double lminNonZero = Arrays.stream(pooled).filter(l -> Math.abs(l) > ZERO_TOLERANCE * lmax).min().orElse(Double.NaN);
            table.add(List.of(fmtC(c), MetricsLog.fmt(law.lower()), MetricsLog.fmt(law.upper()), MetricsLog.fmt(lminNonZero), MetricsLog.fmt(lmax),
                    MetricsLog.fmt(law.zeroMass()), MetricsLog.fmt(zeroFraction(pooled)), MetricsLog.fmt(ksG), MetricsLog.fmt(ksB)));
            run.report().claim(new Claim("With i.i.d. Gaussian W, the eigenvalues of H_z follow the Marchenko–Pastur law (10)–(11) with support [c₋, c₊] and an atom 1 − c at 0 when c < 1; "
                    + "with BN (eq. 17) the same law with σ² = c (eq. 19).",
                    "c = " + fmtC(c) + ": Kolmogorov–Smirnov distance " + MetricsLog.fmt(ksG) + " (Gaussian) and " + MetricsLog.fmt(ksB) + " (BN), worst over seeds; "
                            + "observed range [" + MetricsLog.fmt(lminNonZero) + ", " + MetricsLog.fmt(lmax) + "] against [" + MetricsLog.fmt(law.lower()) + ", "
                            + MetricsLog.fmt(law.upper()) + "]; agreement means KS ≤ " + KS_AGREEMENT + ".",
                    Claim.Verdict.of(ksG <= KS_AGREEMENT && ksB <= KS_AGREEMENT)));
        }
        run.report().table(List.of("c", "c₋ (eq. 11)", "c₊ (eq. 11)", "smallest non-zero λ", "largest λ", "zero mass 1 − c", "zero fraction", "KS Gaussian", "KS BN"), table);
    }

    // Heights so that the histogram's area is the fraction of non-zero eigenvalues that fall in its range.
    private static double[] histogram(double[] lambda, double[] edges) {
        int k = edges.length - 1;
        double[] h = new double[k];
        double lmax = Stats.max(lambda);
        double width = edges[1] - edges[0];
        for (double l : lambda) {
            if (Math.abs(l) <= ZERO_TOLERANCE * lmax) continue;
            int bin = (int) Math.floor((l - edges[0]) / width);
            if (bin >= 0 && bin < k) h[bin] += 1;
        }
        for (int i = 0; i < k; i++) h[i] /= lambda.length * width;
        return h;
    }

    private static double zeroFraction(double[] lambda) {
        double lmax = Stats.max(lambda);
        return (double) Arrays.stream(lambda).filter(l -> Math.abs(l) <= ZERO_TOLERANCE * lmax).count() / lambda.length;
    }

    private void reportOrthogonal(Run run, List<Spectra> orthogonal) {
        double worst = 0;
        boolean zerosRight = true;
        List<List<String>> rows = new ArrayList<>();
        for (Spectra s : orthogonal) {
            double dev = 0;
            int zeros = 0;
            for (double[] lambda : s.perSeed()) {
                for (double l : lambda) {
                    if (Math.abs(l) <= ZERO_TOLERANCE) zeros++;
                    else dev = Math.max(dev, Math.abs(l - 1));
                }
            }
            int expectedZeros = Math.max(0, inputs - s.outputs()) * s.perSeed().size();
            zerosRight &= zeros == expectedZeros;
            worst = Math.max(worst, dev);
            rows.add(List.of(fmtC(s.c()), Integer.toString(s.outputs()), Integer.toString(zeros / s.perSeed().size()),
                    Integer.toString(expectedZeros / s.perSeed().size()), MetricsLog.fmt(dev), MetricsLog.fmt(Stats.max(s.condition()))));
        }
        run.result("orthogonal_max_deviation_from_one", worst);
        run.result("orthogonal_zero_counts_match", zerosRight);
        run.report().section("Orthogonal weights")
                .table(List.of("c", "n_b", "zero eigenvalues", "expected n_{b−1} − n_b", "max |λ − 1| over the non-zero ones", "condition number"), rows)
                .claim(new Claim("If W_b has orthonormal rows and n_b < n_{b−1}, H_z has n_b eigenvalues equal to 1 and n_{b−1} − n_b equal to 0 — the best spectrum, which justifies orthogonal initialization.",
                        "over every c and seed, the non-zero eigenvalues differ from 1 by at most " + MetricsLog.fmt(worst) + " and the number of zero eigenvalues is "
                                + (zerosRight ? "exactly" : "not") + " n_{b−1} − n_b (0 for c ≥ 1, where the columns are orthonormal and H_z = I).",
                        Claim.Verdict.of(worst < 1e-10 && zerosRight)));
    }

    private void reportConditionNumbers(Run run, Map<Kind, List<Spectra>> all) {
        double[] cs = ratios.stream().mapToDouble(c -> Math.round(c * inputs) / (double) inputs).toArray();
        LinePlot plot = new LinePlot("Condition number of H_z (smallest non-zero eigenvalue), n_{b−1} = " + inputs, "c = n_b/n_{b−1}", "condition number (log scale)")
                .logX().logY();
        for (Kind k : Kind.values()) {
            double[] cond = all.get(k).stream().mapToDouble(s -> Stats.mean(s.condition())).toArray();
            plot.points(k.label, cs, cond);
        }
        double lo = Stats.min(cs) / 1.5, hi = Stats.max(cs) * 1.5;
        int n = 200;
        double[] grid = new double[n], predicted = new double[n];
        for (int i = 0; i < n; i++) {
            grid[i] = lo * Math.pow(hi / lo, (i + 0.5) / n);
            predicted[i] = Math.abs(grid[i] - 1) < 1e-12 ? Double.NaN : Math.pow((1 + Math.sqrt(grid[i])) / (1 - Math.sqrt(grid[i])), 2);
        }
        plot.line("Marchenko–Pastur ((1 + √c)/(1 − √c))²", grid, predicted);
        String file = run.figure(plot, "condition-numbers");
        List<List<String>> rows = new ArrayList<>();
        boolean agrees = true;
        StringBuilder ours = new StringBuilder();
        for (int i = 0; i < cs.length; i++) {
            double c = cs[i];
            double g = Stats.mean(all.get(Kind.GAUSSIAN).get(i).condition()), b = Stats.mean(all.get(Kind.BN).get(i).condition());
            double o = Stats.mean(all.get(Kind.ORTHOGONAL).get(i).condition());
            double mp = c == 1 ? Double.POSITIVE_INFINITY : Math.pow((1 + Math.sqrt(c)) / (1 - Math.sqrt(c)), 2);
            run.result("condition_gaussian_c" + fmtC(c), g);
            boolean ok;
            if (c == 1) {
                // The law's lower edge is 0: the finite matrix's condition number grows without bound with n (≈ n² for square Gaussian matrices).
                ok = g >= inputs;
            } else {
                ok = Math.abs(g / mp - 1) <= CONDITION_AGREEMENT && Math.abs(b / mp - 1) <= CONDITION_AGREEMENT;
            }
            ok &= Math.abs(o - 1) < 1e-9;
            agrees &= ok;
            rows.add(List.of(fmtC(c), MetricsLog.fmt(mp), MetricsLog.fmt(g), MetricsLog.fmt(b), MetricsLog.fmt(o)));
            ours.append(ours.isEmpty() ? "" : "; ").append("c = ").append(fmtC(c)).append(": ").append(MetricsLog.fmt(g)).append(" (MP ").append(MetricsLog.fmt(mp)).append(")");
        }
        run.report().section("Condition numbers").figure(file, "Condition number of H_z against c: measured (mean over seeds) and the Marchenko–Pastur prediction")
                .table(List.of("c", "MP ((1+√c)/(1−√c))²", "Gaussian", "Gaussian + BN", "orthogonal"), rows)
                .claim(new Claim("The condition number of H_z for Gaussian W is that of the Marchenko–Pastur support, ((1 + √c)/(1 − √c))² (unbounded at c = 1); orthogonal W gives 1.",
                        "Gaussian " + ours + "; orthogonal: 1 at every c. Agreement means within " + Math.round(100 * CONDITION_AGREEMENT)
                                + " % of the prediction for c ≠ 1 (Gaussian and BN), at least n_{b−1} = " + inputs + " at c = 1, and 1 to 1e-9 for orthogonal W.",
                        Claim.Verdict.of(agrees)));
    }

    private void reportRemark2(Run run, long seed) {
        SplittableRandom rng = new SplittableRandom(seed ^ 0x5eed2L);
        int outputs = Math.max(1, (int) Math.round(remark2Ratio * inputs));
        Tensor w = gaussian(outputs, rng);
        Tensor z = Tensor.randn(rng, DType.FLOAT64, batch, inputs);
        double[] reference = DenseSpectrum.eigenvalues(BatchNormalizedBlock.inputHessian(w, z, 0));
        double[] plain1 = DenseSpectrum.eigenvalues(FullyConnectedBlock.inputHessian(w));
        MetricsLog log = run.csv("remark2", "alpha", "weights", "mean_eigenvalue", "lambda_max", "max_relative_change_vs_alpha_1");
        double[] meanPlain = new double[ALPHAS.length], meanBn = new double[ALPHAS.length];
        double worstBn = 0, worstPlainScaling = 0;
        for (int a = 0; a < ALPHAS.length; a++) {
            double alpha = ALPHAS[a];
            Tensor scaled = w.mul(alpha);
            double[] bn = DenseSpectrum.eigenvalues(BatchNormalizedBlock.inputHessian(scaled, z, 0));
            double[] plain = DenseSpectrum.eigenvalues(FullyConnectedBlock.inputHessian(scaled));
            double changeBn = maxRelativeChange(bn, reference), changePlain = maxRelativeChange(plain, plain1);
            worstBn = Math.max(worstBn, changeBn);
            // Without BN the spectrum is α² times the α = 1 one: how far from exact scaling.
            double[] rescaled = Arrays.stream(plain1).map(l -> l * alpha * alpha).toArray();
            worstPlainScaling = Math.max(worstPlainScaling, maxRelativeChange(plain, rescaled));
            meanBn[a] = Stats.mean(bn);
            meanPlain[a] = Stats.mean(plain);
            log.row(alpha, "bn", meanBn[a], Stats.max(bn), changeBn);
            log.row(alpha, "gaussian", meanPlain[a], Stats.max(plain), changePlain);
        }
        LinePlot plot = new LinePlot("Mean eigenvalue of H_z under W → αW (c = " + fmtC((double) outputs / inputs) + ")", "weight scale α", "mean eigenvalue of H_z (log scale)")
                .logX().logY().points("without BN, H_z = WᵀW", ALPHAS, meanPlain).points("with BN (eq. 17, batch statistics)", ALPHAS, meanBn);
        String file = run.figure(plot, "remark2-scale-invariance");
        run.result("remark2_bn_max_relative_change", worstBn);
        run.result("remark2_plain_deviation_from_alpha_squared", worstPlainScaling);
        run.report().section("Remark 2: BN makes H_z invariant to the weight scale").figure(file, "Mean eigenvalue of H_z with and without BN as W is scaled by α")
                .claim(new Claim("Scaling the weights leaves the spectrum of (17) unchanged, while without BN the spectrum (8) scales linearly with the weight variance — so with BN a z-step of size 1 suits every block.",
                        "over α ∈ " + Arrays.toString(ALPHAS) + " the BN spectrum moves by at most " + MetricsLog.fmt(worstBn) + " (relative), the plain spectrum is α² times the α = 1 one to "
                                + MetricsLog.fmt(worstPlainScaling) + "; its mean goes from " + MetricsLog.fmt(meanPlain[0]) + " to " + MetricsLog.fmt(meanPlain[ALPHAS.length - 1]) + ".",
                        Claim.Verdict.of(worstBn < 1e-9 && worstPlainScaling < 1e-9)));
    }

    // max_i |a_i − b_i| / max_i |b_i| for two descending spectra of one size.
    private static double maxRelativeChange(double[] a, double[] b) {
        double scale = 0, diff = 0;
        for (int i = 0; i < a.length; i++) {
            scale = Math.max(scale, Math.abs(b[i]));
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
        }
        return diff / scale;
    }

    private static String fmtC(double c) {
        return MetricsLog.fmt(c).replaceAll("\\.?0+$", "");
    }
}
