package org.panopt.hessian.fisher;

import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.panopt.nn.Linear;
import org.panopt.tensor.Tensor;

/**
 * The error of K-FAC's Kronecker factorization entry by entry, and its expression through cumulants (Martens
 * &amp; Grosse 2015, §2.1, eqs. 2–4), computed exactly over a finite distribution of layer quantities
 * ({@link LayerAtoms}). For the parameters [W_i]_{k₂,k₁} and [W_j]_{k₄,k₃} (θ entries α, β in the K-FAC layout
 * of {@link KroneckerFisherAnalysis}) write a₁ = [ā_{i−1}]_{k₁}, g₁ = [g_i]_{k₂}, a₂ = [ā_{j−1}]_{k₃},
 * g₂ = [g_j]_{k₄}. Then
 * <pre>
 *   F_{αβ}  = E[a₁a₂g₁g₂]                   (exact Fisher)
 *   F̃_{αβ}  = E[a₁a₂]·E[g₁g₂]               (K-FAC, eq. 2)
 *   F − F̃   = κ(a₁,a₂,g₁,g₂) + E[a₁]κ(a₂,g₁,g₂) + E[a₂]κ(a₁,g₁,g₂)                      (eq. 3)
 *           + E[g₁]κ(a₁,a₂,g₂) + E[g₂]κ(a₁,a₂,g₁) + κ(a₁,g₁)κ(a₂,g₂) + κ(a₁,g₂)κ(a₂,g₁)
 *           + E[a₁]E[g₁]κ(a₂,g₂) + E[a₁]E[g₂]κ(a₂,g₁) + E[a₂]E[g₁]κ(a₁,g₂) + E[a₂]E[g₂]κ(a₁,g₁)   (the remainder)
 *   bound   = |κ(a₁,a₂,g₁,g₂)| + |E[a₁]||κ(a₂,g₁,g₂)| + |E[a₂]||κ(a₁,g₁,g₂)|                 (eq. 4)
 * </pre>
 * The first line is the moment–cumulant expansion of E[a₁a₂g₁g₂] − E[a₁a₂]E[g₁g₂] in full (it holds for any
 * distribution); eq. 3 is what is left when E[g] = 0 and Cov(ā, g) = 0, which is the case when y is drawn
 * from the model (E[g | x] = 0, ā a function of x): then the remainder vanishes and eq. 4 bounds |F − F̃|
 * entrywise. Cumulants are computed from raw moments by the general formulas (no term assumed zero), so
 * {@link #remainder()} measures how far a distribution is from that case (the empirical Fisher's is not).
 *
 * <p>All raw moments up to order four come from one weighted Gram matrix RᵀR over the atoms, each row
 * √w·[ā₁⊗g₁; …; ā_ℓ⊗g_ℓ; ā₁; …; ā_ℓ; g₁; …; g_ℓ; 1], computed by core's float64 GEMM in chunks of atoms.
 * Dense: several P × P matrices of doubles for P analysed parameters.
 */
public final class KroneckerCumulants {
    private static final int CHUNK = 2048;

    private final List<Linear> layers;
    private final int[] offsets;
    private final DMatrixRMaj exact;
    private final DMatrixRMaj factored;
    private final DMatrixRMaj paper;
    private final DMatrixRMaj fourth;
    private final DMatrixRMaj bound;
    private final DMatrixRMaj remainder;
    private final double maxMeanDerivative;
    private final double maxCrossCovariance;

    private KroneckerCumulants(List<Linear> layers, int[] offsets, DMatrixRMaj exact, DMatrixRMaj factored, DMatrixRMaj paper, DMatrixRMaj fourth,
                               DMatrixRMaj bound, DMatrixRMaj remainder, double maxMeanDerivative, double maxCrossCovariance) {
        this.layers = layers;
        this.offsets = offsets;
        this.exact = exact;
        this.factored = factored;
        this.paper = paper;
        this.fourth = fourth;
        this.bound = bound;
        this.remainder = remainder;
        this.maxMeanDerivative = maxMeanDerivative;
        this.maxCrossCovariance = maxCrossCovariance;
    }

