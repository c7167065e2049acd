package org.panopt.hessian.fisher;

import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.panopt.autograd.Autograd;
import org.panopt.hessian.BatchLoss;
import org.panopt.hessian.ModuleState;
import org.panopt.nn.Linear;
import org.panopt.nn.Module;
import org.panopt.nn.loss.Loss;
import org.panopt.tensor.Tensor;

/**
 * The exact Fisher of a network's linear layers beside its Kronecker-factored approximation, on one batch
 * (Martens &amp; Grosse 2015, §3 and figures 2–3; {@code spec/kfac.md} §1–2). With ā_{i−1} = [a_{i−1}; 1] the
 * input of layer i (homogeneous coordinate last) and g_i = ∂ℓ/∂s_i the per-case derivative of the loss of
 * a target drawn from the model with respect to its pre-activation output,
 * <pre>
 *   F_{i,j} = E[ ā_{i−1} ā_{j−1}ᵀ ⊗ g_i g_jᵀ ]          (exact)
 *   F̃_{i,j} = E[ ā_{i−1} ā_{j−1}ᵀ ] ⊗ E[ g_i g_jᵀ ] = Ā_{i−1,j−1} ⊗ G_{i,j}   (K-FAC)
 * </pre>
 * over θ = [vec(W̄₁); …; vec(W̄_ℓ)], W̄ᵢ = [Wᵢ bᵢ], vec stacking <em>columns</em> (vec(g āᵀ) = ā ⊗ g) —
 * the paper's layout, not the row-major order of {@code Module.parameters()}.
 *
 * <p>The expectation over the model's targets is exact, not sampled: per case, the output Fisher
 * F_R = D·∇²_z L (D from {@link org.panopt.nn.loss.Loss#caseDivisor}) is factored as F_R = Σ_k c_k c_kᵀ (eigen-decomposition),
 * and one back-propagation of each column c_k gives g^{(k)} with Σ_k g^{(k)} g^{(k)ᵀ} = E_y[g gᵀ] — K
 * backward passes for K outputs per case. The expectation over cases is the batch mean. So F equals
 * (D/N) times {@link org.panopt.hessian.FisherOperator#analytic} on the same parameters, reordered.
 *
 * <p>Only {@link Linear} layers are supported (K-FAC for convolutions is Grosse &amp; Martens 2016); the
 * analysed layers may be a subset (the paper's figures show the middle four of six). Everything is dense:
 * P² doubles for P analysed parameters.
 */
public final class KroneckerFisherAnalysis {
    private final List<Linear> layers;
    private final int[] offsets;
    private final DMatrixRMaj exact;
    private final DMatrixRMaj[][] a; // Ā_{i−1,j−1}
    private final DMatrixRMaj[][] g; // G_{i,j}

    private KroneckerFisherAnalysis(List<Linear> layers, DMatrixRMaj exact, DMatrixRMaj[][] a, DMatrixRMaj[][] g) {
        this.layers = layers;
        this.exact = exact;
        this.a = a;
        this.g = g;
        this.offsets = new int[layers.size() + 1];
        for (int i = 0; i < layers.size(); i++) offsets[i + 1] = offsets[i] + blockSize(layers.get(i));
    }

    private static int blockSize(Linear l) {
        return l.outFeatures() * (l.inFeatures() + (l.hasBias() ? 1 : 0));
    }

    /**
     * Computes the statistics of {@code layers} (linear layers of {@code network}, in forward order) on
     * the batch {@code inputs}; targets are not needed (they are drawn from the model, in expectation).
     */
    public static KroneckerFisherAnalysis of(Module network, List<Linear> layers, Loss loss, Tensor inputs) {
        LayerRecording.checkLayers(network, layers, "KroneckerFisherAnalysis");
        ModuleState.requireDeterministic(network, "KroneckerFisherAnalysis");
        return ModuleState.preserving(network, () -> compute(network, List.copyOf(layers), loss, inputs.detach()));
    }

