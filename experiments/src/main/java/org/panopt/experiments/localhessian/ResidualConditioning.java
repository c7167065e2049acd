package org.panopt.experiments.localhessian;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
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
import org.panopt.hessian.local.ResidualBlock;
import org.panopt.hessian.spectrum.ConditionNumber;
import org.panopt.hessian.spectrum.DenseSpectrum;
import org.panopt.init.Initializer;
import org.panopt.nn.Activation;
import org.panopt.nn.Linear;
import org.panopt.nn.Module;
import org.panopt.nn.Residual;
import org.panopt.nn.Sequential;
import org.panopt.nn.loss.SoftmaxCrossEntropy;
import org.panopt.optim.Optimizer;
import org.panopt.optim.first.Sgd;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Skip connections and the local Gauss–Newton H_z of residual blocks (Zhang, Chen &amp; Liu, <i>On the Local
 * Hessian in Back-propagation</i>, NeurIPS 2018, §3.2, eqs. 12–15, Remark 1; {@code spec/local-hessian.md} A.6):
 * <pre>
 *   z_b = S z_{b−1} + φ_b(z_{b−1}),   φ_b(z) = β W₂ tanh(W₁ z),   J_b = S + β W₂ diag(1 − tanh²(W₁ z)) W₁
 *   H_z = J_bᵀ J_b                     (the Gauss–Newton part of eq. 13)
 * </pre>
 * with S the identity, a Haar orthogonal Q, a fixed non-orthogonal U diag(d) Vᵀ (d geometric in
 * [κ^{−1/2}, κ^{1/2}], so C(S) = κ and the geometric mean of d is 1), or no skip (S = 0). W₁, W₂ have
 * entries N(0, 1/n). Measured: C(H_z) of one block against the branch scale β beside Remark 1's bound
 * ((2 − s)/s)², s = 1 − σ_max(J_φ); and C(PᵀP) of the end-to-end Jacobian P = J_L ⋯ J_1 of a stack of L
 * blocks (the local Gauss–Newton of the stack in its input) against L. Then deep fully connected nets with
 * pre-activation ReLU branches W·ReLU(z) + b and each skip are trained with SGD on an image subset (Orhan &amp; Pitkow 2018: skips
 * eliminate singularities; non-orthogonal skips train worse) — the observation the paper explains.
 */
@Command(name = "residual-conditioning", mixinStandardHelpOptions = true,
        description = "Condition number of the local Gauss–Newton H_z of residual blocks with identity, orthogonal, non-orthogonal and no skip, "
                + "vs branch scale (Remark 1) and depth; and a short training comparison of deep nets with those skips.")
public final class ResidualConditioning extends ExperimentCommand {
    @Mixin
    DataOptions dataOptions = new DataOptions(DataOptions.Source.FASHION_MNIST);

    @Option(names = "--width", description = "n, the width of every residual block; default ${DEFAULT-VALUE} (--full: 128).")
    int width = 64;

    @Option(names = "--depth", description = "Blocks of the deepest stack (conditioning vs depth) and of the trained nets; default ${DEFAULT-VALUE} (--full: 50).")
    int depth = 30;

    @Option(names = "--samples", description = "Input samples z ~ N(0, I) per seed at which the Jacobians are taken; default ${DEFAULT-VALUE}.")
    int samples = 8;

    @Option(names = "--branch-scale", description = "β of the conditioning-vs-depth stacks; default ${DEFAULT-VALUE}.")
    double branchScale = 0.1;

    @Option(names = "--skip-condition", description = "κ = C(S) of the non-orthogonal skips; default ${DEFAULT-VALUE}.")
    double skipCondition = 4;

    @Option(names = "--train-size", description = "Training examples (a random subset); default ${DEFAULT-VALUE} (--full: 10000).")
    int trainSize = 2000;

    @Option(names = "--test-size", description = "Test examples (a random subset of the test set); default ${DEFAULT-VALUE}.")
    int testSize = 1000;

    @Option(names = "--epochs", description = "Epochs of each training run (0 skips the training part); default ${DEFAULT-VALUE} (--full: 20).")
    int epochs = 10;

