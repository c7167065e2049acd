package org.panopt.autograd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Supplier;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * Finite-difference checks of the derivatives autograd computes, as {@code torch.autograd.gradcheck} and
 * {@code gradgradcheck}: the reference for every backward rule.
 *
 * <p><b>First order</b> ({@link #gradCheck}). For f taking float64 inputs x₁…x_m and a fixed random
 * projection r (standard normal, seeded, of f's output shape), the scalar p(x) = ⟨f(x), r⟩ has the
 * analytic gradient ∇_{x_i} p = J_iᵀ r from {@link Autograd#grad}; each element j of each input is
 * compared with the central difference
 * <pre>
 *   ∂p/∂x_ij ≈ (p(x + h·e_ij) − p(x − h·e_ij)) / 2h        (error O(h²·p''') + O(ε·|p|/h))
 * </pre>
 * evaluated under {@link Autograd#noGrad} on copies of the inputs. One projection tests the whole
 * Jacobian with probability 1, at the cost of m·n·2 forward passes instead of one per output element.
 *
 * <p><b>Second order</b> ({@link #gradGradCheck}). The first-order gradient g_i(x) = ∇_{x_i} p, computed
 * with {@code createGraph=true}, is projected on fixed random vectors v_i: s(x) = Σ_i ⟨g_i(x), v_i⟩. Its
 * analytic gradient ∇s = H·v (H the Hessian of p) comes from differentiating the recorded backward pass;
 * the reference is the central difference of s, with g recomputed (first order, analytically) at x ± h·e_ij.
 * This exercises the backward rules as functions — that they are themselves recorded, differentiable ops.
 * (Unlike PyTorch's gradgradcheck, the gradient with respect to r is not checked: compose f with a
 * nonlinearity, e.g. f(x)², to make the outgoing gradient depend on x and so differentiate the backward
 * rules along their gradient argument too.)
 *
 * <p><b>Variables read by a closure</b> ({@link #gradCheckVariables}, {@link #gradGradCheckVariables}). A
 * stateful {@code Module} reads its parameters from its own fields, so it cannot be called on fresh argument
 * tensors. These variants take a {@code Supplier} and the tensors it reads (float64 leaves that require a
 * gradient: a layer's input and its parameters), differentiate with respect to those very tensors, and form the
 * central differences by overwriting them in place under {@link Autograd#noGrad}; the original values are
 * restored before returning, whatever the outcome. (PyTorch reaches the same with {@code functional_call}.)
 *
 * <p>Element ij passes when |analytic − numeric| ≤ atol + rtol·|numeric| (NumPy's {@code isclose}). The
 * {@link Report} names the worst element by that criterion, and the largest absolute and relative errors.
 * Inputs the output does not depend on get a zero gradient (a term 0·Σx_i is added to p and s so that
 * {@link Autograd#grad} accepts them). Choose inputs away from kinks (relu and abs at 0, ties of max/min)
 * — at a non-smooth point the central difference is not a derivative.
 */
public final class GradCheck {
    /** Central-difference step h. */
    public static final double STEP = 1e-6;
    /** First-order tolerances (float64). */
    public static final double ATOL = 1e-7;
    public static final double RTOL = 1e-5;
    /** Second-order tolerances: the reference differences an analytic gradient, so it is noisier. */
    public static final double ATOL2 = 1e-5;
    public static final double RTOL2 = 1e-4;

    private static final long SEED = 0x9AD_C4EC_CL;

    private GradCheck() {}

    /**
     * The outcome of a check: the worst element by the isclose criterion ({@code input}, flat {@code element}
     * and its {@code index} in the input's shape, with both values), the largest absolute and relative errors
     * over all elements, and whether every element passed.
     */
    public record Report(String check, boolean passed, int input, int element, int[] index, double analytic, double numeric,
                         double maxAbsError, double maxRelError, double atol, double rtol) {
        /** A one-paragraph description of the result. */
        public String message() {
            String where = input < 0 ? "no elements" : "worst at input " + input + " element " + element + " (index "
                    + Arrays.toString(index) + "): analytic " + analytic + ", numeric " + numeric
                    + ", |diff| " + Math.abs(analytic - numeric);
            return check + (passed ? " passed" : " FAILED") + ": " + where + "; max abs error " + maxAbsError
                    + ", max rel error " + maxRelError + " (atol " + atol + ", rtol " + rtol + ")";
        }

        /** This report, or an {@link AssertionError} with {@link #message()} when the check failed. */
        public Report orThrow() {
            if (!passed) throw new AssertionError(message());
            return this;
        }
    }

    /** First-order check with the default step and tolerances; throws {@link AssertionError} on failure. */
    public static Report gradCheck(Function<List<Tensor>, Tensor> f, List<Tensor> inputs) {
        return gradCheck(f, inputs, ATOL, RTOL, STEP);
    }

    /** First-order check; throws {@link AssertionError} naming the worst element on failure. */
    public static Report gradCheck(Function<List<Tensor>, Tensor> f, List<Tensor> inputs, double atol, double rtol, double step) {
        return firstOrder(f, inputs, atol, rtol, step).orThrow();
    }

    /** Second-order check with the default step and tolerances; throws {@link AssertionError} on failure. */
    public static Report gradGradCheck(Function<List<Tensor>, Tensor> f, List<Tensor> inputs) {
        return gradGradCheck(f, inputs, ATOL2, RTOL2, STEP);
    }

    /** Second-order check; throws {@link AssertionError} naming the worst element on failure. */
    public static Report gradGradCheck(Function<List<Tensor>, Tensor> f, List<Tensor> inputs, double atol, double rtol, double step) {
        return secondOrder(f, inputs, atol, rtol, step).orThrow();
    }

    /** The first-order comparison, reported without throwing. */
    public static Report firstOrder(Function<List<Tensor>, Tensor> f, List<Tensor> inputs, double atol, double rtol, double step) {
        double[][] x = values(inputs);
        int[][] dims = inputs.stream().map(Tensor::dims).toArray(int[][]::new);
        double[] r = projection(f, x, dims);
        List<Tensor> leaves = leaves(x, dims);
        List<Tensor> analytic = GradMode.with(true, () -> Autograd.grad(List.of(project(f.apply(leaves), r, leaves)), leaves, null, false));
        return compare("gradCheck", analytic, x, dims, step, atol, rtol,
                xs -> GradMode.noGrad(() -> dot(f.apply(constants(xs, dims)).toDoubleArray(), r)));
    }

    /** The second-order comparison, reported without throwing. */
    public static Report secondOrder(Function<List<Tensor>, Tensor> f, List<Tensor> inputs, double atol, double rtol, double step) {
        double[][] x = values(inputs);
        int[][] dims = inputs.stream().map(Tensor::dims).toArray(int[][]::new);
        double[] r = projection(f, x, dims);
        SplittableRandom rng = new SplittableRandom(SEED + 1);
        double[][] v = new double[x.length][];
        for (int i = 0; i < x.length; i++) v[i] = gaussians(rng, x[i].length);

        List<Tensor> leaves = leaves(x, dims);
        List<Tensor> analytic = GradMode.with(true, () -> {
            List<Tensor> g = Autograd.grad(List.of(project(f.apply(leaves), r, leaves)), leaves, null, true);
            Tensor s = null;
            for (int i = 0; i < g.size(); i++) {
                Tensor term = g.get(i).mul(Tensor.of(v[i]).reshape(dims[i])).sum();
                s = s == null ? term : s.add(term);
            }
            return Autograd.grad(List.of(project(s, new double[] {1}, leaves)), leaves, null, false);
        });
        return compare("gradGradCheck", analytic, x, dims, step, atol, rtol, xs -> GradMode.with(true, () -> {
            List<Tensor> at = leaves(xs, dims);
            List<Tensor> gs = Autograd.grad(List.of(project(f.apply(at), r, at)), at, null, false);
            double total = 0;
            for (int i = 0; i < gs.size(); i++) total += dot(gs.get(i).toDoubleArray(), v[i]);
            return total;
        }));
    }

    /**
     * First-order check of {@code f.get()} with respect to the tensors it reads, perturbed in place (see the class
     * comment); default step and tolerances. Throws {@link AssertionError} naming the worst element on failure.
     */
    public static Report gradCheckVariables(Supplier<Tensor> f, List<Tensor> variables) {
        return gradCheckVariables(f, variables, ATOL, RTOL, STEP);
    }

    /** First-order check with respect to tensors {@code f} reads; throws {@link AssertionError} on failure. */
    public static Report gradCheckVariables(Supplier<Tensor> f, List<Tensor> variables, double atol, double rtol, double step) {
        double[][] x = variableValues(variables);
        int[][] dims = variables.stream().map(Tensor::dims).toArray(int[][]::new);
        double[][] original = Arrays.stream(x).map(double[]::clone).toArray(double[][]::new);
        try {
            double[] r = gaussians(new SplittableRandom(SEED), checkedOutput(GradMode.noGrad(f)).size());
            List<Tensor> analytic = GradMode.with(true, () -> Autograd.grad(List.of(project(f.get(), r, variables)), variables, null, false));
            return compare("gradCheck", analytic, x, dims, step, atol, rtol, xs -> {
                write(variables, xs, dims);
                return GradMode.noGrad(() -> dot(f.get().toDoubleArray(), r));
            }).orThrow();
        } finally {
            write(variables, original, dims);
        }
    }

    /** Second-order check with respect to tensors {@code f} reads, default step and tolerances. */
    public static Report gradGradCheckVariables(Supplier<Tensor> f, List<Tensor> variables) {
        return gradGradCheckVariables(f, variables, ATOL2, RTOL2, STEP);
    }

    /**
     * Second-order check with respect to tensors {@code f} reads: the analytic H·v from the recorded backward
     * pass against central differences of the gradient projected on v; throws {@link AssertionError} on failure.
     */
    public static Report gradGradCheckVariables(Supplier<Tensor> f, List<Tensor> variables, double atol, double rtol, double step) {
        double[][] x = variableValues(variables);
        int[][] dims = variables.stream().map(Tensor::dims).toArray(int[][]::new);
        double[][] original = Arrays.stream(x).map(double[]::clone).toArray(double[][]::new);
        try {
            double[] r = gaussians(new SplittableRandom(SEED), checkedOutput(GradMode.noGrad(f)).size());
            SplittableRandom rng = new SplittableRandom(SEED + 1);
            double[][] v = new double[x.length][];
            for (int i = 0; i < x.length; i++) v[i] = gaussians(rng, x[i].length);
            List<Tensor> analytic = GradMode.with(true, () -> {
                List<Tensor> g = Autograd.grad(List.of(project(f.get(), r, variables)), variables, null, true);
                Tensor s = null;
                for (int i = 0; i < g.size(); i++) {
                    Tensor term = g.get(i).mul(Tensor.of(v[i]).reshape(dims[i])).sum();
                    s = s == null ? term : s.add(term);
                }
                return Autograd.grad(List.of(project(s, new double[] {1}, variables)), variables, null, false);
            });
            return compare("gradGradCheck", analytic, x, dims, step, atol, rtol, xs -> {
                write(variables, xs, dims);
                return GradMode.with(true, () -> {
                    List<Tensor> gs = Autograd.grad(List.of(project(f.get(), r, variables)), variables, null, false);
                    double total = 0;
                    for (int i = 0; i < gs.size(); i++) total += dot(gs.get(i).toDoubleArray(), v[i]);
                    return total;
                });
            }).orThrow();
        } finally {
            write(variables, original, dims);
        }
    }

    // The variables' values, after checking each is a distinct float64 leaf that requires a gradient.
    private static double[][] variableValues(List<Tensor> variables) {
        for (int i = 0; i < variables.size(); i++) {
            Tensor t = variables.get(i);
            if (!t.requiresGrad() || !t.isLeaf()) {
                throw new IllegalArgumentException("GradCheck: variable " + i + " " + t.shape()
                        + " must be a leaf that requires a gradient (an input marked requiresGrad(true), or a parameter)");
            }
            for (int j = 0; j < i; j++) {
                if (variables.get(j) == t) throw new IllegalArgumentException("GradCheck: variables " + j + " and " + i + " are the same tensor");
            }
        }
        return values(variables);
    }

    private static Tensor checkedOutput(Tensor out) {
        if (out.dtype() != DType.FLOAT64) {
            throw new IllegalArgumentException("GradCheck: the function returns " + out.dtype() + "; compare derivatives in float64");
        }
        return out;
    }

    // Overwrites every variable with xs (under noGrad: they require a gradient).
    private static void write(List<Tensor> variables, double[][] xs, int[][] dims) {
        GradMode.noGrad(() -> {
            for (int i = 0; i < xs.length; i++) variables.get(i).copyFrom(Tensor.of(xs[i]).reshape(dims[i]));
        });
    }

    // Central differences of `scalar` at every element of every input, compared with `analytic`.
    private static Report compare(String check, List<Tensor> analytic, double[][] x, int[][] dims, double h, double atol, double rtol,
                                  Function<double[][], Double> scalar) {
        boolean passed = true;
        int worstInput = -1;
        int worstElement = -1;
        double worstRatio = -1;
        double worstA = Double.NaN;
        double worstN = Double.NaN;
        double maxAbs = 0;
        double maxRel = 0;
        for (int i = 0; i < x.length; i++) {
            if (!Arrays.equals(analytic.get(i).dims(), dims[i])) {
                throw new AssertionError(check + ": the gradient of input " + i + " has shape " + analytic.get(i).shape()
                        + " but the input has shape " + Arrays.toString(dims[i]));
            }
            double[] a = analytic.get(i).toDoubleArray();
            for (int j = 0; j < x[i].length; j++) {
                double saved = x[i][j];
                x[i][j] = saved + h;
                double plus = scalar.apply(x);
                x[i][j] = saved - h;
                double minus = scalar.apply(x);
                x[i][j] = saved;
                double numeric = (plus - minus) / (2 * h);
                double err = Math.abs(a[j] - numeric);
                double ratio = err / (atol + rtol * Math.abs(numeric));
                if (!(ratio <= 1)) passed = false; // NaN fails too
                double scale = Math.max(Math.abs(a[j]), Math.abs(numeric));
                maxAbs = Math.max(maxAbs, err);
                if (scale > 0) maxRel = Math.max(maxRel, err / scale);
                double badness = Double.isNaN(ratio) ? Double.POSITIVE_INFINITY : ratio;
                if (badness > worstRatio) {
                    worstRatio = badness;
                    worstInput = i;
                    worstElement = j;
                    worstA = a[j];
                    worstN = numeric;
                }
            }
        }
        int[] index = worstInput < 0 ? new int[0] : unravel(worstElement, dims[worstInput]);
        return new Report(check, passed, worstInput, worstElement, index, worstA, worstN, maxAbs, maxRel, atol, rtol);
    }

    // ⟨out, r⟩ + Σ_i 0·Σ x_i: the zero terms make every input part of the graph (an unused input gets gradient 0).
    private static Tensor project(Tensor out, double[] r, List<Tensor> leaves) {
        Tensor p = out.mul(Tensor.of(r).reshape(out.dims())).sum();
        for (Tensor x : leaves) p = p.add(x.sum().mul(0));
        return p;
    }

    // r: one standard normal per output element, from a fixed seed (the output shape is found by one evaluation).
    private static double[] projection(Function<List<Tensor>, Tensor> f, double[][] x, int[][] dims) {
        Tensor out = GradMode.noGrad(() -> f.apply(constants(x, dims)));
        if (out.dtype() != DType.FLOAT64) {
            throw new IllegalArgumentException("GradCheck: the function returns " + out.dtype() + "; compare derivatives in float64");
        }
        return gaussians(new SplittableRandom(SEED), out.size());
    }

    private static double[][] values(List<Tensor> inputs) {
        double[][] x = new double[inputs.size()][];
        for (int i = 0; i < x.length; i++) {
            Tensor t = inputs.get(i);
            if (t.dtype() != DType.FLOAT64) {
                throw new IllegalArgumentException("GradCheck: input " + i + " " + t.shape() + " is " + t.dtype()
                        + "; central differences with step ~1e-6 need float64");
            }
            x[i] = t.toDoubleArray();
        }
        return x;
    }

    private static List<Tensor> constants(double[][] x, int[][] dims) {
        List<Tensor> out = new ArrayList<>(x.length);
        for (int i = 0; i < x.length; i++) out.add(Tensor.of(x[i]).reshape(dims[i]).detach());
        return out;
    }

    private static List<Tensor> leaves(double[][] x, int[][] dims) {
        List<Tensor> out = constants(x, dims);
        for (Tensor t : out) t.requiresGrad(true);
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static double[] gaussians(SplittableRandom rng, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = rng.nextGaussian();
        return v;
    }

    private static int[] unravel(int flat, int[] dims) {
        int[] idx = new int[dims.length];
        for (int a = dims.length - 1; a >= 0; a--) {
            idx[a] = flat % dims[a];
            flat /= dims[a];
        }
        return idx;
    }
}