    private static KroneckerFisherAnalysis compute(Module network, List<Linear> layers, Loss loss, Tensor x) {
        int l = layers.size();
        LayerRecording rec = LayerRecording.forward(network, layers, x, "KroneckerFisherAnalysis");
        Tensor z = rec.output();
        int n = z.dim(0);
        int k = z.size() / n;
        double[][] sqrt = outputFisherSquareRoots(loss, z, n, k);

        // ā per layer [N][d+1] and g^{(c)} per layer [c][N][d]
        double[][][] abar = new double[l][][];
        for (int i = 0; i < l; i++) abar[i] = LayerRecording.homogeneous(rec.inputs()[i], layers.get(i).hasBias());
        double[][][][] gs = new double[l][k][][];
        List<Tensor> pre = List.of(rec.preActivations());
        for (int c = 0; c < k; c++) {
            double[] u = new double[n * k];
            for (int row = 0; row < n; row++) for (int e = 0; e < k; e++) u[row * k + e] = sqrt[row][e * k + c];
            List<Tensor> grads = Autograd.grad(List.of(z), pre, List.of(Tensor.of(u, z.dims()).to(z.dtype())), false, true);
            for (int i = 0; i < l; i++) gs[i][c] = LayerRecording.rows(grads.get(i));
        }

        int[] sizes = new int[l];
        int total = 0;
        for (int i = 0; i < l; i++) total += sizes[i] = blockSize(layers.get(i));
        DMatrixRMaj exact = new DMatrixRMaj(total, total);
        // F = (1/N) Σ_{n,c} u uᵀ with u = [ā₁ ⊗ g₁; …], accumulated a chunk of (n, c) pairs at a time
        int chunk = 64;
        DMatrixRMaj u = new DMatrixRMaj(total, chunk);
        int filled = 0;
        for (int row = 0; row < n; row++) {
            for (int c = 0; c < k; c++) {
                int off = 0;
                for (int i = 0; i < l; i++) {
                    double[] ab = abar[i][row];
                    double[] gv = gs[i][c][row];
                    for (int p = 0; p < ab.length; p++)
                        for (int r = 0; r < gv.length; r++) u.unsafe_set(off + p * gv.length + r, filled, ab[p] * gv[r]);
                    off += sizes[i];
                }
                if (++filled == chunk) {
                    CommonOps_DDRM.multAddTransB(1.0 / n, u, u, exact);
                    filled = 0;
                }
            }
        }
        if (filled > 0) {
            DMatrixRMaj rest = CommonOps_DDRM.extract(u, 0, total, 0, filled);
            CommonOps_DDRM.multAddTransB(1.0 / n, rest, rest, exact);
        }

        DMatrixRMaj[][] aFactors = new DMatrixRMaj[l][l];
        DMatrixRMaj[][] gFactors = new DMatrixRMaj[l][l];
        for (int i = 0; i < l; i++) {
            for (int j = 0; j < l; j++) {
                aFactors[i][j] = meanOuter(abar[i], abar[j], n);
                DMatrixRMaj gij = new DMatrixRMaj(gs[i][0][0].length, gs[j][0][0].length);
                for (int c = 0; c < k; c++) CommonOps_DDRM.addEquals(gij, meanOuter(gs[i][c], gs[j][c], n));
                gFactors[i][j] = gij;
            }
        }
        return new KroneckerFisherAnalysis(layers, exact, aFactors, gFactors);
    }

