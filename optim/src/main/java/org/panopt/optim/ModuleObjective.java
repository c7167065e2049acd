package org.panopt.optim;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.panopt.autograd.Autograd;
import org.panopt.nn.Dropout;
import org.panopt.nn.Module;
import org.panopt.nn.Parameter;
import org.panopt.nn.loss.Loss;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * The standard {@link ModelObjective}: {@code loss(model(inputs), targets)} on one mini-batch.
 *
 * <p>Probes ({@link #probe}) keep the model untouched: the substituted parameters are copied back from saved
 * copies (bit-identical, never "subtract what was added"), every buffer (batch-norm running statistics) is
 * snapshotted and restored, and dropout layers replay the masks of the last {@link #evaluate()}
 * ({@link Dropout#beginReplay}); a probe on another batch shape draws its masks from a generator re-seeded
 * identically for every probe, so all probes of one step see the same sub-network. Batch norm keeps the
 * model's mode: in training mode a probe normalizes with the probe batch's statistics, as the training pass did.
 *
 * <p><b>Precision.</b> A probe in the model's own dtype runs on the model. A probe in another dtype — float64
 * probes of a float32 network, as the Ravaut–Gorti rule needs (spec B.6) — runs on a <em>probe model</em>: a
 * twin of the same architecture built in that dtype ({@link #withProbeModel}); before each probe the twin
 * receives the model's parameters and buffers converted to its dtype and the model's dropout masks.
 *
 * <p><b>Probe batch.</b> By default probes use the training batch; {@link #withProbeBatch} points them at
 * another one (the validation-batch variant of the Ravaut–Gorti rule), while {@link #evaluate()} keeps the
 * training batch.
 */
public final class ModuleObjective implements ModelObjective {
    private final Module model;
    private final Loss loss;
    private final Tensor inputs;
    private final Tensor targets;
    private final List<Parameter> named;
    private final List<Tensor> params;
    private final Module probeModel;
    private final Tensor probeInputs;
    private final Tensor probeTargets;
    private final long probeSeed;

    public ModuleObjective(Module model, Loss loss, Tensor inputs, Tensor targets) {
        this(model, loss, inputs, targets, null, null, null, 0x5eedL);
    }

    private ModuleObjective(Module model, Loss loss, Tensor inputs, Tensor targets, Module probeModel, Tensor probeInputs,
                            Tensor probeTargets, long probeSeed) {
        if (model == null || loss == null || inputs == null || targets == null) {
            throw new IllegalArgumentException("ModuleObjective: model, loss, inputs and targets must not be null");
        }
        this.model = model;
        this.loss = loss;
        this.inputs = inputs;
        this.targets = targets;
        this.named = model.namedParameters();
        this.params = named.stream().map(Parameter::value).toList();
        if (params.isEmpty()) throw new IllegalArgumentException("ModuleObjective: the model has no parameters");
        this.probeModel = probeModel;
        this.probeInputs = probeInputs;
        this.probeTargets = probeTargets;
        this.probeSeed = probeSeed;
        if (probeModel != null) checkTwin(probeModel);
    }

    /**
     * This objective with probes in {@code twin}'s dtype run on {@code twin}: the same architecture (same
     * parameter and buffer names and shapes), built in another dtype (usually float64).
     */
    public ModuleObjective withProbeModel(Module twin) {
        return new ModuleObjective(model, loss, inputs, targets, twin, probeInputs, probeTargets, probeSeed);
    }

    /** This objective with probes evaluated on another batch (e.g. a random validation batch). */
    public ModuleObjective withProbeBatch(Tensor probeInputs, Tensor probeTargets) {
        if (probeInputs == null || probeTargets == null) throw new IllegalArgumentException("withProbeBatch: inputs and targets must not be null");
        return new ModuleObjective(model, loss, inputs, targets, probeModel, probeInputs, probeTargets, probeSeed);
    }

    /** This objective with dropout masks for off-shape probe batches drawn from generators seeded with {@code seed}. */
    public ModuleObjective withProbeSeed(long seed) {
        return new ModuleObjective(model, loss, inputs, targets, probeModel, probeInputs, probeTargets, seed);
    }

    private void checkTwin(Module twin) {
        Map<String, Tensor> own = model.stateDict();
        Map<String, Tensor> other = twin.stateDict();
        if (!own.keySet().equals(other.keySet())) {
            throw new IllegalArgumentException("ModuleObjective: the probe model's state names " + other.keySet() + " differ from the model's " + own.keySet());
        }
        own.forEach((k, t) -> {
            if (!t.shape().equals(other.get(k).shape())) {
                throw new IllegalArgumentException("ModuleObjective: probe model's '" + k + "' has shape " + other.get(k).shape() + ", the model's " + t.shape());
            }
        });
        if (dropouts(twin).size() != dropouts(model).size()) throw new IllegalArgumentException("ModuleObjective: the probe model has a different number of dropout layers");
    }

    @Override
    public Module model() {
        return model;
    }

    @Override
    public Loss loss() {
        return loss;
    }

    @Override
    public Tensor inputs() {
        return inputs;
    }

    @Override
    public Tensor targets() {
        return targets;
    }

    @Override
    public List<Tensor> parameters() {
        return params;
    }

    /** The model's parameter names, in {@link #parameters()} order. */
    public List<String> parameterNames() {
        return named.stream().map(Parameter::name).toList();
    }

    @Override
    public Tensor forward() {
        return model.forward(inputs);
    }

    @Override
    public Evaluation evaluate() {
        model.zeroGrad();
        Tensor out = model.forward(inputs);
        Tensor l = loss.loss(out, targets);
        if (l.size() != 1) throw new IllegalStateException("ModuleObjective: the loss has shape " + l.shape() + ", not a scalar");
        l.backward();
        List<Tensor> grads = new ArrayList<>(params.size());
        for (Parameter p : named) {
            Tensor g = p.value().grad();
            if (g == null) {
                throw new IllegalStateException("ModuleObjective: parameter '" + p.name() + "' " + p.value().shape() + " received no gradient (not used by the loss)");
            }
            grads.add(g.detach());
        }
        return new Evaluation(l.item(), grads, out.detach());
    }

    @Override
    public <T> T withFrozenState(Supplier<T> body) {
        return frozen(model, null, body);
    }

    @Override
    public double probe(List<Tensor> targetParams, List<Tensor> values, DType precision) {
        ProbeSupport.checkSubstitution(params, targetParams, values);
        Tensor x = probeInputs != null ? probeInputs : inputs;
        Tensor y = probeTargets != null ? probeTargets : targets;
        DType own = params.getFirst().dtype();
        if (precision == own) {
            return frozen(model, null, () -> ProbeSupport.withSubstituted(targetParams, values,
                    () -> Autograd.noGrad(() -> loss.loss(model.forward(x.to(precision)), y).item())));
        }
        if (probeModel == null || probeModel.parameters().getFirst().dtype() != precision) {
            throw new UnsupportedOperationException("ModuleObjective: a " + precision + " probe of a " + own + " model needs a probe model built in "
                    + precision + " (withProbeModel(twin)), or a probe in " + own + " chosen explicitly");
        }
        // The twin receives the model's parameters and buffers (converted), then the substituted values.
        Map<Tensor, Integer> index = new IdentityHashMap<>();
        for (int i = 0; i < params.size(); i++) index.put(params.get(i), i);
        List<Tensor> twinParams = probeModel.parameters();
        Map<String, Tensor> state = new LinkedHashMap<>(model.stateDict());
        probeModel.loadStateDict(state);
        probeModel.train(model.isTraining());
        Autograd.noGrad(() -> {
            for (int i = 0; i < targetParams.size(); i++) twinParams.get(index.get(targetParams.get(i))).copyFrom(values.get(i));
        });
        return frozen(probeModel, dropouts(model), () -> Autograd.noGrad(() -> loss.loss(probeModel.forward(x.to(precision)), y).item()));
    }

    // Runs body on `net` with its buffers restored afterwards and its dropout layers replaying `masksFrom`'s
    // last masks (its own when null); fallback masks come from generators re-seeded identically per call.
    private <T> T frozen(Module net, List<Dropout> masksFrom, Supplier<T> body) {
        Map<String, Tensor> buffers = buffers(net);
        Map<String, Tensor> saved = new LinkedHashMap<>();
        Autograd.noGrad(() -> buffers.forEach((k, t) -> saved.put(k, t.copy())));
        List<Dropout> drops = dropouts(net);
        List<Dropout> sources = masksFrom == null ? drops : masksFrom;
        for (int i = 0; i < drops.size(); i++) {
            drops.get(i).beginReplay(sources.get(i).lastMask(), new SplittableRandom(probeSeed + 0x9E3779B97F4A7C15L * i));
        }
        try {
            return body.get();
        } finally {
            for (Dropout d : drops) d.endReplay();
            Autograd.noGrad(() -> buffers.forEach((k, t) -> t.copyFrom(saved.get(k))));
        }
    }

    private static Map<String, Tensor> buffers(Module net) {
        Map<String, Tensor> all = new LinkedHashMap<>(net.stateDict());
        for (Parameter p : net.namedParameters()) all.remove(p.name());
        return all;
    }

    private static List<Dropout> dropouts(Module net) {
        return net.modules().stream().filter(m -> m instanceof Dropout).map(m -> (Dropout) m).toList();
    }
}
