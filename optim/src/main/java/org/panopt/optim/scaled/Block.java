package org.panopt.optim.scaled;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.panopt.nn.Conv2d;
import org.panopt.nn.Linear;
import org.panopt.nn.Module;
import org.panopt.nn.Parameter;
import org.panopt.tensor.Tensor;

/**
 * One block b of the local-Hessian paper: a linear or convolutional layer with weight W_b, followed by what
 * belongs to it up to the next such layer (batch norm, activation, pooling). Its {@code companions} are the
 * other parameters in that span — the layer's bias, an affine batch norm's γ and β.
 *
 * @param name       the weight's dotted name in the model
 * @param layer      the linear or convolutional layer
 * @param weight     W_b ({@code [out, in]} or {@code [C_out, C_in, k, k]})
 * @param companions the block's other parameters
 */
public record Block(String name, Module layer, Tensor weight, List<Tensor> companions) {
    public Block {
        companions = List.copyOf(companions);
    }

    /**
     * The blocks of {@code model}, input side first: every {@link Linear} or {@link Conv2d} starts one, and
     * every other parameter (found walking the modules in order) joins the block before it. A parameter
     * ahead of the first such layer has no block and is an error.
     */
    public static List<Block> of(Module model) {
        List<Block> blocks = new ArrayList<>();
        String currentName = null;
        Module currentLayer = null;
        Tensor currentWeight = null;
        List<Tensor> companions = new ArrayList<>();
        List<Parameter> named = model.namedParameters();
        for (Module m : model.modules()) {
            Set<Tensor> inChildren = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Module c : m.children().values()) inChildren.addAll(c.parameters());
            List<Tensor> own = m.parameters().stream().filter(t -> !inChildren.contains(t)).toList();
            Tensor weight = m instanceof Linear l ? l.weight() : m instanceof Conv2d c ? c.weight() : null;
            if (weight != null) {
                if (currentWeight != null) blocks.add(new Block(currentName, currentLayer, currentWeight, companions));
                currentName = nameOf(named, weight);
                currentLayer = m;
                currentWeight = weight;
                companions = new ArrayList<>();
                for (Tensor t : own) if (t != weight) companions.add(t);
            } else if (!own.isEmpty()) {
                if (currentWeight == null) {
                    throw new IllegalArgumentException("scale-amended SGD: parameter '" + nameOf(named, own.getFirst()) + "' comes before any linear or conv layer"
                            + " and belongs to no block");
                }
                companions.addAll(own);
            }
        }
        if (currentWeight == null) throw new IllegalArgumentException("scale-amended SGD: the model has no linear or conv layer");
        blocks.add(new Block(currentName, currentLayer, currentWeight, companions));
        return List.copyOf(blocks);
    }

    private static String nameOf(List<Parameter> named, Tensor t) {
        for (Parameter p : named) if (p.value() == t) return p.name();
        return "?";
    }
}
