package org.panopt.hessian.local;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.panopt.autograd.Autograd;
import org.panopt.hessian.ModuleState;
import org.panopt.nn.BatchNorm;
import org.panopt.nn.Module;
import org.panopt.tensor.Tensor;

/**
 * Runs a block with the statistics of its training-mode batch-norm layers held fixed at their values on
 * one batch — the paper's "ignoring the 1/m terms": the block then acts on each sample separately, with
 * exactly the outputs it gives on the whole batch, so per-sample Jacobians and Hessians are those of the
 * paper's eqs. 16–17. Done by loading the batch mean and (biased) variance into the running buffers and
 * evaluating those layers in eval mode; buffers and modes are restored afterwards.
 */
final class FrozenBatchStatistics {
    private final Module block;
    private final List<BatchNorm> layers = new ArrayList<>();
    private final List<Tensor> means = new ArrayList<>();
    private final List<Tensor> variances = new ArrayList<>();

    FrozenBatchStatistics(Module block, Tensor input) {
        this.block = block;
        List<Module.HookHandle> hooks = new ArrayList<>();
        for (Module m : block.modules()) {
            if (m instanceof BatchNorm bn && bn.isTraining()) {
                layers.add(bn);
                means.add(null);
                variances.add(null);
                int index = layers.size() - 1;
                hooks.add(bn.registerForwardHook((module, in, out) -> {
                    int[] axes = in.rank() == 4 ? new int[] {0, 2, 3} : new int[] {0};
                    means.set(index, in.detach().mean(axes, false));
                    variances.set(index, in.detach().var(axes, false, 0));
                }));
            }
        }
        try {
            if (!layers.isEmpty()) ModuleState.preserving(block, () -> Autograd.noGrad(() -> block.forward(input)));
        } finally {
            hooks.forEach(Module.HookHandle::remove);
        }
    }

    /** Whether the block has training-mode batch norm, i.e. couples the samples of a batch. */
    boolean couplesSamples() {
        return !layers.isEmpty();
    }

    /** Runs {@code body} with the statistics frozen (then restores buffers and modes). */
    <T> T run(Supplier<T> body) {
        ModuleState state = ModuleState.of(block);
        try {
            Autograd.noGrad(() -> {
                for (int i = 0; i < layers.size(); i++) {
                    layers.get(i).runningMean().copyFrom(means.get(i));
                    layers.get(i).runningVar().copyFrom(variances.get(i));
                }
            });
            for (BatchNorm bn : layers) bn.train(false);
            return body.get();
        } finally {
            state.restore();
        }
    }
}