    @Option(names = "--batch", description = "Mini-batch size; default ${DEFAULT-VALUE}.")
    int batch = 64;

    @Option(names = "--lr", description = "SGD learning rate (momentum 0.9); default ${DEFAULT-VALUE}.")
    double lr = 0.003;

    /** The skips compared. */
    enum Skip {
        IDENTITY("identity skip"), ORTHOGONAL("orthogonal skip"), NON_ORTHOGONAL("non-orthogonal skip"), NONE("no skip");

        final String label;

        Skip(String label) {
            this.label = label;
        }

        String key() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private static final double[] BRANCH_SCALES = {0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 10};
    /** Relative tolerance for "non-zero" singular values: a few hundred ulps of the float64 products. */
    private static final double RANK_TOLERANCE = 1e-13;

    @Override
    protected String title() {
        return "Residual blocks: conditioning of the local Hessian and training with skips (Zhang, Chen & Liu 2018, §3.2, Remark 1; Orhan & Pitkow 2018)";
    }

    @Override
    protected void execute(Run run) throws Exception {
        if (common.full) {
            width = 128;
            depth = 50;
            trainSize = 10000;
            epochs = 20;
        }
        if (width < 2 || depth < 1 || samples < 1 || !(branchScale > 0) || !(skipCondition >= 1) || epochs < 0 || batch < 1 || !(lr > 0)) {
            throw new IllegalArgumentException("--width " + width + " (≥ 2), --depth " + depth + " (≥ 1), --samples " + samples + " (≥ 1), --branch-scale "
                    + branchScale + " (> 0), --skip-condition " + skipCondition + " (≥ 1), --epochs " + epochs + " (≥ 0), --batch " + batch + ", --lr " + lr + " are out of range");
        }
        long[] seeds = common.seedList();
        run.report().setting("Local Hessians: blocks of width n = " + width + ", branch φ(z) = β W₂ tanh(W₁ z) with W₁, W₂ entries N(0, 1/n), no bias; skips: identity, "
                        + "Haar orthogonal Q, non-orthogonal S = U diag(d) Vᵀ (U, V Haar, d geometric in [κ^{−1/2}, κ^{1/2}], κ = " + skipCondition + "), and none. "
                        + "Jacobians at " + samples + " inputs z ~ N(0, I) per seed (seeds " + Arrays.toString(seeds) + "), float64, dense singular values (EJML); "
                        + "condition numbers over non-zero singular values (relative tolerance " + RANK_TOLERANCE + "); medians over inputs.")
                .setting("The paper's Remark 1 is an inequality with no figure; its numerical example (σ_max = 0.8, s = 0.2: C((I + A)ᵀ(I + A)) ≈ 10 < 81 ≪ C(AᵀA)) is the anchor.");
        MetricsLog metrics = run.metrics("part", "seed", "sample", "skip", "branch_scale", "depth", "condition_number", "sigma_max_branch", "remark1_bound");
        int trainingSteps = epochs == 0 ? 0 : Skip.values().length * seeds.length * epochs;
        try (Progress progress = Progress.start("residual-conditioning", 2L * seeds.length + trainingSteps)) {
            branchScaleSweep(run, seeds, metrics, progress);
            depthSweep(run, seeds, metrics, progress);
            if (epochs > 0) training(run, seeds, progress);
        }
    }

    // ---- local Hessians -------------------------------------------------------------------------------

    /** One residual block's parameters in float64: its skip (null for none) and its branch weights. */
    private record Block(DMatrixRMaj skip, DMatrixRMaj w1, DMatrixRMaj w2) {}

    private Block block(Skip kind, SplittableRandom weights, SplittableRandom skips) {
        DMatrixRMaj w1 = gaussian(weights), w2 = gaussian(weights);
        return new Block(skipMatrix(kind, skips), w1, w2);
    }

