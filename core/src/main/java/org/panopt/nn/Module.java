package org.panopt.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.panopt.autograd.Autograd;
import org.panopt.tensor.Device;
import org.panopt.tensor.Tensor;

/**
 * A layer or a network: named parameters (leaf tensors that require a gradient), named buffers (state
 * such as batch-norm running statistics), submodules, a train/eval mode, and hooks.
 *
 * <p>{@link #forward} runs the layer's {@link #compute} and then the hooks: a forward hook sees the
 * layer's input and output; a backward hook sees ∂L/∂output when back-propagation reaches it. K-FAC's
 * statistics are exactly these: the input activations ā of a linear layer and the gradients g of its
 * pre-activation output.
 */
public abstract class Module {
    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private final List<ForwardHook> forwardHooks = new ArrayList<>();
    private final List<BackwardHook> backwardHooks = new ArrayList<>();
    private boolean training = true;

    /** Called after every forward pass with the layer's input and output. */
    @FunctionalInterface
    public interface ForwardHook {
        void onForward(Module module, Tensor input, Tensor output);
    }

    /** Called during back-propagation with ∂L/∂(this layer's output). */
    @FunctionalInterface
    public interface BackwardHook {
        void onBackward(Module module, Tensor gradOutput);
    }

    /** Removes the hook it was returned for. */
    @FunctionalInterface
    public interface HookHandle {
        void remove();
    }

    /** The layer's computation, without hooks. */
    protected abstract Tensor compute(Tensor input);

    /** Runs the layer on {@code input}, then its forward hooks; arranges its backward hooks. */
    public final Tensor forward(Tensor input) {
        Tensor out = compute(input);
        for (ForwardHook h : List.copyOf(forwardHooks)) h.onForward(this, input, out);
        if (!backwardHooks.isEmpty() && out.requiresGrad()) {
            List<BackwardHook> hooks = List.copyOf(backwardHooks);
            out.registerHook(g -> {
                for (BackwardHook h : hooks) h.onBackward(this, g);
                return g;
            });
        }
        return out;
    }

    // ---------------------------------------------------------------- registration

    /** Registers a trainable parameter (marking it as requiring a gradient) and returns it. */
    protected Tensor registerParameter(String name, Tensor value) {
        checkName(name);
        parameters.put(name, value.requiresGrad(true));
        return value;
    }

    /** Registers non-trainable state that belongs in the state dict (e.g. running statistics). */
    protected Tensor registerBuffer(String name, Tensor value) {
        checkName(name);
        buffers.put(name, value);
        return value;
    }