    // Per case, a square root C with C Cᵀ = F_R = D·∇²_z L (row-major K×K per case).
    private static double[][] outputFisherSquareRoots(Loss loss, Tensor z, int n, int k) {
        Tensor out = z.detach();
        double d = loss.caseDivisor(out);
        double[][] fr = new double[n][k * k];
        for (int c = 0; c < k; c++) {
            double[] e = new double[n * k];
            for (int row = 0; row < n; row++) e[row * k + c] = 1;
            double[] col = loss.outputHessianVectorProduct(out, Tensor.of(e, out.dims()).to(out.dtype())).toDoubleArray();
            for (int row = 0; row < n; row++) for (int r = 0; r < k; r++) fr[row][r * k + c] = d * col[row * k + r];
        }
        double[][] roots = new double[n][];
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(k, true, true);
        for (int row = 0; row < n; row++) {
            DMatrixRMaj m = DMatrixRMaj.wrap(k, k, fr[row]);
            for (int r = 0; r < k; r++) for (int c = r + 1; c < k; c++) {
                double avg = 0.5 * (m.get(r, c) + m.get(c, r));
                m.set(r, c, avg);
                m.set(c, r, avg);
            }
            if (!eig.decompose(m.copy())) throw new ArithmeticException("KroneckerFisherAnalysis: eigen-decomposition of the output Fisher of case " + row + " failed");
            double[] root = new double[k * k];
            for (int c = 0; c < k; c++) {
                double lambda = Math.max(0, eig.getEigenvalue(c).real); // PSD up to round-off
                DMatrixRMaj v = eig.getEigenVector(c);
                for (int r = 0; r < k; r++) root[r * k + c] = v.get(r) * Math.sqrt(lambda);
            }
            roots[row] = root;
        }
        return roots;
    }

    private static DMatrixRMaj meanOuter(double[][] x, double[][] y, int n) {
        DMatrixRMaj m = new DMatrixRMaj(x[0].length, y[0].length);
        for (int row = 0; row < n; row++)
            for (int p = 0; p < x[row].length; p++)
                for (int q = 0; q < y[row].length; q++) m.unsafe_set(p, q, m.unsafe_get(p, q) + x[row][p] * y[row][q] / n);
        return m;
    }

    /** The analysed layers, in θ's order. */
    public List<Linear> layers() {
        return layers;
    }

    /** Where layer i's block starts in θ (i = size() gives P). */
    public int offset(int i) {
        return offsets[i];
    }

    /** P, the number of analysed parameters. */
    public int dim() {
        return offsets[layers.size()];
    }

    /** The exact Fisher F (P × P, K-FAC layout); a copy. */
    public DMatrixRMaj exactFisher() {
        return exact.copy();
    }

    /** Ā_{i−1,j−1} = E[ā_{i−1} ā_{j−1}ᵀ] for analysed layers i, j (0-based positions in {@link #layers()}). */
    public DMatrixRMaj inputFactor(int i, int j) {
        return a[i][j].copy();
    }

    /** G_{i,j} = E[g_i g_jᵀ] (exact expectation over model targets, mean over cases). */
    public DMatrixRMaj gradientFactor(int i, int j) {
        return g[i][j].copy();
    }

    /** F̃, every block Ā_{i−1,j−1} ⊗ G_{i,j} (dense P × P). */
    public DMatrixRMaj kroneckerFactored() {
        DMatrixRMaj f = new DMatrixRMaj(dim(), dim());
        for (int i = 0; i < layers.size(); i++)
            for (int j = 0; j < layers.size(); j++) CommonOps_DDRM.insert(CommonOps_DDRM.kron(a[i][j], g[i][j], null), f, offsets[i], offsets[j]);
        return f;
    }

    /** F̆ = diag(Ā_{i−1,i−1} ⊗ G_{i,i}): K-FAC's block-diagonal approximation. */
    public DMatrixRMaj blockDiagonal() {
        DMatrixRMaj f = new DMatrixRMaj(dim(), dim());
        for (int i = 0; i < layers.size(); i++) CommonOps_DDRM.insert(CommonOps_DDRM.kron(a[i][i], g[i][i], null), f, offsets[i], offsets[i]);
        return f;
    }

    /**
     * The permutation from the row-major {@code Module.parameters()} order of the analysed layers' (weight,
     * bias) pairs to θ: {@code perm[q]} is the θ index of the q-th scalar of [W₁ (row-major), b₁, W₂, b₂, …].
     */
    public int[] fromParameterOrder() {
        int[] perm = new int[dim()];
        int q = 0;
        for (int i = 0; i < layers.size(); i++) {
            Linear lin = layers.get(i);
            int out = lin.outFeatures();
            int in = lin.inFeatures();
            for (int r = 0; r < out; r++) for (int c = 0; c < in; c++) perm[q++] = offsets[i] + c * out + r;
            if (lin.hasBias()) for (int r = 0; r < out; r++) perm[q++] = offsets[i] + in * out + r;
        }
        return perm;
    }
}
