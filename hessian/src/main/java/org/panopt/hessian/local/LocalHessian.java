package org.panopt.hessian.local;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;
import org.panopt.autograd.Autograd;
import org.panopt.hessian.LinearOperator;
import org.panopt.hessian.ModuleState;
import org.panopt.nn.Module;
import org.panopt.tensor.Tensor;

/**
 * The local Hessians of the back-matching loss of any block (Zhang, Chen &amp; Liu 2018, eq. 6), computed
 * through the block's Jacobians, so every {@link Module} can be analysed:
 * <pre>
 *   ℓ_b(W_b, z_{b−1}) = ½ Σⱼ ‖F_b(W_b, z_{b−1})[j] − t[j]‖²,   t = F_b(W_b⁰, z⁰_{b−1}) − r
 *   ∂²ℓ_b = Jᵀ J + Σᵢ rᵢ ∇²F_{b,i}
 * </pre>
 * with J the Jacobian with respect to the chosen variable and r the residual at the linearization point
 * (r = ∂J/∂z_b when the target comes from back-propagation, Prop. 1). {@link Curvature#GAUSS_NEWTON} is the
 * first term (a zero residual, the paper's object of study); {@link Curvature#EXACT} adds the second by
 * double back-propagation.
 *
 * <p>Conventions, following the paper:
 * <ul>
 * <li>{@link #weightHessian()} is (1/m)·∂²ℓ_b/∂vec(W)² over the block's parameters (flattened row-major in
 *     {@code parameters()} order), the block evaluated as it is: training-mode batch norm is
 *     differentiated through the batch statistics (eq. 18 holds exactly).</li>
 * <li>{@link #inputHessianOfSample}, {@link #meanInputHessian} are per-sample input Hessians with batch-norm
 *     statistics frozen at this batch's values — eq. 17's "ignoring 1/m terms".
 *     {@link #inputHessian()} is the exact Hessian in the whole batch input (m·n_{b−1} square), with every
 *     cross-sample term; its diagonal blocks differ from the per-sample ones by O(1/m).</li>
 * </ul>
 * The target t is fixed when this object is made; vectors are in double, network passes in the block's
 * precision.
 */
public final class LocalHessian {

    /** Which part of ∂²ℓ_b. */
    public enum Curvature {
        /** JᵀJ (zero residual). */
        GAUSS_NEWTON,
        /** JᵀJ + Σ rᵢ ∇²Fᵢ with the given residual. */
        EXACT
    }

    private final Module block;
    private final Tensor input;
    private final Tensor residual;
    private final Curvature curvature;
    private final List<Tensor> parameters;
    private final Tensor target;
    private final FrozenBatchStatistics frozen;

    private LocalHessian(Module block, Tensor input, Tensor residual, Curvature curvature, List<Tensor> parameters) {
        ModuleState.requireDeterministic(block, "LocalHessian");
        if (input.rank() < 2) throw new IllegalArgumentException("LocalHessian: the block input must be a batch [m, …], got shape " + input.shape());
        this.block = block;
        this.input = input.detach();
        this.curvature = curvature;
        this.parameters = List.copyOf(parameters);
        Tensor out = ModuleState.preserving(block, () -> Autograd.noGrad(() -> block.forward(this.input)));
        if (out.rank() < 1 || out.dim(0) != input.dim(0)) {
            throw new IllegalArgumentException("LocalHessian: the block maps " + input.shape() + " to " + out.shape() + ", not one output per sample");
        }
        if (residual != null && !residual.shape().equals(out.shape())) {
            throw new IllegalArgumentException("LocalHessian: residual shape " + residual.shape() + " differs from the block output " + out.shape());
        }
        this.residual = residual == null ? null : residual.detach();
        this.target = this.residual == null ? out : Autograd.noGrad(() -> out.sub(this.residual));
        this.frozen = new FrozenBatchStatistics(block, this.input);
    }

    /** The Gauss–Newton local Hessians JᵀJ of {@code block} at {@code input} (a batch), over all its parameters. */
    public static LocalHessian gaussNewton(Module block, Tensor input) {
        return new LocalHessian(block, input, null, Curvature.GAUSS_NEWTON, block.parameters());
    }

    /** The exact local Hessians at a target whose residual F_b − t is {@code residual} (null: zero). */
    public static LocalHessian exact(Module block, Tensor input, Tensor residual) {
        return new LocalHessian(block, input, residual, Curvature.EXACT, block.parameters());
    }

    /** The same analysis with the weight Hessian over the given parameters of the block only. */
    public LocalHessian restrictedTo(List<Tensor> chosen) {
        Set<Tensor> own = Collections.newSetFromMap(new IdentityHashMap<>());
        own.addAll(block.parameters());
        for (Tensor t : chosen) {
            if (!own.contains(t)) throw new IllegalArgumentException("LocalHessian.restrictedTo: a tensor of shape " + t.shape() + " is not a parameter of the block");
        }
        return new LocalHessian(block, input, residual, curvature, chosen);
    }

    public Module block() {
        return block;
    }

    public Curvature curvature() {
        return curvature;
    }

    /** m, the batch size. */
    public int batchSize() {
        return input.dim(0);
    }

    /** n_{b−1}: scalars per sample of the block input. */
    public int inputDim() {
        return input.size() / input.dim(0);
    }

    /** n_b: scalars per sample of the block output. */
    public int outputDim() {
        return target.size() / target.dim(0);
    }

    /** The number of parameter scalars the weight Hessian acts on. */
    public int weightDim() {
        int n = 0;
        for (Tensor t : parameters) n += t.size();
        return n;
    }

