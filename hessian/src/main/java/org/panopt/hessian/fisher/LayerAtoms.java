package org.panopt.hessian.fisher;

import java.util.List;
import org.panopt.autograd.Autograd;
import org.panopt.hessian.ModuleState;
import org.panopt.nn.Linear;
import org.panopt.nn.Module;
import org.panopt.tensor.Tensor;

/**
 * The joint distribution of K-FAC's layer quantities (ā_{i−1}, g_i) over chosen linear layers, as a finite set
 * of weighted atoms (Martens &amp; Grosse 2015, §2–2.1): atom m holds, for every analysed layer i, its input
 * ā_{i−1} = [a_{i−1}; 1] (homogeneous coordinate last, when the layer has a bias) and the per-case derivative
 * g_i = ∂ℓ/∂s_i of the loss ℓ = −log r(y|z) with respect to its pre-activation output, for one (input, target)
 * pair with probability {@code weight(m)}. Every expectation of K-FAC's analysis — the exact Fisher, its
 * Kronecker factors, the cumulants of §2.1 — is then a weighted sum over atoms, with no sampling error.
 *
 * <p>{@link #modelTargets}: the true Fisher's distribution for a categorical output (softmax cross-entropy):
 * x uniform over the given inputs, y ~ softmax(z(x)) enumerated over the K classes, so atom (n, c) has weight
 * p_c(x_n)/N and g = Jᵀ(p − e_c). {@link #dataTargets}: the empirical Fisher's, y the data label, weight 1/N.
 * Built in the network's precision and held in double; use a float64 network for float64 results.
 */
public final class LayerAtoms {
    private final List<Linear> layers;
    private final double[][][] inputs; // [layer][atom][d_in (+1)]
    private final double[][][] derivatives; // [layer][atom][d_out]
    private final double[] weights;

    private LayerAtoms(List<Linear> layers, double[][][] inputs, double[][][] derivatives, double[] weights) {
        this.layers = layers;
        this.inputs = inputs;
        this.derivatives = derivatives;
        this.weights = weights;
    }

    /**
     * The model's predictive distribution over the classes of {@code network}'s logits [N, K] (softmax
     * cross-entropy), enumerated: N·K atoms (n, c) with weights p_c(x_n)/N. The expectation of g given x is
     * then exactly 0 (Σ_c p_c (p − e_c) = 0), as for targets sampled from the model.
     */
    public static LayerAtoms modelTargets(Module network, List<Linear> layers, Tensor inputs) {
        return build(network, layers, inputs, null);
    }

    /** The empirical distribution: N atoms (x_n, y_n) with weights 1/N, y_n the integer class {@code labels[n]}. */
    public static LayerAtoms dataTargets(Module network, List<Linear> layers, Tensor inputs, Tensor labels) {
        if (labels == null) throw new IllegalArgumentException("LayerAtoms.dataTargets: no labels");
        return build(network, layers, inputs, labels);
    }

    private static LayerAtoms build(Module network, List<Linear> layers, Tensor inputs, Tensor labels) {
        LayerRecording.checkLayers(network, layers, "LayerAtoms");
        ModuleState.requireDeterministic(network, "LayerAtoms");
        List<Linear> chosen = List.copyOf(layers);
        return ModuleState.preserving(network, () -> compute(network, chosen, inputs.detach(), labels));
    }

    private static LayerAtoms compute(Module network, List<Linear> layers, Tensor x, Tensor labels) {
        LayerRecording rec = LayerRecording.forward(network, layers, x, "LayerAtoms");
        Tensor z = rec.output();
        if (z.rank() != 2) throw new IllegalArgumentException("LayerAtoms: the network output " + z.shape() + " is not a batch of logits [N, K]");
        int n = z.dim(0);
        int k = z.dim(1);
        if (n == 0) throw new IllegalArgumentException("LayerAtoms: no inputs");
        double[][] p = softmax(LayerRecording.rows(z.detach()));
        int[] y = labels == null ? null : classes(labels, n, k);
        int l = layers.size();
        int targets = y == null ? k : 1;
        int atoms = n * targets;
        double[][][] in = new double[l][atoms][];
        double[][][] der = new double[l][atoms][];
        double[] w = new double[atoms];
        double[][][] abar = new double[l][][];
        for (int i = 0; i < l; i++) abar[i] = LayerRecording.homogeneous(rec.inputs()[i], layers.get(i).hasBias());
        List<Tensor> pre = List.of(rec.preActivations());
        for (int t = 0; t < targets; t++) {
            // ∂(−log p_y)/∂z = p − e_y, per case (the loss of one case, not of the batch mean)
            double[] u = new double[n * k];
            for (int row = 0; row < n; row++) {
                System.arraycopy(p[row], 0, u, row * k, k);
                u[row * k + (y == null ? t : y[row])] -= 1;
            }
            List<Tensor> grads = Autograd.grad(List.of(z), pre, List.of(Tensor.of(u, z.dims()).to(z.dtype())), false, true);
            for (int i = 0; i < l; i++) {
                double[][] g = LayerRecording.rows(grads.get(i));
                for (int row = 0; row < n; row++) {
                    int m = row * targets + t;
                    in[i][m] = abar[i][row];
                    der[i][m] = g[row];
                }
            }
            for (int row = 0; row < n; row++) w[row * targets + t] = (y == null ? p[row][t] : 1.0) / n;
        }
        return new LayerAtoms(layers, in, der, w);
    }