    /** S for this kind of skip (null for none), drawn from {@code rng} where it is random. */
    private DMatrixRMaj skipMatrix(Skip kind, SplittableRandom rng) {
        return switch (kind) {
            case IDENTITY -> CommonOps_DDRM.identity(width);
            case ORTHOGONAL -> orthogonal(rng);
            case NON_ORTHOGONAL -> nonOrthogonal(rng);
            case NONE -> null;
        };
    }

    private DMatrixRMaj gaussian(SplittableRandom rng) {
        double[] v = Tensor.randn(rng, DType.FLOAT64, width, width).mul(1 / Math.sqrt(width)).toDoubleArray();
        return DMatrixRMaj.wrap(width, width, v);
    }

    private DMatrixRMaj orthogonal(SplittableRandom rng) {
        return DMatrixRMaj.wrap(width, width, Initializer.orthogonal().fill(Tensor.zeros(DType.FLOAT64, width, width), rng).toDoubleArray());
    }

    // U diag(d) Vᵀ, d_i = κ^{(i/(n−1)) − 1/2}: condition number κ, geometric mean of the singular values 1.
    private DMatrixRMaj nonOrthogonal(SplittableRandom rng) {
        DMatrixRMaj u = orthogonal(rng), v = orthogonal(rng);
        DMatrixRMaj ud = u.copy();
        for (int j = 0; j < width; j++) {
            double d = Math.pow(skipCondition, (double) j / (width - 1) - 0.5);
            for (int i = 0; i < width; i++) ud.unsafe_set(i, j, ud.unsafe_get(i, j) * d);
        }
        DMatrixRMaj s = new DMatrixRMaj(width, width);
        CommonOps_DDRM.multTransB(ud, v, s);
        return s;
    }

    // J_φ = β W₂ diag(1 − tanh²(W₁ z)) W₁ at z.
    private static DMatrixRMaj branchJacobian(Block b, double beta, DMatrixRMaj z) {
        int n = z.numRows;
        DMatrixRMaj a = new DMatrixRMaj(n, 1);
        CommonOps_DDRM.mult(b.w1(), z, a);
        DMatrixRMaj dw1 = b.w1().copy();
        for (int i = 0; i < n; i++) {
            double t = Math.tanh(a.get(i, 0));
            double d = 1 - t * t;
            for (int j = 0; j < n; j++) dw1.unsafe_set(i, j, dw1.unsafe_get(i, j) * d);
        }
        DMatrixRMaj j = new DMatrixRMaj(n, n);
        CommonOps_DDRM.mult(b.w2(), dw1, j);
        CommonOps_DDRM.scale(beta, j);
        return j;
    }

    // z_b = S z + β W₂ tanh(W₁ z).
    private static DMatrixRMaj forward(Block b, double beta, DMatrixRMaj z) {
        int n = z.numRows;
        DMatrixRMaj a = new DMatrixRMaj(n, 1);
        CommonOps_DDRM.mult(b.w1(), z, a);
        for (int i = 0; i < n; i++) a.set(i, 0, Math.tanh(a.get(i, 0)));
        DMatrixRMaj out = new DMatrixRMaj(n, 1);
        CommonOps_DDRM.mult(b.w2(), a, out);
        CommonOps_DDRM.scale(beta, out);
        if (b.skip() != null) CommonOps_DDRM.multAdd(b.skip(), z, out);
        return out;
    }

    // S + J_φ (J_φ alone without a skip).
    private static DMatrixRMaj blockJacobian(Block b, DMatrixRMaj branch) {
        if (b.skip() == null) return branch;
        DMatrixRMaj j = new DMatrixRMaj(branch.numRows, branch.numCols);
        CommonOps_DDRM.add(b.skip(), branch, j);
        return j;
    }

    // C(JᵀJ) = C(J)², from the singular values of J (more accurate than the eigenvalues of JᵀJ near the small end).
    private static double gaussNewtonCondition(DMatrixRMaj jacobian) {
        double c = ConditionNumber.ofSingularValues(DenseSpectrum.singularValues(jacobian), RANK_TOLERANCE).value();
        return c * c;
    }

    private DMatrixRMaj randomInput(SplittableRandom rng) {
        return DMatrixRMaj.wrap(width, 1, Tensor.randn(rng, DType.FLOAT64, width).toDoubleArray());
    }

