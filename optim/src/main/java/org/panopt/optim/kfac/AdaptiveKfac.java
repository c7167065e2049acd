package org.panopt.optim.kfac;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.panopt.backend.HostStorage;
import org.panopt.nn.Module;
import org.panopt.optim.GradientTransformation;
import org.panopt.optim.ModelObjective;
import org.panopt.optim.Objective;
import org.panopt.optim.StepContext;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * Adaptive K-FAC as a {@link GradientTransformation}: the incoming updates must be the gradient of the loss
 * (K-FAC heads its chain), the outgoing ones are the step δ, and the {@link StepContext} must hold a
 * {@link ModelObjective} — K-FAC makes its own passes through the model. One step at iteration k
 * ({@code spec/kfac.md} §6.3, Martens &amp; Grosse 2015 arXiv §9):
 * <ol>
 * <li>∇h = ∇L + ηθ and h = L + (η/2)‖θ‖² on the batch S′ (m cases);</li>
 * <li>statistics on a random S₁ (τ₁m cases): forward with layer hooks, targets sampled from the model,
 *     backward to the layer outputs; Ā, G (and the cross moments) decayed with ε_k ({@link KfacStatistics});</li>
 * <li>γ candidates {γ} — or {γ, ω₂γ, γ/ω₂} when k ≡ 0 (mod T₂); the inverse for γ is recomputed when
 *     k ≤ 3 or k ≡ 0 (mod T₃), the other candidates always;</li>
 * <li>per candidate: Δ = −F̆_γ⁻¹∇h (or −F̂_γ⁻¹∇h), the exact-Fisher products on a random S₂ (τ₂m cases),
 *     (α*, μ*) from the 2-D quadratic model, δ = α*Δ + μ*δ₀; keep the candidate with the lowest M(δ);</li>
 * <li>every T₁ iterations: ρ = [h(θ+δ) − h(θ)]/[M(δ) − M(0)] on S′ (a probe: the model is untouched) and
 *     the Levenberg–Marquardt update of λ.</li>
 * </ol>
 * The optimizer facade then adds δ to the parameters.
 */
final class AdaptiveKfac implements GradientTransformation<KfacState> {
    private final Module model;
    private final KfacConfig config;

    AdaptiveKfac(Module model, KfacConfig config) {
        this.model = model;
        this.config = config;
    }

    KfacConfig config() {
        return config;
    }

    @Override
    public KfacState init(List<Tensor> params) {
        int layers = KfacLayer.discover(model, params, false).layers().size();
        return new KfacState(0, config.initialLambda(), config.initialGamma(), Collections.nCopies(params.size(), null),
                Collections.nCopies(layers, KroneckerFactors.EMPTY), Collections.nCopies(layers, KfacState.NO_INVERSE), KfacReport.NONE);
    }