    /** (1/m)·∂²ℓ_b/∂θ² over the chosen parameters, block as it is (through the batch statistics). */
    public LinearOperator weightHessian() {
        if (parameters.isEmpty()) throw new IllegalStateException("LocalHessian: the block " + block + " has no parameters");
        double scale = 1.0 / batchSize();
        return operator(weightDim(), v -> ModuleState.preserving(block, () -> {
            List<Tensor> vt = split(v, parameters);
            Tensor out = block.forward(input);
            return scaled(flatten(secondDerivative(out, target, parameters, vt)), scale);
        }));
    }

    /** ∂²ℓ_b/∂z² in the whole batch input (dimension m·n_{b−1}), every cross-sample term included. */
    public LinearOperator inputHessian() {
        return operator(input.size(), v -> ModuleState.preserving(block, () -> {
            Tensor z = input.detach().requiresGrad(true);
            Tensor out = block.forward(z);
            return flatten(secondDerivative(out, target, List.of(z), List.of(Tensor.of(v, input.dims()).to(input.dtype()))));
        }));
    }

    /** The per-sample input Hessian H_z of sample j (n_{b−1} square), batch-norm statistics frozen. */
    public LinearOperator inputHessianOfSample(int j) {
        checkSample(j);
        Tensor zj = input.slice(j, j + 1);
        Tensor tj = target.slice(j, j + 1);
        int[] dims = zj.dims();
        return operator(inputDim(), v -> frozen.run(() -> {
            Tensor z = zj.detach().requiresGrad(true);
            Tensor out = block.forward(z);
            return flatten(secondDerivative(out, tj, List.of(z), List.of(Tensor.of(v, dims).to(input.dtype()))));
        }));
    }

    /** (1/m) Σⱼ H_z[j], the per-sample input Hessian averaged over the batch, batch-norm statistics frozen. */
    public LinearOperator meanInputHessian() {
        int m = batchSize();
        int n = inputDim();
        int[] one = input.dims().clone();
        one[0] = 1;
        return operator(n, v -> frozen.run(() -> {
            Tensor z = input.detach().requiresGrad(true);
            Tensor out = block.forward(z);
            // the same direction for every sample: the frozen block acts on samples separately, so
            // sample j's component of the product is H_z[j]·v
            Tensor tiled = Tensor.of(v, one).to(input.dtype()).expand(input.dims());
            double[] all = flatten(secondDerivative(out, target, List.of(z), List.of(tiled)));
            double[] mean = new double[n];
            for (int j = 0; j < m; j++) for (int i = 0; i < n; i++) mean[i] += all[j * n + i] / m;
            return mean;
        }));
    }

    /** ∂F_b(z)[j]/∂z[j] (n_b × n_{b−1}) with batch-norm statistics frozen, one back-propagation per output. */
    public DMatrixRMaj inputJacobianOfSample(int j) {
        checkSample(j);
        return frozen.run(() -> {
            Tensor z = input.slice(j, j + 1).detach().requiresGrad(true);
            Tensor out = block.forward(z);
            int rows = out.size();
            DMatrixRMaj jac = new DMatrixRMaj(rows, inputDim());
            for (int r = 0; r < rows; r++) {
                double[] e = new double[rows];
                e[r] = 1;
                Tensor g = Autograd.grad(List.of(out), List.of(z), List.of(Tensor.of(e, out.dims()).to(out.dtype())), false, true).getFirst();
                double[] row = g.toDoubleArray();
                System.arraycopy(row, 0, jac.data, r * row.length, row.length);
            }
            return jac;
        });
    }

    private void checkSample(int j) {
        if (j < 0 || j >= batchSize()) throw new IndexOutOfBoundsException("LocalHessian: sample " + j + " of a batch of " + batchSize());
    }

    // JᵀJ·v (Gauss–Newton) or ∇²(½‖out − t‖²)·v (exact) with respect to vars.
    private List<Tensor> secondDerivative(Tensor out, Tensor t, List<Tensor> vars, List<Tensor> v) {
        if (curvature == Curvature.GAUSS_NEWTON) {
            Tensor u = Autograd.jvp(out, vars, v).detach();
            return Autograd.grad(List.of(out), vars, List.of(u), false, false);
        }
        Tensor loss = out.sub(t.to(out.dtype())).square().sum().mul(0.5);
        return Autograd.hvp(loss, vars, v);
    }

    private static List<Tensor> split(double[] v, List<Tensor> like) {
        List<Tensor> out = new ArrayList<>(like.size());
        int off = 0;
        for (Tensor p : like) {
            double[] part = new double[p.size()];
            System.arraycopy(v, off, part, 0, part.length);
            off += part.length;
            out.add(Tensor.of(part, p.dims()).to(p.dtype()));
        }
        return out;
    }

    private static double[] flatten(List<Tensor> parts) {
        int n = 0;
        for (Tensor t : parts) n += t.size();
        double[] out = new double[n];
        int off = 0;
        for (Tensor t : parts) {
            System.arraycopy(t.toDoubleArray(), 0, out, off, t.size());
            off += t.size();
        }
        return out;
    }

    private static double[] scaled(double[] v, double s) {
        for (int i = 0; i < v.length; i++) v[i] *= s;
        return v;
    }

    private static LinearOperator operator(int dim, java.util.function.Function<double[], double[]> product) {
        return new LinearOperator() {
            @Override
            public int dim() {
                return dim;
            }

            @Override
            public void apply(double[] v, double[] out) {
                checkLength("local Hessian apply", v);
                System.arraycopy(product.apply(v), 0, out, 0, dim);
            }

            @Override
            public boolean isSymmetric() {
                return true;
            }
        };
    }
}