    private void branchScaleSweep(Run run, long[] seeds, MetricsLog metrics, Progress progress) {
        // cond[skip][beta] pooled over seeds × samples
        Map<Skip, double[][]> cond = new LinkedHashMap<>();
        for (Skip k : Skip.values()) cond.put(k, new double[BRANCH_SCALES.length][seeds.length * samples]);
        double[][] bound = new double[BRANCH_SCALES.length][seeds.length * samples];
        int remarkApplies = 0, remarkHolds = 0, orthogonalWithinBound = 0;
        double worstIdentityOverBound = 0;
        for (int s = 0; s < seeds.length; s++) {
            SplittableRandom rng = new SplittableRandom(seeds[s]);
            for (int q = 0; q < samples; q++) {
                SplittableRandom weights = rng.split(), skips = rng.split();
                DMatrixRMaj z = randomInput(rng);
                // One branch for every skip, so that only S differs.
                Block branch = block(Skip.NONE, weights, skips);
                Map<Skip, DMatrixRMaj> skipOf = new LinkedHashMap<>();
                for (Skip k : Skip.values()) skipOf.put(k, skipMatrix(k, skips));
                for (int bi = 0; bi < BRANCH_SCALES.length; bi++) {
                    double beta = BRANCH_SCALES[bi];
                    DMatrixRMaj jphi = branchJacobian(branch, beta, z);
                    ResidualBlock.Remark1 r1 = ResidualBlock.remark1(jphi);
                    int idx = s * samples + q;
                    bound[bi][idx] = r1.bound();
                    boolean applies = r1.branchIsSmall() && r1.branchIsBadlyConditioned();
                    for (Skip k : Skip.values()) {
                        double c = gaussNewtonCondition(blockJacobian(new Block(skipOf.get(k), branch.w1(), branch.w2()), jphi));
                        cond.get(k)[bi][idx] = c;
                        metrics.row("branch-scale", seeds[s], q, k.key(), beta, 1, c, r1.sigmaMax(), r1.bound());
                    }
                    if (applies) {
                        remarkApplies++;
                        if (r1.conclusionHolds()) remarkHolds++;
                        // (Q + J)ᵀ(Q + J) = (I + QᵀJ)ᵀ(I + QᵀJ) and σ_max(QᵀJ) = σ_max(J): the same bound applies.
                        if (cond.get(Skip.ORTHOGONAL)[bi][idx] <= r1.bound() * (1 + 1e-9)) orthogonalWithinBound++;
                        worstIdentityOverBound = Math.max(worstIdentityOverBound, cond.get(Skip.IDENTITY)[bi][idx] / r1.bound());
                    }
                }
            }
            progress.step("branch scales, seed " + seeds[s]);
        }
        LinePlot plot = new LinePlot("One residual block: condition number of H_z = JᵀJ (n = " + width + ", median over inputs)", "branch scale β",
                "C(H_z) (log scale)").logX().logY();
        Map<Skip, double[]> median = new LinkedHashMap<>();
        for (Skip k : Skip.values()) {
            double[] m = Arrays.stream(cond.get(k)).mapToDouble(ResidualConditioning::median).toArray();
            median.put(k, m);
            plot.points(k.label + (k == Skip.NONE ? ", C(J_φᵀJ_φ)" : ""), BRANCH_SCALES, m);
        }
        double[] medianBound = Arrays.stream(bound).mapToDouble(ResidualConditioning::median).toArray();
        plot.points("Remark 1 bound ((2 − s)/s)², s = 1 − σ_max(J_φ)", BRANCH_SCALES, medianBound);
        String file = run.figure(plot, "condition-vs-branch-scale");
        List<List<String>> rows = new ArrayList<>();
        for (int bi = 0; bi < BRANCH_SCALES.length; bi++) {
            List<String> r = new ArrayList<>(List.of(MetricsLog.fmt(BRANCH_SCALES[bi])));
            for (Skip k : Skip.values()) r.add(MetricsLog.fmt(median.get(k)[bi]));
            r.add(MetricsLog.fmt(medianBound[bi]));
            rows.add(r);
        }
        run.result("remark1_cases", remarkApplies);
        run.result("remark1_holds", remarkHolds);
        run.result("orthogonal_within_remark1_bound", orthogonalWithinBound);
        run.report().section("One block: condition number against the branch scale").figure(file,
                        "Median condition number of the local Gauss–Newton H_z of one block against β, for each skip, with Remark 1's bound (where σ_max(J_φ) < 1)")
                .table(List.of("β", "identity", "orthogonal", "non-orthogonal", "no skip", "Remark 1 bound"), rows)
                .claim(new Claim("Remark 1: if σ_max(J_φ) < 1 − s and C(J_φ) > (2 − s)/s, then C((I + J_φ)ᵀ(I + J_φ)) < ((2 − s)/s)² < C(J_φᵀJ_φ): the identity skip conditions the block.",
                        remarkHolds + " of the " + remarkApplies + " (β, input) cases where both assumptions hold satisfy eq. 15 (largest C_identity / bound: "
                                + MetricsLog.fmt(worstIdentityOverBound) + ").",
                        remarkApplies == 0 ? Claim.Verdict.INCONCLUSIVE : Claim.Verdict.of(remarkHolds == remarkApplies)))
                .claim(new Claim("An orthogonal skip Q in place of I leaves the conditioning unchanged.",
                        orthogonalWithinBound + " of " + remarkApplies + " cases have C((Q + J_φ)ᵀ(Q + J_φ)) within the same bound; median C at β = " + BRANCH_SCALES[3]
                                + ": " + MetricsLog.fmt(median.get(Skip.ORTHOGONAL)[3]) + " (orthogonal) vs " + MetricsLog.fmt(median.get(Skip.IDENTITY)[3])
                                + " (identity). Agreement means every case within the bound and the medians within a factor 2 wherever σ_max(J_φ) < 1.",
                        remarkApplies == 0 ? Claim.Verdict.INCONCLUSIVE
                                : Claim.Verdict.of(orthogonalWithinBound == remarkApplies && mediansClose(median.get(Skip.ORTHOGONAL), median.get(Skip.IDENTITY), medianBound))));
        // Where the branch is small, a non-orthogonal skip dominates: C(H_z) → C(S)² = κ², above identity's.
        int small = 0, nonOrthWorse = 0, noSkipWorse = 0;
        for (int bi = 0; bi < BRANCH_SCALES.length; bi++) {
            if (!Double.isFinite(medianBound[bi])) continue;
            small++;
            if (median.get(Skip.NON_ORTHOGONAL)[bi] > median.get(Skip.IDENTITY)[bi]) nonOrthWorse++;
            if (median.get(Skip.NONE)[bi] > median.get(Skip.IDENTITY)[bi]) noSkipWorse++;
        }
        run.result("nonorthogonal_worse_than_identity", nonOrthWorse + "/" + small);
        run.report().claim(new Claim("A non-orthogonal skip increases the condition number (the explanation offered for Orhan & Pitkow's results); without a skip, C(J_φᵀJ_φ) is far larger.",
                "at the " + small + " branch scales with σ_max(J_φ) < 1: the non-orthogonal skip's median C is above the identity's at " + nonOrthWorse + ", no skip above it at "
                        + noSkipWorse + " (at β = " + BRANCH_SCALES[0] + ": " + MetricsLog.fmt(median.get(Skip.NON_ORTHOGONAL)[0]) + " vs " + MetricsLog.fmt(median.get(Skip.IDENTITY)[0])
                        + "; κ² = " + MetricsLog.fmt(skipCondition * skipCondition) + ").",
                small == 0 ? Claim.Verdict.INCONCLUSIVE : Claim.Verdict.of(nonOrthWorse == small && noSkipWorse == small)));
    }