    @Override
    public Update<KfacState> update(List<Tensor> gradient, KfacState state, List<Tensor> params, StepContext context) {
        Objective objective = context.requireObjective("K-FAC");
        if (!(objective instanceof ModelObjective mo)) {
            throw new IllegalStateException("K-FAC makes its own passes through the model and needs a ModelObjective (e.g. ModuleObjective), got "
                    + objective.getClass().getSimpleName());
        }
        if (mo.model() != model) throw new IllegalStateException("K-FAC was built for another model than the objective's");
        List<KfacLayer> layers = KfacLayer.discover(model, params, false).layers();
        if (layers.size() != state.factors().size()) {
            throw new IllegalStateException("K-FAC: the state has " + state.factors().size() + " layers, the model " + layers.size());
        }
        long k = state.step() + 1;
        int m = mo.inputs().dim(0);
        SplittableRandom rng = new SplittableRandom(config.seed() ^ (0x9E3779B97F4A7C15L * k));
        double eta = config.l2();
        double lambda = state.lambda();
        double b = lambda + eta;

        // ∇h and h with the ℓ2 term, in layer-matrix form, in the working precision (see workingType).
        DType work = workingType(params);
        List<Tensor> grad = new ArrayList<>(layers.size());
        for (KfacLayer layer : layers) grad.add(addScaledParameters(layer, layer.matrixOf(gradient, work), eta, params));
        double h0 = context.loss() + 0.5 * eta * Float64.dot(params, params); // every parameter belongs to a layer

        // 1. Statistics on S₁.
        long t0 = System.nanoTime();
        int[] s1 = BatchRows.sample(m, BatchRows.subsetSize(m, config.statisticsFraction()), rng);
        List<KfacStatistics.LayerRows> rows = KfacStatistics.rows(mo, layers, s1,
                config.empiricalFisher() ? KfacStatistics.Targets.EMPIRICAL : KfacStatistics.Targets.SAMPLED, config.tridiagonal(), rng);
        double epsilon = KfacSchedules.statisticsDecay(k, config.maxStatisticsDecay());
        List<KroneckerFactors> factors = KfacStatistics.decay(state.factors(), rows, config.tridiagonal(), epsilon);
        long statisticsNanos = System.nanoTime() - t0;

        // 2. Exact-Fisher products on S₂; δ₀'s tangent once for all candidates.
        long fisherNanos = 0;
        long inverseNanos = 0;
        long applyNanos = 0;
        t0 = System.nanoTime();
        int[] s2 = BatchRows.sample(m, BatchRows.subsetSize(m, config.fisherFraction()), rng);
        ExactFisherProducts fisher = ExactFisherProducts.on(mo, s2);
        boolean havePrevious = state.previousUpdate().getFirst() != null;
        List<Tensor> previous = havePrevious ? layerMatrices(layers, state.previousUpdate(), work) : null;
        boolean momentum = config.momentum() && havePrevious;
        Tensor jPrevious = momentum ? fisher.jvp(state.previousUpdate()) : null;
        double fVV = momentum ? fisher.product(jPrevious, jPrevious) : 0;
        double vV = momentum ? Float64.dot(previous, previous) : 0;
        double gV = momentum ? Float64.dot(grad, previous) : 0;
        fisherNanos += System.nanoTime() - t0;

        // 3. γ candidates.
        double gamma = state.gamma();
        boolean refresh = KfacSchedules.refreshesInverse(k, config.inverseInterval(), config.earlyRefresh()) || !state.hasInverses();
        List<Double> candidates = new ArrayList<>(List.of(gamma));
        if (KfacSchedules.every(k, config.gammaInterval())) {
            candidates.add(clampGamma(config.gammaDecay() * gamma));
            candidates.add(clampGamma(gamma / config.gammaDecay()));
        }
        Candidate best = null;
        for (double gc : candidates) {
            t0 = System.nanoTime();
            List<LayerInverse> inverses = gc == gamma && !refresh ? state.inverses() : buildInverse(factors, gc);
            inverseNanos += System.nanoTime() - t0;
            t0 = System.nanoTime();
            List<Tensor> delta = applyInverse(inverses, grad, -1);
            applyNanos += System.nanoTime() - t0;
            t0 = System.nanoTime();
            Tensor jDelta = fisher.jvp(toParameters(layers, delta, params));
            QuadraticModel.Products p = new QuadraticModel.Products(fisher.product(jDelta, jDelta),
                    momentum ? fisher.product(jDelta, jPrevious) : 0, fVV, Float64.dot(delta, delta),
                    momentum ? Float64.dot(delta, previous) : 0, vV, Float64.dot(grad, delta), gV);
            QuadraticModel.Coefficients c = QuadraticModel.solve(p, b, momentum);
            fisherNanos += System.nanoTime() - t0;
            if (best == null || c.predictedChange() < best.coefficients.predictedChange()) best = new Candidate(gc, inverses, delta, c);
        }

        // 4. The step δ = α*Δ + μ*δ₀.
        QuadraticModel.Coefficients c = best.coefficients;
        List<Tensor> step = momentum ? Float64.combine(c.alpha(), best.delta, c.mu(), previous) : Float64.scale(c.alpha(), best.delta);
        List<Tensor> stepPerParameter = toParameters(layers, step, params);

        // 5. ρ and λ.
        double rho = Double.NaN;
        double actual = Double.NaN;
        double stepSq = Float64.dot(step, step);
        double denominator = config.rhoWithLambda() ? c.predictedChange() : c.predictedChange() - 0.5 * lambda * stepSq;
        double nextLambda = lambda;
        long lossNanos = 0;
        boolean adapt = KfacSchedules.every(k, config.lambdaInterval());
        if (adapt || config.reductionEveryStep()) {
            t0 = System.nanoTime();
            List<Tensor> proposal = new ArrayList<>(params.size());
            for (int i = 0; i < params.size(); i++) proposal.add(params.get(i).detach().add(stepPerParameter.get(i)));
            double h1 = mo.probe(params, proposal, params.getFirst().dtype());
            double proposalSq = Float64.dot(proposal, proposal);
            actual = h1 + 0.5 * eta * proposalSq - h0;
            rho = LevenbergMarquardt.ratio(actual, denominator);
            if (adapt) {
                nextLambda = LevenbergMarquardt.adjust(lambda, rho, config.lambdaDecay(), config.rhoLow(), config.rhoHigh(),
                        config.minLambda(), config.maxLambda());
            }
            lossNanos = System.nanoTime() - t0;
        }

        double[] pis = new double[layers.size()];
        for (int i = 0; i < pis.length; i++) pis[i] = best.inverses.get(i).pi();
        KfacReport report = new KfacReport(k, lambda, nextLambda, best.gamma, c.alpha(), c.mu(), rho, c.predictedChange(), denominator, actual, h0,
                Tensor.of(pis), candidates.size(), refresh || candidates.size() > 1, statisticsNanos, fisherNanos, inverseNanos, applyNanos, lossNanos);
        KfacState next = new KfacState(k, nextLambda, best.gamma, stepPerParameter, factors, best.inverses, report);
        return new Update<>(stepPerParameter, next);
    }

