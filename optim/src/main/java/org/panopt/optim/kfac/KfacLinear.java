package org.panopt.optim.kfac;

import org.panopt.nn.Linear;
import org.panopt.nn.Module;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/** A {@link Linear} layer as K-FAC sees it: s = W̄ā with ā = [a; 1] (inputs of any rank flattened to rows). */
record KfacLinear(Linear layer, String name, int weightIndex, int biasIndex) implements KfacLayer {

    @Override
    public Module module() {
        return layer;
    }

    @Override
    public int inputDim() {
        return layer.inFeatures() + (layer.hasBias() ? 1 : 0);
    }

    @Override
    public int outputDim() {
        return layer.outFeatures();
    }

    @Override
    public Tensor weight() {
        return layer.weight();
    }

    @Override
    public Tensor bias() {
        return layer.bias();
    }

    @Override
    public int positions(Tensor input) {
        return input.size() / input.dim(0) / layer.inFeatures();
    }

    @Override
    public Tensor activationRows(Tensor input) {
        Tensor rows = input.detach().reshape(-1, layer.inFeatures()).to(DType.FLOAT64);
        return layer.hasBias() ? Tensor.concat(1, rows, Tensor.ones(DType.FLOAT64, rows.dim(0), 1)) : rows;
    }

    @Override
    public Tensor derivativeRows(Tensor gradOutput) {
        return gradOutput.detach().reshape(-1, layer.outFeatures()).to(DType.FLOAT64);
    }

    @Override
    public Tensor toMatrix(Tensor weightPart, Tensor biasPart, DType dtype) {
        Tensor w = Float64.copyOf(weightPart, dtype);
        return layer.hasBias() ? Tensor.concat(1, w, Float64.copyOf(biasPart, dtype).reshape(outputDim(), 1)) : w;
    }

    @Override
    public Tensor weightPart(Tensor matrix, DType dtype) {
        Tensor w = layer.hasBias() ? matrix.narrow(1, 0, layer.inFeatures()) : matrix;
        return w.to(dtype);
    }

    @Override
    public Tensor biasPart(Tensor matrix, DType dtype) {
        return layer.hasBias() ? matrix.narrow(1, layer.inFeatures(), 1).reshape(outputDim()).to(dtype) : null;
    }
}