    // Medians within a factor 2 at every β where the bound is defined (σ_max(J_φ) < 1).
    private static boolean mediansClose(double[] a, double[] b, double[] bound) {
        for (int i = 0; i < a.length; i++) {
            if (!Double.isFinite(bound[i])) continue;
            double r = a[i] / b[i];
            if (!(r <= 2 && r >= 0.5)) return false;
        }
        return true;
    }

    private void depthSweep(Run run, long[] seeds, MetricsLog metrics, Progress progress) {
        Map<Skip, double[][]> cond = new LinkedHashMap<>();
        for (Skip k : Skip.values()) cond.put(k, new double[depth][seeds.length * samples]);
        for (int s = 0; s < seeds.length; s++) {
            SplittableRandom rng = new SplittableRandom(seeds[s] + 7919);
            for (int q = 0; q < samples; q++) {
                long weightSeed = rng.nextLong(), skipSeed = rng.nextLong();
                DMatrixRMaj z0 = randomInput(rng);
                for (Skip k : Skip.values()) {
                    // The same branches for every skip (same weight stream), only S differs.
                    SplittableRandom weights = new SplittableRandom(weightSeed), skips = new SplittableRandom(skipSeed);
                    DMatrixRMaj z = z0, p = CommonOps_DDRM.identity(width);
                    for (int l = 0; l < depth; l++) {
                        Block b = block(k, weights, skips);
                        DMatrixRMaj j = blockJacobian(b, branchJacobian(b, branchScale, z));
                        DMatrixRMaj next = new DMatrixRMaj(width, width);
                        CommonOps_DDRM.mult(j, p, next);
                        p = next;
                        z = forward(b, branchScale, z);
                        double c = gaussNewtonCondition(p);
                        cond.get(k)[l][s * samples + q] = c;
                        metrics.row("depth", seeds[s], q, k.key(), branchScale, l + 1, c, Double.NaN, Double.NaN);
                    }
                }
            }
            progress.step("depth, seed " + seeds[s]);
        }
        double[] layers = new double[depth];
        for (int l = 0; l < depth; l++) layers[l] = l + 1;
        LinePlot plot = new LinePlot("Stack of L residual blocks: condition number of PᵀP, P = ∂z_L/∂z_0 (β = " + branchScale + ", n = " + width + ")",
                "depth L (blocks)", "C(PᵀP) (log scale)").logY();
        Map<Skip, double[]> median = new LinkedHashMap<>();
        for (Skip k : Skip.values()) {
            double[] m = Arrays.stream(cond.get(k)).mapToDouble(ResidualConditioning::median).toArray();
            median.put(k, m);
            plot.line(k.label, layers, m);
        }
        String file = run.figure(plot, "condition-vs-depth");
        double id = median.get(Skip.IDENTITY)[depth - 1], orth = median.get(Skip.ORTHOGONAL)[depth - 1];
        double non = median.get(Skip.NON_ORTHOGONAL)[depth - 1], none = median.get(Skip.NONE)[depth - 1];
        run.result("depth_condition_identity", id);
        run.result("depth_condition_orthogonal", orth);
        run.result("depth_condition_nonorthogonal", non);
        run.result("depth_condition_none", none);
        boolean orderedEverywhere = true;
        for (int l = 0; l < depth; l++) {
            double lo = Math.max(median.get(Skip.IDENTITY)[l], median.get(Skip.ORTHOGONAL)[l]);
            orderedEverywhere &= median.get(Skip.NON_ORTHOGONAL)[l] > lo && median.get(Skip.NONE)[l] > lo;
        }
        run.report().section("A stack of blocks: condition number against depth").figure(file,
                        "Median condition number of the Gauss–Newton matrix of the stack's input, PᵀP with P the product of the block Jacobians, against depth")
                .text("Above ≈ 1e26 (C(P) ≈ 1e13) the smallest singular values of P reach float64 round-off and the curve saturates; "
                        + "singular values below " + RANK_TOLERANCE + "·σ_max count as zero.")
                .claim(new Claim("Identity and orthogonal skips keep the local Hessian well conditioned as blocks are stacked; non-orthogonal skips and plain (skip-free) stacks are badly conditioned — why deep nets with them train worse (Orhan & Pitkow).",
                        "at depth " + depth + ": C = " + MetricsLog.fmt(id) + " (identity), " + MetricsLog.fmt(orth) + " (orthogonal), " + MetricsLog.fmt(non)
                                + " (non-orthogonal), " + MetricsLog.fmt(none) + " (no skip); non-orthogonal and no skip above both others at "
                                + (orderedEverywhere ? "every" : "not every") + " depth.",
                        Claim.Verdict.of(orderedEverywhere)));
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    // ---- training -------------------------------------------------------------------------------------

    private Module net(Skip kind, int in, int classes, long seed) {
        SplittableRandom weights = new SplittableRandom(seed + 17), skips = new SplittableRandom(seed + 29);
        List<Module> layers = new ArrayList<>();
        layers.add(new Linear(in, width, true, DType.FLOAT32, weights));
        layers.add(Activation.relu());
        for (int l = 0; l < depth; l++) {
            // Pre-activation branch W·ReLU(z) + b (He et al. 2016b): zero-mean output, so identity skips do not pile up ReLU's positive mean.
            Module branch = new Sequential(List.of(Activation.relu(), new Linear(width, width, true, DType.FLOAT32, weights)));
            layers.add(switch (kind) {
                case IDENTITY -> Residual.identity(branch);
                case ORTHOGONAL -> Residual.orthogonal(branch, width, DType.FLOAT32, skips);
                case NON_ORTHOGONAL -> Residual.linear(branch, Tensor.of(nonOrthogonal(skips).data, width, width).to(DType.FLOAT32));
                case NONE -> branch;
            });
        }
        layers.add(new Linear(width, classes, true, DType.FLOAT32, weights));
        return new Sequential(layers);
    }

    private void training(Run run, long[] seeds, Progress progress) throws Exception {
        SplittableRandom dataRng = new SplittableRandom(common.seed);
        DataOptions.Loaded data = dataOptions.load(dataRng.split());
        Dataset train = data.train().shuffled(dataRng.split()).slice(0, Math.min(trainSize, data.train().size())).flattenInputs();
        Dataset test = data.test().shuffled(dataRng.split()).slice(0, Math.min(testSize, data.test().size())).flattenInputs();
        int in = train.inputs().dim(1);
        run.report().setting("Training: " + data.description() + "; a random " + train.size() + "-example training subset and " + test.size() + " test examples. "
                + "Nets: Linear(" + in + " → " + width + ") + ReLU, " + depth + " blocks S·z + W·ReLU(z) + b (pre-activation branches; skip S as above, fixed; without a skip the net is a plain ReLU MLP), Linear(" + width + " → " + data.classes()
                + "); PyTorch's default initialization, the same branch weights for every skip. SGD, learning rate " + lr + ", momentum 0.9, batches of " + batch + ", "
                + epochs + " epochs, softmax cross-entropy, float32. Substitution: Orhan & Pitkow trained on CIFAR-100 and SVHN (not obtainable here).");
        MetricsLog log = run.csv("training", "seed", "skip", "epoch", "train_loss", "test_error");
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        Map<Skip, double[][]> losses = new LinkedHashMap<>(), errors = new LinkedHashMap<>();
        Map<Skip, List<String>> divergedAt = new LinkedHashMap<>();
        for (Skip k : Skip.values()) {
            divergedAt.put(k, new ArrayList<>());
            losses.put(k, new double[seeds.length][epochs]);
            errors.put(k, new double[seeds.length][epochs]);
        }
        for (int s = 0; s < seeds.length; s++) {
            for (Skip k : Skip.values()) {
                Module net = net(k, in, data.classes(), seeds[s]);
                Optimizer opt = Optimizer.of(Sgd.builder().lr(lr).momentum(0.9).build(), net);
                SplittableRandom batches = new SplittableRandom(seeds[s] + 31); // the same batch order for every skip
                boolean diverged = false;
                for (int e = 0; e < epochs; e++) {
                    double l = Double.NaN, err = Double.NaN;
                    if (!diverged) {
                        try {
                            l = Training.epoch(net, loss, opt, train, Math.min(batch, train.size()), batches, null);
                            err = Training.evaluate(net, loss, test, 1000, true).error();
                        } catch (IllegalStateException nonFinite) {
                            // The optimizer refuses a non-finite gradient: the run diverged; later epochs stay NaN (left out of the plots).
                            diverged = true;
                            divergedAt.get(k).add(seeds[s] + ":" + (e + 1));
                        }
                    }
                    losses.get(k)[s][e] = l;
                    errors.get(k)[s][e] = err;
                    log.row(seeds[s], k.key(), e + 1, l, err);
                    progress.step(k.label + " epoch " + (e + 1) + (diverged ? " diverged" : " loss " + MetricsLog.fmt(l)));
                }
            }
        }
        double[] epochAxis = new double[epochs];
        for (int e = 0; e < epochs; e++) epochAxis[e] = e + 1;
        LinePlot lossPlot = new LinePlot("Training loss, " + depth + "-block nets with each skip", "epoch", "training loss (log scale)").logY();
        LinePlot errorPlot = new LinePlot("Test error, " + depth + "-block nets with each skip", "epoch", "test error");
        List<List<String>> rows = new ArrayList<>();
        Map<Skip, Double> finalLoss = new LinkedHashMap<>();
        for (Skip k : Skip.values()) {
            double[] ml = Stats.meanOverRuns(losses.get(k)), me = Stats.meanOverRuns(errors.get(k));
            lossPlot.band(k.label, epochAxis, ml, seeds.length > 1 ? Stats.stdOverRuns(losses.get(k)) : null);
            errorPlot.band(k.label, epochAxis, me, seeds.length > 1 ? Stats.stdOverRuns(errors.get(k)) : null);
            // A diverged run (NaN) ranks below every finite one.
            finalLoss.put(k, Double.isNaN(ml[epochs - 1]) ? Double.POSITIVE_INFINITY : ml[epochs - 1]);
            run.result("final_train_loss_" + k.key(), ml[epochs - 1]);
            run.result("final_test_error_" + k.key(), me[epochs - 1]);
            run.result("diverged_" + k.key(), divergedAt.get(k).size());
            rows.add(List.of(k.label, MetricsLog.fmt(ml[epochs - 1]), MetricsLog.fmt(me[epochs - 1]),
                    divergedAt.get(k).isEmpty() ? "–" : "diverged (seed:epoch " + String.join(", ", divergedAt.get(k)) + ")"));
        }
        String spread = (seeds.length > 1 ? " (dashed: ± one standard deviation over seeds)" : "") + "; a diverged run ends its line";
        double id = finalLoss.get(Skip.IDENTITY), orth = finalLoss.get(Skip.ORTHOGONAL), non = finalLoss.get(Skip.NON_ORTHOGONAL), none = finalLoss.get(Skip.NONE);
        java.util.function.DoubleFunction<String> lossText = v -> Double.isInfinite(v) ? "diverged (non-finite gradient)" : MetricsLog.fmt(v);
        run.report().section("Training deep nets with each skip")
                .figure(run.figure(lossPlot, "training-loss"), "Training loss (mean of the epoch's batch losses) of the " + depth + "-block nets" + spread)
                .figure(run.figure(errorPlot, "test-error"), "Test error of the same runs" + spread)
                .table(List.of("skip", "final training loss", "final test error", "divergence"), rows)
                .claim(new Claim("Skip connections make deep nets trainable (Orhan & Pitkow: they eliminate singularities); in the paper's view because the identity keeps each block's local Hessian well conditioned.",
                        "final training loss " + lossText.apply(id) + " (identity), " + lossText.apply(orth) + " (orthogonal) against " + lossText.apply(none) + " without skips.",
                        Claim.Verdict.of(id < none && orth < none)))
                .claim(new Claim("Non-orthogonal skips train worse than identity or orthogonal ones (Orhan & Pitkow), explained by their larger condition number.",
                        "final training loss " + lossText.apply(non) + " with non-orthogonal skips (κ = " + skipCondition + ") against " + lossText.apply(id) + " (identity) and "
                                + lossText.apply(orth) + " (orthogonal).",
                        Claim.Verdict.of(non > id && non > orth)));
    }
}