    private record Candidate(double gamma, List<LayerInverse> inverses, List<Tensor> delta, QuadraticModel.Coefficients coefficients) {}

    private double clampGamma(double g) {
        return Math.min(config.maxGamma(), Math.max(config.minGamma(), g));
    }

    private List<LayerInverse> buildInverse(List<KroneckerFactors> factors, double gamma) {
        return config.tridiagonal() ? BlockTridiagonalInverse.build(factors, gamma) : BlockDiagonalInverse.build(factors, gamma);
    }

    /** s·F⁻¹v (s = −1 gives the proposal Δ from ∇h). */
    private List<Tensor> applyInverse(List<LayerInverse> inverses, List<Tensor> v, double s) {
        if (config.tridiagonal()) return Float64.scale(s, BlockTridiagonalInverse.apply(inverses, v));
        return BlockDiagonalInverse.apply(inWorkingPrecision(inverses, v.getFirst().dtype()), v, s);
    }

    /**
     * The precision the layer matrices (gradient, proposal, previous step) are handled in: the parameters'
     * dtype for the block-diagonal version — the gradient carries no more precision than that, and float32
     * products run at twice the speed — while the factors and their inverses are computed and kept in float64.
     * The block-tridiagonal version works in float64 throughout: its denominators 1 − s₂s₁ᵀ can be small.
     */
    private DType workingType(List<Tensor> params) {
        if (config.tridiagonal()) return DType.FLOAT64;
        DType first = params.getFirst().dtype();
        for (Tensor p : params) if (p.dtype() != first) return DType.FLOAT64;
        return first;
    }

    // A memo of the last inverses converted to the working precision; the state keeps the float64 originals.
    private List<LayerInverse> castFrom = List.of();
    private List<LayerInverse> castTo = List.of();

    private synchronized List<LayerInverse> inWorkingPrecision(List<LayerInverse> inverses, DType dtype) {
        if (dtype == DType.FLOAT64) return inverses;
        boolean same = castFrom.size() == inverses.size() && castTo.size() == inverses.size()
                && (castTo.isEmpty() || castTo.getFirst().outputInverse().dtype() == dtype);
        for (int i = 0; same && i < inverses.size(); i++) same = castFrom.get(i) == inverses.get(i);
        if (!same) {
            List<LayerInverse> converted = new ArrayList<>(inverses.size());
            for (LayerInverse li : inverses) converted.add(li.to(dtype));
            castFrom = List.copyOf(inverses);
            castTo = converted;
        }
        return castTo;
    }

