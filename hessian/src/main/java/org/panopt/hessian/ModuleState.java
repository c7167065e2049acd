package org.panopt.hessian;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.panopt.autograd.Autograd;
import org.panopt.nn.Dropout;
import org.panopt.nn.Module;
import org.panopt.tensor.Tensor;

/**
 * Keeps a module's buffers (batch-norm running statistics) and train/eval flags as they were around a
 * computation. Curvature products run the network many times on one batch; in training mode each pass
 * would otherwise move the running statistics, so analysing a network would change it.
 */
public final class ModuleState {
    private final Module module;
    private final List<Tensor> buffers = new ArrayList<>();
    private final List<Tensor> saved = new ArrayList<>();
    private final List<Module> modules;
    private final boolean[] training;

    private ModuleState(Module module) {
        this.module = module;
        Set<Tensor> params = Collections.newSetFromMap(new IdentityHashMap<>());
        params.addAll(module.parameters());
        for (Tensor t : module.stateDict().values()) {
            if (!params.contains(t)) {
                buffers.add(t);
                saved.add(Autograd.noGrad(() -> t.detach().copy()));
            }
        }
        this.modules = module.modules();
        this.training = new boolean[modules.size()];
        for (int i = 0; i < modules.size(); i++) training[i] = modules.get(i).isTraining();
    }

    /** A snapshot of {@code module}'s buffers and modes now. */
    public static ModuleState of(Module module) {
        return new ModuleState(module);
    }

    /** Puts the buffers and modes back as they were when the snapshot was taken. */
    public void restore() {
        Autograd.noGrad(() -> {
            for (int i = 0; i < buffers.size(); i++) buffers.get(i).copyFrom(saved.get(i));
        });
        // train(flag) is recursive and parents come before children, so each module's own flag is set last.
        for (int i = 0; i < modules.size(); i++) modules.get(i).train(training[i]);
    }

    /** Runs {@code body} and then restores {@code module}'s buffers and modes. */
    public static <T> T preserving(Module module, Supplier<T> body) {
        ModuleState state = of(module);
        try {
            return body.get();
        } finally {
            state.restore();
        }
    }

    /** The module this snapshot belongs to. */
    public Module module() {
        return module;
    }

    /**
     * Refuses a module whose forward pass is random (dropout with p &gt; 0 in training mode): a curvature
     * operator must be one fixed matrix.
     */
    public static void requireDeterministic(Module module, String who) {
        for (Module m : module.modules()) {
            if (m instanceof Dropout d && d.isTraining() && d.p() > 0) {
                throw new IllegalArgumentException(who + ": the network has " + d + " in training mode, so every pass draws a new mask"
                        + " and the curvature is not one matrix; call eval() on it (or on the dropout layers)");
            }
        }
    }
}