    /** Registers a submodule and returns it. */
    protected <M extends Module> M registerModule(String name, M module) {
        checkName(name);
        children.put(name, module);
        return module;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains(".")) throw new IllegalArgumentException("module member name '" + name + "' must be non-empty and contain no '.'");
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " already has a member named '" + name + "'");
        }
    }

    /** The parameter registered under {@code name} directly on this module. */
    public Tensor parameter(String name) {
        Tensor t = parameters.get(name);
        if (t == null) throw new IllegalArgumentException(getClass().getSimpleName() + " has no parameter '" + name + "'; it has " + parameters.keySet());
        return t;
    }

    /** The buffer registered under {@code name} directly on this module. */
    public Tensor buffer(String name) {
        Tensor t = buffers.get(name);
        if (t == null) throw new IllegalArgumentException(getClass().getSimpleName() + " has no buffer '" + name + "'; it has " + buffers.keySet());
        return t;
    }

    /** Direct submodules in registration order. */
    public Map<String, Module> children() {
        return java.util.Collections.unmodifiableMap(children);
    }

    // ---------------------------------------------------------------- traversal

    /** Every parameter of this module and its descendants, with dotted names ({@code "0.weight"}). */
    public List<Parameter> namedParameters() {
        List<Parameter> out = new ArrayList<>();
        collectParameters("", out);
        return out;
    }

    private void collectParameters(String prefix, List<Parameter> out) {
        parameters.forEach((n, t) -> out.add(new Parameter(prefix + n, t, this)));
        children.forEach((n, m) -> m.collectParameters(prefix + n + ".", out));
    }

    /** Every parameter tensor, in {@link #namedParameters()} order. */
    public List<Tensor> parameters() {
        return namedParameters().stream().map(Parameter::value).toList();
    }

    /** Total number of trainable scalars. */
    public long parameterCount() {
        long n = 0;
        for (Tensor t : parameters()) n += t.size();
        return n;
    }

    /** This module and all its descendants, depth first, parents before children. */
    public List<Module> modules() {
        List<Module> out = new ArrayList<>();
        out.add(this);
        for (Module m : children.values()) out.addAll(m.modules());
        return out;
    }

    /** Parameters and buffers by dotted name: everything needed to restore the module's state. */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collectState("", out);
        return out;
    }

    private void collectState(String prefix, Map<String, Tensor> out) {
        parameters.forEach((n, t) -> out.put(prefix + n, t));
        buffers.forEach((n, t) -> out.put(prefix + n, t));
        children.forEach((n, m) -> m.collectState(prefix + n + ".", out));
    }

    /** Copies values into this module's parameters and buffers; names and shapes must match exactly. */
    public void loadStateDict(Map<String, Tensor> state) {
        Map<String, Tensor> own = stateDict();
        if (!own.keySet().equals(state.keySet())) {
            List<String> missing = own.keySet().stream().filter(k -> !state.containsKey(k)).toList();
            List<String> unexpected = state.keySet().stream().filter(k -> !own.containsKey(k)).toList();
            throw new IllegalArgumentException("loadStateDict: missing " + missing + ", unexpected " + unexpected);
        }
        own.forEach((k, t) -> {
            Tensor v = state.get(k);
            if (!v.shape().equals(t.shape())) {
                throw new IllegalArgumentException("loadStateDict: '" + k + "' has shape " + v.shape() + ", expected " + t.shape());
            }
        });
        Autograd.noGrad(() -> own.forEach((k, t) -> t.copyFrom(state.get(k))));
    }

    /**
     * Moves every parameter, buffer and accumulated gradient to {@code device}, in place: the tensors stay
     * the same objects (re-pointed with {@link Tensor#setData}), so layers' fields and anything keyed by
     * parameter still refer to them — PyTorch's {@code module.to(device)}. Returns this.
     */
    public Module to(Device device) {
        Autograd.noGrad(() -> {
            for (Tensor t : stateDict().values()) {
                if (!t.device().equals(device)) t.setData(t.detach().to(device));
                if (t.grad() != null && !t.grad().device().equals(device)) t.setGrad(t.grad().detach().to(device));
            }
        });
        return this;
    }

    /** Clears the gradient of every parameter. */
    public void zeroGrad() {
        for (Tensor t : parameters()) t.zeroGrad();
    }

    // ---------------------------------------------------------------- mode and hooks

    /** Sets training mode (batch statistics, dropout on) or evaluation mode, recursively; returns this. */
    public Module train(boolean on) {
        for (Module m : modules()) m.training = on;
        return this;
    }

    public Module train() {
        return train(true);
    }

    public Module eval() {
        return train(false);
    }

    public boolean isTraining() {
        return training;
    }

    /**
     * Adds a hook run after every forward pass; the handle removes this registration (and only it: the same
     * hook registered twice is two registrations). Removing twice is harmless, as in PyTorch.
     */
    public HookHandle registerForwardHook(ForwardHook hook) {
        ForwardHook registration = hook::onForward; // a distinct object per registration, removed by identity
        forwardHooks.add(registration);
        return () -> forwardHooks.remove(registration);
    }

    /**
     * Adds a hook that sees ∂L/∂output during back-propagation through the outputs of later forward passes
     * (a pass already recorded keeps the hooks it was recorded with); the handle removes this registration.
     */
    public HookHandle registerBackwardHook(BackwardHook hook) {
        BackwardHook registration = hook::onBackward;
        backwardHooks.add(registration);
        return () -> backwardHooks.remove(registration);
    }

    /** A short description: the class and its configuration (overridden by layers). */
    protected String describe() {
        return getClass().getSimpleName();
    }

    @Override
    public String toString() {
        if (children.isEmpty()) return describe();
        StringBuilder sb = new StringBuilder(describe()).append("(\n");
        children.forEach((n, m) -> sb.append("  (").append(n).append("): ").append(m.toString().replace("\n", "\n  ")).append('\n'));
        return sb.append(')').toString();
    }
}
