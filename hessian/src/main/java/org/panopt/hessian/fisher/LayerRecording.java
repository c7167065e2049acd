package org.panopt.hessian.fisher;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.panopt.nn.Linear;
import org.panopt.nn.Module;
import org.panopt.tensor.Tensor;

/**
 * One forward pass of a network with hooks on chosen linear layers: the network output z, each layer's input
 * (detached) and its pre-activation output (still in the graph, so derivatives with respect to it can be
 * taken). Shared by the K-FAC analyses of this package.
 */
record LayerRecording(Tensor output, Tensor[] inputs, Tensor[] preActivations) {

    /** Runs {@code network} on {@code x}, recording {@code layers}; {@code who} names the caller in errors. */
    static LayerRecording forward(Module network, List<Linear> layers, Tensor x, String who) {
        int l = layers.size();
        Tensor[] inputsOf = new Tensor[l];
        Tensor[] outputsOf = new Tensor[l];
        List<Module.HookHandle> hooks = new ArrayList<>();
        for (int i = 0; i < l; i++) {
            int index = i;
            hooks.add(layers.get(i).registerForwardHook((m, in, out) -> {
                if (outputsOf[index] != null) throw new IllegalArgumentException(who + ": " + m + " runs twice in one forward pass");
                inputsOf[index] = in.detach();
                outputsOf[index] = out;
            }));
        }
        Tensor z;
        try {
            z = network.forward(x);
        } finally {
            hooks.forEach(Module.HookHandle::remove);
        }
        for (int i = 0; i < l; i++) {
            if (outputsOf[i] == null) throw new IllegalArgumentException(who + ": " + layers.get(i) + " was not used by the forward pass");
            if (inputsOf[i].rank() != 2) {
                throw new IllegalArgumentException(who + ": " + layers.get(i) + " got input " + inputsOf[i].shape() + "; only [N, in] inputs are supported");
            }
        }
        return new LayerRecording(z, inputsOf, outputsOf);
    }

    /** Checks that {@code layers} is non-empty and every layer belongs to {@code network}. */
    static void checkLayers(Module network, List<Linear> layers, String who) {
        if (layers.isEmpty()) throw new IllegalArgumentException(who + ": no layers");
        List<Module> all = network.modules();
        for (Linear l : layers) {
            if (!all.contains(l)) throw new IllegalArgumentException(who + ": " + l + " is not a layer of the network");
        }
    }

    /** Rows of a tensor [N, …] as double arrays [N][size/N]. */
    static double[][] rows(Tensor t) {
        int n = t.dim(0);
        int d = t.size() / n;
        double[] all = t.toDoubleArray();
        double[][] out = new double[n][d];
        for (int i = 0; i < n; i++) System.arraycopy(all, i * d, out[i], 0, d);
        return out;
    }

    /** Rows of a layer input with the homogeneous coordinate 1 appended when the layer has a bias: ā = [a; 1]. */
    static double[][] homogeneous(Tensor input, boolean bias) {
        double[][] r = rows(input);
        if (!bias) return r;
        double[][] out = new double[r.length][];
        for (int i = 0; i < r.length; i++) {
            out[i] = Arrays.copyOf(r[i], r[i].length + 1);
            out[i][r[i].length] = 1;
        }
        return out;
    }
}
