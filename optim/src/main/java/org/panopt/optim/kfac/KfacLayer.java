package org.panopt.optim.kfac;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.panopt.nn.Conv2d;
import org.panopt.nn.Linear;
import org.panopt.nn.Module;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * A layer K-FAC curves: a weight matrix W̄ = [W b] {@code [d_out, d_in(+1)]} acting on homogeneous inputs
 * ā = [a; 1] (the bias is the last column, {@code spec/kfac.md} §1.1), with
 * <ul>
 * <li>{@link #activationRows}: the ā's of one pass as rows {@code [N·T, d_in(+1)]} (float64), T spatial
 *     positions per case (1 for a dense layer; the im2col patches of a convolution);</li>
 * <li>{@link #derivativeRows}: the matching g = ∂L/∂s rows {@code [N·T, d_out]};</li>
 * <li>{@link #toMatrix}/{@link #fromMatrix}: between the per-parameter tensors (weight, bias) and W̄'s shape.</li>
 * </ul>
 * {@link #discover} finds the {@link Linear} and {@link Conv2d} layers of a model and where their parameters
 * sit in an optimizer's parameter list.
 */
public sealed interface KfacLayer permits KfacLinear, KfacConv2d {

    Module module();

    /** The model's dotted name of the layer (for messages and reports). */
    String name();

    /** d_in (+1 with a bias): the size of ā and of the input factor Ā. */
    int inputDim();

    /** d_out: the size of g and of the output factor G. */
    int outputDim();

    Tensor weight();

    /** The bias, or null. */
    Tensor bias();

    /** Index of the weight in the optimizer's parameter list. */
    int weightIndex();

    /** Index of the bias in the optimizer's parameter list, or −1 without a bias. */
    int biasIndex();

    /** Spatial positions T per case (1 for a dense layer). */
    int positions(Tensor input);

    /** ā rows {@code [N·T, inputDim]} in float64 from the layer's input. */
    Tensor activationRows(Tensor input);

    /** g rows {@code [N·T, outputDim]} in float64 from ∂L/∂(layer output). */
    Tensor derivativeRows(Tensor gradOutput);

    /** The homogeneous matrix {@code [outputDim, inputDim]} (float64) of a weight-shaped and a bias-shaped tensor (bias null without one). */
    default Tensor toMatrix(Tensor weightPart, Tensor biasPart) {
        return toMatrix(weightPart, biasPart, DType.FLOAT64);
    }

    /** The homogeneous matrix in {@code dtype}: a fresh tensor that shares no storage with the parts. */
    Tensor toMatrix(Tensor weightPart, Tensor biasPart, DType dtype);

    /** The weight-shaped part of a homogeneous matrix, in {@code dtype}. */
    Tensor weightPart(Tensor matrix, DType dtype);

    /** The bias-shaped part of a homogeneous matrix, in {@code dtype}; null without a bias. */
    Tensor biasPart(Tensor matrix, DType dtype);

    /** The layer's gradient-shaped matrix for a list of per-parameter tensors (one per optimizer parameter). */
    default Tensor matrixOf(List<Tensor> perParameter) {
        return matrixOf(perParameter, DType.FLOAT64);
    }

    /** As {@link #matrixOf(List)}, in {@code dtype}. */
    default Tensor matrixOf(List<Tensor> perParameter, DType dtype) {
        return toMatrix(perParameter.get(weightIndex()), biasIndex() < 0 ? null : perParameter.get(biasIndex()), dtype);
    }

    /**
     * The K-FAC layers of {@code model} in module order (depth first, as {@link Module#modules()}), located
     * in {@code params}. Every parameter must belong to a {@link Linear} or {@link Conv2d} layer unless
     * {@code allowOthers}; their indices are then left out (the caller treats them separately).
     */
    static Discovery discover(Module model, List<Tensor> params, boolean allowOthers) {
        Map<Tensor, Integer> index = new IdentityHashMap<>();
        for (int i = 0; i < params.size(); i++) index.put(params.get(i), i);
        Map<Module, String> names = new IdentityHashMap<>();
        collectNames(model, "", names);
        List<KfacLayer> layers = new ArrayList<>();
        boolean[] covered = new boolean[params.size()];
        java.util.Set<Module> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (Module m : model.modules()) {
            if (!seen.add(m)) continue; // a module registered twice is one layer (its statistics pass then reports the reuse)
            Tensor w;
            Tensor b;
            if (m instanceof Linear lin) {
                w = lin.weight();
                b = lin.bias();
            } else if (m instanceof Conv2d conv) {
                w = conv.weight();
                b = conv.bias();
            } else {
                continue;
            }
            Integer wi = index.get(w);
            Integer bi = b == null ? Integer.valueOf(-1) : index.get(b);
            String name = names.getOrDefault(m, m.toString());
            if (wi == null && (bi == null || bi < 0)) continue; // a layer this optimizer does not train
            if (wi == null || bi == null) {
                throw new IllegalArgumentException("K-FAC: layer '" + name + "' has only " + (wi == null ? "its bias" : "its weight")
                        + " among the optimized parameters; K-FAC curves a layer's weight and bias together");
            }
            covered[wi] = true;
            if (bi >= 0) covered[bi] = true;
            layers.add(m instanceof Linear lin ? new KfacLinear(lin, name, wi, bi) : new KfacConv2d((Conv2d) m, name, wi, bi));
        }
        List<Integer> others = new ArrayList<>();
        for (int i = 0; i < covered.length; i++) if (!covered[i]) others.add(i);
        if (!others.isEmpty() && !allowOthers) {
            List<String> shapes = others.stream().map(i -> "#" + i + " " + params.get(i).shape()).toList();
            throw new IllegalArgumentException("K-FAC: parameters " + shapes + " belong to no Linear or Conv2d layer of the model; "
                    + "the adaptive K-FAC optimizer curves every parameter (use KfacPreconditioner, which passes others through, or leave them out)");
        }
        if (layers.isEmpty()) throw new IllegalArgumentException("K-FAC: the model has no Linear or Conv2d layer among the optimized parameters");
        return new Discovery(List.copyOf(layers), List.copyOf(others));
    }

    /** The layers found and the parameter indices no layer covers. */
    record Discovery(List<KfacLayer> layers, List<Integer> otherParameters) {}

    private static void collectNames(Module m, String prefix, Map<Module, String> out) {
        out.putIfAbsent(m, prefix.isEmpty() ? "<model>" : prefix.substring(0, prefix.length() - 1));
        m.children().forEach((n, c) -> collectNames(c, prefix + n + ".", out));
    }
}