    /** Computes every matrix of the class over the atoms' distribution. */
    public static KroneckerCumulants of(LayerAtoms atoms) {
        int l = atoms.layers().size();
        int[] offsets = new int[l + 1];
        int[] aOff = new int[l + 1];
        int[] gOff = new int[l + 1];
        for (int i = 0; i < l; i++) {
            offsets[i + 1] = offsets[i] + atoms.inputSize(i) * atoms.derivativeSize(i);
            aOff[i + 1] = aOff[i] + atoms.inputSize(i);
            gOff[i + 1] = gOff[i] + atoms.derivativeSize(i);
        }
        int p = offsets[l];
        int colA = p;
        int colG = p + aOff[l];
        int colOne = colG + gOff[l];
        int q = colOne + 1;
        double[] gram = gram(atoms, offsets, aOff, gOff, colA, colG, colOne, q);

        // for each θ index: its ā index and g index in the concatenations
        int[] ai = new int[p];
        int[] gi = new int[p];
        for (int i = 0; i < l; i++) {
            int dg = atoms.derivativeSize(i);
            for (int k = offsets[i]; k < offsets[i + 1]; k++) {
                int local = k - offsets[i];
                ai[k] = aOff[i] + local / dg; // vec stacks columns: θ = ā ⊗ g
                gi[k] = gOff[i] + local % dg;
            }
        }
        double[] mu = new double[q]; // E[·] of every column
        for (int c = 0; c < q; c++) mu[c] = gram[c * q + colOne];

        double maxMeanG = 0;
        for (int c = colG; c < colOne; c++) maxMeanG = Math.max(maxMeanG, Math.abs(mu[c]));
        double maxCov = 0;
        for (int a = colA; a < colG; a++)
            for (int g = colG; g < colOne; g++) maxCov = Math.max(maxCov, Math.abs(gram[a * q + g] - mu[a] * mu[g]));

        DMatrixRMaj exact = new DMatrixRMaj(p, p);
        DMatrixRMaj factored = new DMatrixRMaj(p, p);
        DMatrixRMaj paper = new DMatrixRMaj(p, p);
        DMatrixRMaj fourth = new DMatrixRMaj(p, p);
        DMatrixRMaj bound = new DMatrixRMaj(p, p);
        DMatrixRMaj remainder = new DMatrixRMaj(p, p);
        for (int alpha = 0; alpha < p; alpha++) {
            int c1 = colA + ai[alpha];
            int c3 = colG + gi[alpha];
            double m1 = mu[c1];
            double m3 = mu[c3];
            for (int beta = 0; beta < p; beta++) {
                int c2 = colA + ai[beta];
                int c4 = colG + gi[beta];
                double m2 = mu[c2];
                double m4 = mu[c4];
                double e1234 = gram[alpha * q + beta];
                double e234 = gram[beta * q + c3];  // E[a₂g₂·g₁]
                double e134 = gram[alpha * q + c4]; // E[a₁g₁·g₂]
                double e124 = gram[beta * q + c1];  // E[a₂g₂·a₁]
                double e123 = gram[alpha * q + c2]; // E[a₁g₁·a₂]
                double e12 = gram[c1 * q + c2];
                double e34 = gram[c3 * q + c4];
                double e13 = gram[c1 * q + c3];
                double e24 = gram[c2 * q + c4];
                double e14 = gram[c1 * q + c4];
                double e23 = gram[c2 * q + c3];
                double k12 = e12 - m1 * m2, k34 = e34 - m3 * m4, k13 = e13 - m1 * m3, k24 = e24 - m2 * m4, k14 = e14 - m1 * m4, k23 = e23 - m2 * m3;
                double k234 = e234 - m2 * e34 - m3 * e24 - m4 * e23 + 2 * m2 * m3 * m4;
                double k134 = e134 - m1 * e34 - m3 * e14 - m4 * e13 + 2 * m1 * m3 * m4;
                double k124 = e124 - m1 * e24 - m2 * e14 - m4 * e12 + 2 * m1 * m2 * m4;
                double k123 = e123 - m1 * e23 - m2 * e13 - m3 * e12 + 2 * m1 * m2 * m3;
                double k1234 = e1234
                        - m1 * e234 - m2 * e134 - m3 * e124 - m4 * e123
                        - e12 * e34 - e13 * e24 - e14 * e23
                        + 2 * (m1 * m2 * e34 + m1 * m3 * e24 + m1 * m4 * e23 + m2 * m3 * e14 + m2 * m4 * e13 + m3 * m4 * e12)
                        - 6 * m1 * m2 * m3 * m4;
                int at = alpha * p + beta;
                exact.data[at] = e1234;
                factored.data[at] = e12 * e34;
                fourth.data[at] = k1234;
                paper.data[at] = k1234 + m1 * k234 + m2 * k134;
                bound.data[at] = Math.abs(k1234) + Math.abs(m1) * Math.abs(k234) + Math.abs(m2) * Math.abs(k134);
                remainder.data[at] = m3 * k124 + m4 * k123 + k13 * k24 + k14 * k23 + m1 * m3 * k24 + m1 * m4 * k23 + m2 * m3 * k14 + m2 * m4 * k13;
            }
        }
        return new KroneckerCumulants(atoms.layers(), offsets, exact, factored, paper, fourth, bound, remainder, maxMeanG, maxCov);
    }

