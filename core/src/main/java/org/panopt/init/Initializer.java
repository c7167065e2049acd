package org.panopt.init;

import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;
import org.panopt.autograd.Autograd;
import org.panopt.tensor.Tensor;

/**
 * A way to set a tensor's initial values, drawn from a caller's {@link SplittableRandom} so a seed
 * reproduces a network. Applied per tensor ({@code init.fill(layer.weight(), rng)}); values are computed in
 * double and written under {@code noGrad}. Fans follow {@link Fans}.
 */
@FunctionalInterface
public interface Initializer {

    /** The values for a tensor of {@code dims} (row-major). */
    double[] sample(int[] dims, SplittableRandom rng);

    /** Overwrites {@code t} with fresh values; returns it. */
    default Tensor fill(Tensor t, SplittableRandom rng) {
        double[] v = sample(t.dims(), rng);
        Autograd.noGrad(() -> t.copyFrom(Tensor.of(v, t.dims()).to(t.device())));
        return t;
    }

    /** N(0, σ²). */
    static Initializer gaussian(double sigma) {
        return (dims, rng) -> {
            double[] v = new double[count(dims)];
            for (int i = 0; i < v.length; i++) v[i] = sigma * rng.nextGaussian();
            return v;
        };
    }

    /** U[lo, hi). */
    static Initializer uniform(double lo, double hi) {
        return (dims, rng) -> {
            double[] v = new double[count(dims)];
            for (int i = 0; i < v.length; i++) v[i] = lo + (hi - lo) * rng.nextDouble();
            return v;
        };
    }

    /** Every value equal to {@code c}. */
    static Initializer constant(double c) {
        return (dims, rng) -> {
            double[] v = new double[count(dims)];
            java.util.Arrays.fill(v, c);
            return v;
        };
    }

    static Initializer zeros() {
        return constant(0);
    }

    /** Xavier/Glorot uniform: U[−a, a], a = gain·√(6/(fanIn + fanOut)). */
    static Initializer xavierUniform(double gain) {
        return (dims, rng) -> {
            Fans f = Fans.of(org.panopt.tensor.Shape.of(dims));
            double a = gain * Math.sqrt(6.0 / (f.fanIn() + f.fanOut()));
            return uniform(-a, a).sample(dims, rng);
        };
    }

    static Initializer xavierUniform() {
        return xavierUniform(1);
    }

    /** Xavier/Glorot normal: N(0, σ²), σ = gain·√(2/(fanIn + fanOut)). */
    static Initializer xavierNormal(double gain) {
        return (dims, rng) -> {
            Fans f = Fans.of(org.panopt.tensor.Shape.of(dims));
            return gaussian(gain * Math.sqrt(2.0 / (f.fanIn() + f.fanOut()))).sample(dims, rng);
        };
    }

    static Initializer xavierNormal() {
        return xavierNormal(1);
    }

    /** He/Kaiming uniform for ReLU: U[−√(6/fanIn), √(6/fanIn)]. */
    static Initializer kaimingUniform() {
        return (dims, rng) -> {
            double a = Math.sqrt(6.0 / Fans.of(org.panopt.tensor.Shape.of(dims)).fanIn());
            return uniform(-a, a).sample(dims, rng);
        };
    }

    /** He/Kaiming normal for ReLU: N(0, 2/fanIn). */
    static Initializer kaimingNormal() {
        return (dims, rng) -> gaussian(Math.sqrt(2.0 / Fans.of(org.panopt.tensor.Shape.of(dims)).fanIn())).sample(dims, rng);
    }

    /**
     * PyTorch's default for {@code nn.Linear} and {@code nn.Conv2d} weights and biases:
     * U[−1/√fanIn, 1/√fanIn] (its kaiming_uniform with a = √5). {@code fanIn} is the weight's, passed in
     * because a bias alone does not know it.
     */
    static Initializer uniformFanIn(int fanIn) {
        double a = 1 / Math.sqrt(fanIn);
        return uniform(-a, a);
    }

    /**
     * Orthogonal (Saxe et al. 2014): the tensor viewed as rows = dims[0] by cols = the rest gets
     * orthonormal rows (or columns, whichever are fewer) from the QR decomposition of a Gaussian matrix,
     * signs fixed by diag(R) so the result is uniformly (Haar) distributed; times {@code gain}.
     */
    static Initializer orthogonal(double gain) {
        return (dims, rng) -> {
            int rows = dims[0];
            int cols = count(dims) / rows;
            int tall = Math.max(rows, cols);
            int narrow = Math.min(rows, cols);
            DMatrixRMaj g = new DMatrixRMaj(tall, narrow);
            for (int i = 0; i < g.data.length; i++) g.data[i] = rng.nextGaussian();
            QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(tall, narrow);
            if (!qr.decompose(g)) throw new IllegalStateException("orthogonal init: QR of a " + tall + "x" + narrow + " Gaussian matrix failed");
            DMatrixRMaj q = qr.getQ(null, true);
            DMatrixRMaj r = qr.getR(null, true);
            double[] v = new double[rows * cols];
            for (int i = 0; i < tall; i++) {
                for (int j = 0; j < narrow; j++) {
                    double x = gain * q.get(i, j) * Math.signum(r.get(j, j) == 0 ? 1 : r.get(j, j));
                    if (rows >= cols) v[i * cols + j] = x;
                    else v[j * cols + i] = x;
                }
            }
            return v;
        };
    }

    static Initializer orthogonal() {
        return orthogonal(1);
    }

    /**
     * Sparse initialization (Martens 2010): each output unit (row of {@code [out, in…]}) gets exactly
     * {@code min(nonZero, fanIn)} non-zero incoming weights at distinct random positions, drawn from
     * N(0, σ²); all others are 0. The K-FAC paper's autoencoders use nonZero = 15, σ = 1.
     */
    static Initializer sparse(int nonZero, double sigma) {
        if (nonZero <= 0) throw new IllegalArgumentException("sparse init: nonZero " + nonZero + " must be positive");
        return (dims, rng) -> {
            int rows = dims[0];
            int fanIn = count(dims) / rows;
            double[] v = new double[rows * fanIn];
            int k = Math.min(nonZero, fanIn);
            int[] idx = new int[fanIn];
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < fanIn; i++) idx[i] = i;
                for (int i = 0; i < k; i++) { // partial Fisher–Yates: the first k are a uniform k-subset
                    int j = i + rng.nextInt(fanIn - i);
                    int t = idx[i];
                    idx[i] = idx[j];
                    idx[j] = t;
                    v[r * fanIn + idx[i]] = sigma * rng.nextGaussian();
                }
            }
            return v;
        };
    }

    private static int count(int[] dims) {
        int n = 1;
        for (int d : dims) n *= d;
        return n;
    }

}
