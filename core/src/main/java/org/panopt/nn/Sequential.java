package org.panopt.nn;

import java.util.List;

import org.panopt.tensor.Tensor;

/** Modules applied in order; submodules are named "0", "1", …. */
public class Sequential extends Module {
    private final List<Module> layers;

    public Sequential(Module... layers) {
        this(List.of(layers));
    }

    public Sequential(List<Module> layers) {
        this.layers = List.copyOf(layers);
        for (int i = 0; i < this.layers.size(); i++) registerModule(Integer.toString(i), this.layers.get(i));
    }

    @Override
    protected Tensor compute(Tensor input) {
        Tensor x = input;
        for (Module m : layers) x = m.forward(x);
        return x;
    }

    /** The layers in order. */
    public List<Module> layers() {
        return layers;
    }

    public Module get(int i) {
        return layers.get(i);
    }

    public int size() {
        return layers.size();
    }
}
