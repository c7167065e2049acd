package org.panopt.nn;

import java.util.SplittableRandom;
import org.panopt.init.Initializer;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * A residual block z_b = S·z_{b−1} + φ_b(z_{b−1}) with a fixed (untrained) skip map S: the identity
 * (He et al. 2016), an orthogonal matrix, or any given matrix. The local-Hessian paper compares these:
 * identity and orthogonal skips keep the block's local Gauss–Newton well conditioned, a non-orthogonal
 * skip does not (its Remark 1 and the Orhan & Pitkow observation). A matrix skip acts on the last axis
 * ({@code [N, n]} inputs); the identity works for any shape.
 */
public class Residual extends Module {
    private final Module branch;
    private final Tensor skip; // null = identity

    private Residual(Module branch, Tensor skip) {
        this.branch = registerModule("branch", branch);
        this.skip = skip == null ? null : registerBuffer("skip", skip);
    }

    /** z + φ(z). */
    public static Residual identity(Module branch) {
        return new Residual(branch, null);
    }

    /** Q·z + φ(z) with Q a random n×n orthogonal matrix (Haar distributed). */
    public static Residual orthogonal(Module branch, int n, DType dtype, SplittableRandom rng) {
        return new Residual(branch, Initializer.orthogonal().fill(Tensor.zeros(dtype, n, n), rng));
    }

    /** S·z + φ(z) with a given square matrix S (not trained). */
    public static Residual linear(Module branch, Tensor s) {
        if (s.rank() != 2 || s.dim(0) != s.dim(1)) throw new IllegalArgumentException("Residual skip must be a square matrix, got shape " + s.shape());
        return new Residual(branch, s);
    }

    @Override
    protected Tensor compute(Tensor z) {
        Tensor skipped = skip == null ? z : z.matmul(skip, false, true);
        return skipped.add(branch.forward(z));
    }

    public Module branch() {
        return branch;
    }

    /** The skip matrix, or null for the identity. */
    public Tensor skip() {
        return skip;
    }

    @Override
    protected String describe() {
        return "Residual(" + (skip == null ? "identity" : "skip " + skip.shape()) + ")";
    }
}