    private static double[][] softmax(double[][] z) {
        double[][] p = new double[z.length][];
        for (int r = 0; r < z.length; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : z[r]) max = Math.max(max, v);
            double[] e = new double[z[r].length];
            double sum = 0;
            for (int c = 0; c < e.length; c++) sum += e[c] = Math.exp(z[r][c] - max);
            for (int c = 0; c < e.length; c++) e[c] /= sum;
            p[r] = e;
        }
        return p;
    }

    private static int[] classes(Tensor labels, int n, int k) {
        if (labels.size() != n) throw new IllegalArgumentException("LayerAtoms: " + labels.size() + " labels for " + n + " inputs");
        double[] v = labels.toDoubleArray();
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = (int) v[i];
            if (y[i] != v[i] || y[i] < 0 || y[i] >= k) throw new IllegalArgumentException("LayerAtoms: label " + v[i] + " of case " + i + " is not a class in [0, " + k + ")");
        }
        return y;
    }

    /** The analysed layers, in order. */
    public List<Linear> layers() {
        return layers;
    }

    /** The number of atoms M. */
    public int size() {
        return weights.length;
    }

    /** The probability of atom m (the weights sum to 1). */
    public double weight(int m) {
        return weights[m];
    }

    /** ā_{i−1} of atom m for analysed layer i (0-based in {@link #layers()}); the array itself, not a copy. */
    double[] input(int i, int m) {
        return inputs[i][m];
    }

    /** g_i of atom m for analysed layer i; the array itself, not a copy. */
    double[] derivative(int i, int m) {
        return derivatives[i][m];
    }

    /** The length of ā_{i−1} (d_{i−1}, plus 1 with a bias). */
    public int inputSize(int i) {
        return inputs[i][0].length;
    }

    /** The length of g_i (d_i). */
    public int derivativeSize(int i) {
        return derivatives[i][0].length;
    }

    /** A copy of ā_{i−1} of atom m. */
    public double[] inputOf(int i, int m) {
        return inputs[i][m].clone();
    }

    /** A copy of g_i of atom m. */
    public double[] derivativeOf(int i, int m) {
        return derivatives[i][m].clone();
    }

    /** A distribution from explicit atoms (tests, other models): inputs[i][m], derivatives[i][m], weights summing to 1. */
    public static LayerAtoms of(List<Linear> layers, double[][][] inputs, double[][][] derivatives, double[] weights) {
        int l = layers.size();
        if (l == 0 || inputs.length != l || derivatives.length != l) throw new IllegalArgumentException("LayerAtoms.of: " + l + " layers, " + inputs.length + " input and " + derivatives.length + " derivative sets");
        int m = weights.length;
        if (m == 0) throw new IllegalArgumentException("LayerAtoms.of: no atoms");
        double sum = 0;
        for (double w : weights) {
            if (!(w >= 0) || !Double.isFinite(w)) throw new IllegalArgumentException("LayerAtoms.of: weight " + w + " is not a probability");
            sum += w;
        }
        if (Math.abs(sum - 1) > 1e-12) throw new IllegalArgumentException("LayerAtoms.of: weights sum to " + sum + ", not 1");
        double[][][] in = new double[l][m][];
        double[][][] der = new double[l][m][];
        for (int i = 0; i < l; i++) {
            Linear lin = layers.get(i);
            int din = lin.inFeatures() + (lin.hasBias() ? 1 : 0);
            if (inputs[i].length != m || derivatives[i].length != m) throw new IllegalArgumentException("LayerAtoms.of: layer " + i + " has " + inputs[i].length + "/" + derivatives[i].length + " atoms for " + m + " weights");
            for (int a = 0; a < m; a++) {
                if (inputs[i][a].length != din || derivatives[i][a].length != lin.outFeatures()) {
                    throw new IllegalArgumentException("LayerAtoms.of: atom " + a + " of layer " + i + " has sizes " + inputs[i][a].length + ", " + derivatives[i][a].length
                            + "; the layer needs " + din + ", " + lin.outFeatures());
                }
                in[i][a] = inputs[i][a].clone();
                der[i][a] = derivatives[i][a].clone();
            }
        }
        return new LayerAtoms(List.copyOf(layers), in, der, weights.clone());
    }
}