    // RᵀR (q × q, row-major) over the atoms, rows √w·[ā⊗g per layer; ā per layer; g per layer; 1].
    private static double[] gram(LayerAtoms atoms, int[] offsets, int[] aOff, int[] gOff, int colA, int colG, int colOne, int q) {
        int l = atoms.layers().size();
        int m = atoms.size();
        double[] gram = new double[q * q];
        for (int from = 0; from < m; from += CHUNK) {
            int rows = Math.min(CHUNK, m - from);
            double[] r = new double[rows * q];
            for (int t = 0; t < rows; t++) {
                int atom = from + t;
                double s = Math.sqrt(atoms.weight(atom));
                int base = t * q;
                for (int i = 0; i < l; i++) {
                    double[] a = atoms.input(i, atom);
                    double[] g = atoms.derivative(i, atom);
                    int off = base + offsets[i];
                    for (int x = 0; x < a.length; x++) {
                        double sa = s * a[x];
                        for (int y = 0; y < g.length; y++) r[off + x * g.length + y] = sa * g[y];
                    }
                    for (int x = 0; x < a.length; x++) r[base + colA + aOff[i] + x] = s * a[x];
                    for (int y = 0; y < g.length; y++) r[base + colG + gOff[i] + y] = s * g[y];
                }
                r[base + colOne] = s;
            }
            Tensor chunk = Tensor.of(r, rows, q);
            double[] part = chunk.matmul(chunk, true, false).toDoubleArray();
            for (int k = 0; k < part.length; k++) gram[k] += part[k];
        }
        // exact symmetry (the GEMM's two triangles may round differently)
        for (int x = 0; x < q; x++) {
            for (int y = x + 1; y < q; y++) {
                double v = 0.5 * (gram[x * q + y] + gram[y * q + x]);
                gram[x * q + y] = v;
                gram[y * q + x] = v;
            }
        }
        return gram;
    }

    /** The analysed layers, in θ's order. */
    public List<Linear> layers() {
        return layers;
    }

    /** P, the number of analysed parameters. */
    public int dim() {
        return offsets[offsets.length - 1];
    }

    /** The block offsets (length ℓ + 1, last = P), for {@link FisherBlocks}. */
    public int[] offsets() {
        return offsets.clone();
    }

    /** F = E[ā ā ᵀ ⊗ g gᵀ] blockwise, over the atoms (K-FAC layout); a copy. */
    public DMatrixRMaj exactFisher() {
        return exact.copy();
    }

    /** F̃, blocks Ā_{i−1,j−1} ⊗ G_{i,j}; a copy. */
    public DMatrixRMaj kroneckerFactored() {
        return factored.copy();
    }

    /** F − F̃ (a new matrix). */
    public DMatrixRMaj error() {
        DMatrixRMaj e = exact.copy();
        for (int k = 0; k < e.data.length; k++) e.data[k] -= factored.data[k];
        return e;
    }

    /** Eq. 3: κ(a₁,a₂,g₁,g₂) + E[a₁]κ(a₂,g₁,g₂) + E[a₂]κ(a₁,g₁,g₂) per entry; a copy. */
    public DMatrixRMaj paperExpression() {
        return paper.copy();
    }

    /** κ(a₁,a₂,g₁,g₂), the fourth joint cumulant, per entry; a copy. */
    public DMatrixRMaj fourthCumulant() {
        return fourth.copy();
    }

    /** Eq. 4: |κ(a₁,a₂,g₁,g₂)| + |E[a₁]||κ(a₂,g₁,g₂)| + |E[a₂]||κ(a₁,g₁,g₂)| per entry; a copy. */
    public DMatrixRMaj bound() {
        return bound.copy();
    }

    /**
     * The terms of the full expansion that eq. 3 leaves out (those with E[g] or a covariance of ā with g),
     * per entry, computed from their cumulants: F − F̃ = eq. 3 + this, for any distribution. Zero, up to
     * rounding, for the model's predictive distribution ({@link LayerAtoms#modelTargets}); a copy.
     */
    public DMatrixRMaj remainder() {
        return remainder.copy();
    }

    /** max |E[g]| over every analysed unit (0 up to rounding for model targets). */
    public double maxAbsMeanDerivative() {
        return maxMeanDerivative;
    }

    /** max |Cov(ā_k, g_m)| over every pair of analysed ā and g entries (0 up to rounding for model targets). */
    public double maxAbsCrossCovariance() {
        return maxCrossCovariance;
    }
}
