package org.panopt.hessian;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.panopt.autograd.Autograd;
import org.panopt.backend.HostStorage;
import org.panopt.nn.Module;
import org.panopt.nn.Parameter;
import org.panopt.nn.loss.Loss;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * The loss of a model on one fixed batch, L(θ) = loss(model_θ(x), y), seen as a function of chosen
 * parameter blocks θ — the object every curvature operator of this package differentiates
 * (curvlinops' {@code model_func, loss_func, params, data}).
 *
 * <p>θ is the concatenation of the chosen parameters, each flattened row-major, in the model's
 * {@link Module#namedParameters()} order; {@link #offset(String)} says where a block starts. Restricting
 * to blocks ({@link #restrictedTo}) gives the curvature of those blocks alone, which is the principal
 * sub-matrix of the full one.
 *
 * <p>Conventions: the model runs in whatever mode it is in (training-mode batch norm uses the batch's
 * statistics, so the curvature includes their dependence on θ); its buffers are restored after every pass,
 * so analysis never moves running statistics. Dropout in training mode is refused (the operator would be
 * random). The loss is the reduced loss: a {@code MEAN} loss gives the Hessian of the mean, a {@code SUM}
 * loss that of the sum (N times larger).
 */
public final class BatchLoss {
    private final Module model;
    private final Loss loss;
    private final Tensor inputs;
    private final Tensor targets;
    private final List<Parameter> parameters;
    private final int[] offsets;

    private BatchLoss(Module model, Loss loss, Tensor inputs, Tensor targets, List<Parameter> parameters) {
        if (parameters.isEmpty()) throw new IllegalArgumentException("BatchLoss: no parameters selected");
        ModuleState.requireDeterministic(model, "BatchLoss");
        this.model = model;
        this.loss = loss;
        this.inputs = inputs.detach();
        this.targets = targets == null ? null : targets.detach();
        this.parameters = List.copyOf(parameters);
        this.offsets = new int[parameters.size() + 1];
        for (int i = 0; i < parameters.size(); i++) offsets[i + 1] = Math.addExact(offsets[i], parameters.get(i).value().size());
    }

    /** The loss over every parameter of {@code model}. {@code targets} may be null only for operators that never read them (GGN, true Fisher). */
    public static BatchLoss of(Module model, Loss loss, Tensor inputs, Tensor targets) {
        return new BatchLoss(model, loss, inputs, targets, model.namedParameters());
    }

    /**
     * The same loss as a function of the named parameters only. A name selects the parameter of that
     * dotted name or, as a prefix, every parameter of that submodule ({@code "2"} selects {@code "2.weight"}
     * and {@code "2.bias"}). An unknown name is an error listing the parameters there are.
     */
    public BatchLoss restrictedTo(String... names) {
        List<Parameter> chosen = new ArrayList<>();
        for (String name : names) {
            boolean found = false;
            for (Parameter p : parameters) {
                if (p.name().equals(name) || p.name().startsWith(name + ".")) {
                    found = true;
                    if (!chosen.contains(p)) chosen.add(p);
                }
            }
            if (!found) {
                throw new IllegalArgumentException("BatchLoss.restrictedTo: no parameter named '" + name + "' (or under it); there are "
                        + parameters.stream().map(Parameter::name).toList());
            }
        }
        chosen.sort((a, b) -> Integer.compare(parameters.indexOf(a), parameters.indexOf(b)));
        return new BatchLoss(model, loss, inputs, targets, chosen);
    }

    /** The same loss as a function of the given parameter tensors (by identity). */
    public BatchLoss restrictedTo(List<Tensor> tensors) {
        Set<Tensor> wanted = Collections.newSetFromMap(new IdentityHashMap<>());
        wanted.addAll(tensors);
        List<Parameter> chosen = parameters.stream().filter(p -> wanted.contains(p.value())).toList();
        if (chosen.size() != wanted.size()) {
            throw new IllegalArgumentException("BatchLoss.restrictedTo: " + (wanted.size() - chosen.size()) + " of the " + wanted.size()
                    + " tensors are not parameters of the model");
        }
        return new BatchLoss(model, loss, inputs, targets, chosen);
    }

    /** The number of scalars in θ. */
    public int dim() {
        return offsets[parameters.size()];
    }

    public Module model() {
        return model;
    }

    public Loss loss() {
        return loss;
    }

    public Tensor inputs() {
        return inputs;
    }

    /** The data targets, or null. */
    public Tensor targets() {
        return targets;
    }

    /** The chosen parameters in θ's order. */
    public List<Parameter> parameters() {
        return parameters;
    }

    /** The chosen parameter tensors in θ's order. */
    public List<Tensor> tensors() {
        return parameters.stream().map(Parameter::value).toList();
    }

    /** Where the parameter called {@code name} starts in θ. */
    public int offset(String name) {
        for (int i = 0; i < parameters.size(); i++) if (parameters.get(i).name().equals(name)) return offsets[i];
        throw new IllegalArgumentException("BatchLoss: no selected parameter named '" + name + "'; selected are "
                + parameters.stream().map(Parameter::name).toList());
    }

    /** The model's output on the batch, recorded for differentiation; buffers and modes are restored afterwards. */
    public Tensor output() {
        return ModuleState.preserving(model, () -> model.forward(inputs));
    }

    /** The reduced loss of {@code output} against the data targets. */
    public Tensor lossOf(Tensor output) {
        if (targets == null) throw new IllegalStateException("BatchLoss: this loss was built without targets");
        return loss.loss(output, targets);
    }

    /** L(θ) now. */
    public double value() {
        return Autograd.noGrad(() -> lossOf(output()).item());
    }

    /** ∇L(θ) now, flattened. */
    public double[] gradient() {
        List<Tensor> g = Autograd.grad(List.of(lossOf(output())), tensors(), null, false);
        return flatten(g);
    }

    /** Splits a θ-vector into tensors shaped (and typed) like the chosen parameters. */
    public List<Tensor> toTensors(double[] v) {
        if (v.length != dim()) throw new IllegalArgumentException("BatchLoss: vector of length " + v.length + " for " + dim() + " parameters");
        List<Tensor> out = new ArrayList<>(parameters.size());
        for (int i = 0; i < parameters.size(); i++) {
            Tensor p = parameters.get(i).value();
            int n = p.size();
            Tensor t;
            if (p.dtype() == DType.FLOAT32) {
                float[] part = new float[n]; // converted on the way: no double copy, no second pass
                for (int k = 0; k < n; k++) part[k] = (float) v[offsets[i] + k];
                t = new Tensor(new HostStorage.Floats(part), 0, p.shape());
            } else {
                t = new Tensor(new HostStorage.Doubles(Arrays.copyOfRange(v, offsets[i], offsets[i] + n)), 0, p.shape());
            }
            out.add(t.to(p.device()));
        }
        return out;
    }

    /** Concatenates tensors shaped like the chosen parameters into a θ-vector. */
    public double[] flatten(List<Tensor> parts) {
        double[] out = new double[dim()];
        flattenInto(parts, out);
        return out;
    }

    /** As {@link #flatten(List)}, into {@code out}. */
    public void flattenInto(List<Tensor> parts, double[] out) {
        if (parts.size() != parameters.size()) {
            throw new IllegalArgumentException("BatchLoss: " + parts.size() + " tensors for " + parameters.size() + " parameters");
        }
        for (int i = 0; i < parts.size(); i++) {
            Tensor t = parts.get(i);
            if (t.size() != parameters.get(i).value().size()) {
                throw new IllegalArgumentException("BatchLoss: tensor " + i + " has shape " + t.shape() + ", parameter '"
                        + parameters.get(i).name() + "' has " + parameters.get(i).value().shape());
            }
            int at = offsets[i];
            if (t.offset() == 0 && t.storage() instanceof HostStorage.Floats(float[] f) && f.length == t.size()) {
                for (int k = 0; k < f.length; k++) out[at + k] = f[k]; // read in place
            } else if (t.offset() == 0 && t.storage() instanceof HostStorage.Doubles(double[] d) && d.length == t.size()) {
                System.arraycopy(d, 0, out, at, d.length);
            } else {
                System.arraycopy(t.toDoubleArray(), 0, out, at, t.size());
            }
        }
    }
}
