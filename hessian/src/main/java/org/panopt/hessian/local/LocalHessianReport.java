package org.panopt.hessian.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.panopt.autograd.Autograd;
import org.panopt.hessian.ModuleState;
import org.panopt.nn.BlockScales;
import org.panopt.nn.Module;
import org.panopt.nn.Sequential;
import org.panopt.tensor.Tensor;

/**
 * The local Hessians of every block of a network at its current weights, on one batch: for each block,
 * the spectrum of the mean per-sample input Hessian H_z = (1/m) Σⱼ H_z[j] (batch-norm statistics frozen,
 * eq. 17's convention) and of the weight Hessian H_W (eq. 9's 1/m, through the batch statistics), both
 * Gauss–Newton (zero residual: the paper's object), and the scale-amended SGD scalars m_{b,W} = 1/‖W‖²_{2,µ},
 * m_{b,z} = ‖Wᵀ‖²_{2,µ}/‖W‖²_{2,µ} of the block's first weight ({@link BlockScales}).
 *
 * <p>The blocks are a chain: block b's input is block b−1's output (the first block gets the batch).
 * {@link #blocksOf(Sequential)} splits a {@link Sequential} into such blocks. The top block is analysed with
 * the same squared matching loss as the others (the paper's ℓ_B is the training loss itself). The network
 * is not changed: buffers and modes are restored.
 */
public record LocalHessianReport(List<Entry> blocks) {

    /**
     * One block.
     *
     * @param index       position in the chain
     * @param block       the block's description
     * @param batchSize   m
     * @param inputDim    n_{b−1} (per sample)
     * @param outputDim   n_b (per sample)
     * @param weightScale m_{b,W} (NaN without a weight of rank ≥ 2)
     * @param inputScale  m_{b,z} (NaN without a weight of rank ≥ 2)
     * @param input       spectrum of the mean per-sample H_z
     * @param weight      spectrum of H_W (null for a block without parameters)
     */
    public record Entry(int index, String block, int batchSize, int inputDim, int outputDim, double weightScale, double inputScale,
                        SpectrumSummary input, SpectrumSummary weight) {}

    /**
     * @param denseLimit        operators up to this dimension are decomposed densely
     * @param tolerance         relative tolerance for "non-zero" eigenvalues (condition numbers, rank)
     * @param hutchinsonSamples probes for the mean eigenvalue of larger operators
     * @param weights           whether to analyse H_W too (it is the expensive part for wide blocks)
     * @param seed              seeds Lanczos and Hutchinson
     */
    public record Options(int denseLimit, double tolerance, int hutchinsonSamples, boolean weights, long seed) {
        public Options {
            if (denseLimit < 0 || hutchinsonSamples <= 0 || !(tolerance >= 0)) {
                throw new IllegalArgumentException("LocalHessianReport.Options: denseLimit " + denseLimit + ", tolerance " + tolerance
                        + ", hutchinsonSamples " + hutchinsonSamples + " must be ≥ 0, ≥ 0, > 0");
            }
        }

        /** Dense up to 1000, tolerance 1e-10 (float64 networks; use ≈ 1e-5 for float32), 30 probes, weights on, seed 0. */
        public static Options defaults() {
            return new Options(1000, 1e-10, 30, true, 0);
        }
    }

    /** The report for a chain of blocks on {@code input}. */
    public static LocalHessianReport of(List<Module> blocks, Tensor input, Options options) {
        List<Entry> entries = new ArrayList<>(blocks.size());
        Tensor z = input.detach();
        for (int b = 0; b < blocks.size(); b++) {
            Module block = blocks.get(b);
            LocalHessian local = LocalHessian.gaussNewton(block, z);
            SpectrumSummary hz = SpectrumSummary.of(local.meanInputHessian(), options.denseLimit(), options.tolerance(),
                    options.hutchinsonSamples(), options.seed());
            SpectrumSummary hw = options.weights() && !block.parameters().isEmpty()
                    ? SpectrumSummary.of(local.weightHessian(), options.denseLimit(), options.tolerance(), options.hutchinsonSamples(), options.seed())
                    : null;
            Tensor weight = block.parameters().stream().filter(t -> t.rank() >= 2).findFirst().orElse(null);
            double mW = weight == null ? Double.NaN : BlockScales.weightScale(weight);
            double mZ = weight == null ? Double.NaN : BlockScales.inputScale(weight);
            entries.add(new Entry(b, block.toString().replace("\n", " ").replaceAll(" +", " "), local.batchSize(), local.inputDim(),
                    local.outputDim(), mW, mZ, hz, hw));
            Tensor in = z;
            z = ModuleState.preserving(block, () -> Autograd.noGrad(() -> block.forward(in))).detach();
        }
        return new LocalHessianReport(entries);
    }

    /**
     * Splits a sequential network into blocks: a new block starts at every layer that owns a weight of
     * rank ≥ 2 (a linear or convolutional layer, or a residual block containing one); batch norm,
     * activations, pooling and flattening join the block before them (layers before the first weight join
     * the first block), as the paper's "FC/conv + BN (+ ReLU)" blocks.
     */
    public static List<Module> blocksOf(Sequential network) {
        List<List<Module>> groups = new ArrayList<>();
        List<Module> pending = new ArrayList<>();
        for (Module layer : network.layers()) {
            boolean weighted = layer.parameters().stream().anyMatch(t -> t.rank() >= 2);
            if (weighted) {
                List<Module> group = new ArrayList<>(groups.isEmpty() ? pending : List.of());
                if (groups.isEmpty()) pending.clear();
                group.add(layer);
                groups.add(group);
            } else if (groups.isEmpty()) {
                pending.add(layer);
            } else {
                groups.getLast().add(layer);
            }
        }
        if (groups.isEmpty()) throw new IllegalArgumentException("LocalHessianReport.blocksOf: " + network + " has no layer with a weight");
        List<Module> blocks = new ArrayList<>(groups.size());
        for (List<Module> g : groups) blocks.add(g.size() == 1 ? g.getFirst() : new Sequential(g));
        return blocks;
    }

    /** A Markdown table: one row per block. */
    public String toMarkdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("| b | block | n_{b−1} → n_b | m_{b,W} | m_{b,z} | H_z λ_max | H_z λ_min | H_z mean | H_z rank | C(H_z) | H_W λ_max | H_W mean | C(H_W) |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Entry e : blocks) {
            SpectrumSummary z = e.input();
            SpectrumSummary w = e.weight();
            sb.append(String.format(Locale.ROOT, "| %d | %s | %d → %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", e.index(),
                    e.block().length() > 60 ? e.block().substring(0, 57) + "…" : e.block(), e.inputDim(), e.outputDim(), num(e.weightScale()),
                    num(e.inputScale()), num(z.largest()), num(z.smallest()), num(z.mean()), z.rank() < 0 ? "?" : Integer.toString(z.rank()),
                    num(z.condition()), w == null ? "–" : num(w.largest()), w == null ? "–" : num(w.mean()), w == null ? "–" : num(w.condition())));
        }
        return sb.toString();
    }

    private static String num(double x) {
        return Double.isNaN(x) ? "–" : String.format(Locale.ROOT, "%.4g", x);
    }
}