    /**
     * matrix + c·[W b] in place: {@code matrix} is a fresh homogeneous layer matrix (it owns its heap array), the
     * layer's weight W (flattened to {@code [d_out, d_in]}, as {@link KfacLayer#toMatrix}) and bias b are read
     * from {@code params} without copying them. Returns {@code matrix}.
     */
    static Tensor addScaledParameters(KfacLayer layer, Tensor matrix, double c, List<Tensor> params) {
        if (c == 0) return matrix;
        int rows = layer.outputDim();
        int ld = layer.inputDim();
        Tensor w = params.get(layer.weightIndex());
        Tensor b = layer.biasIndex() < 0 ? null : params.get(layer.biasIndex());
        int wc = w.size() / rows;
        if (matrix.offset() == 0 && matrix.storage() instanceof HostStorage.Floats(float[] m) && m.length == rows * ld) {
            float[] wa = w.dtype() == DType.FLOAT32 ? Float64.heapFloats(w) : w.toFloatArray();
            for (int r = 0; r < rows; r++) {
                int mr = r * ld;
                int wr = r * wc;
                for (int j = 0; j < wc; j++) m[mr + j] = (float) (m[mr + j] + c * wa[wr + j]);
            }
            if (b != null) {
                float[] ba = b.dtype() == DType.FLOAT32 ? Float64.heapFloats(b) : b.toFloatArray();
                for (int r = 0; r < rows; r++) m[r * ld + wc] = (float) (m[r * ld + wc] + c * ba[r]);
            }
            return matrix;
        }
        if (matrix.offset() == 0 && matrix.storage() instanceof HostStorage.Doubles(double[] m) && m.length == rows * ld) {
            double[] wa = w.dtype() == DType.FLOAT64 ? Float64.heapDoubles(w) : w.toDoubleArray();
            for (int r = 0; r < rows; r++) {
                int mr = r * ld;
                int wr = r * wc;
                for (int j = 0; j < wc; j++) m[mr + j] += c * wa[wr + j];
            }
            if (b != null) {
                double[] ba = b.dtype() == DType.FLOAT64 ? Float64.heapDoubles(b) : b.toDoubleArray();
                for (int r = 0; r < rows; r++) m[r * ld + wc] += c * ba[r];
            }
            return matrix;
        }
        return matrix.add(layer.toMatrix(w, b, matrix.dtype()).mul(c));
    }

    /** Per-parameter tensors → one homogeneous matrix per layer, in {@code dtype}. */
    static List<Tensor> layerMatrices(List<KfacLayer> layers, List<Tensor> perParameter, DType dtype) {
        List<Tensor> out = new ArrayList<>(layers.size());
        for (KfacLayer l : layers) out.add(l.matrixOf(perParameter, dtype));
        return out;
    }

    /** One homogeneous matrix per layer → fresh per-parameter tensors in each parameter's dtype (zeros for uncovered ones). */
    static List<Tensor> toParameters(List<KfacLayer> layers, List<Tensor> matrices, List<Tensor> params) {
        Tensor[] out = new Tensor[params.size()];
        for (int i = 0; i < layers.size(); i++) {
            KfacLayer l = layers.get(i);
            out[l.weightIndex()] = fresh(l.weightPart(matrices.get(i), params.get(l.weightIndex()).dtype()), matrices.get(i));
            if (l.biasIndex() >= 0) out[l.biasIndex()] = fresh(l.biasPart(matrices.get(i), params.get(l.biasIndex()).dtype()), matrices.get(i));
        }
        for (int i = 0; i < out.length; i++) if (out[i] == null) out[i] = Tensor.zeros(params.get(i).dtype(), params.get(i).dims());
        return java.util.Arrays.asList(out);
    }

    // A layer without bias returns its matrix itself as the weight part: copy it so no two results share storage.
    private static Tensor fresh(Tensor part, Tensor matrix) {
        return part.storage() == matrix.storage() ? part.copy() : part;
    }
}
