package org.panopt.optim.kfac;

import org.panopt.kernels.ConvGeometry;
import org.panopt.nn.Conv2d;
import org.panopt.nn.Module;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * A {@link Conv2d} layer as K-FAC sees it — KFC (Grosse &amp; Martens 2016; {@code spec/kfac.md} §9.4b): the
 * weight {@code [F, C, k, k]} is the matrix W̄ {@code [F, C·k·k (+1)]} acting at each of the T output
 * positions on the unfolded input patch ā_t (im2col, homogeneous coordinate last). The per-case gradient is
 * Σ_t g_t ā_tᵀ; assuming activations independent of derivatives, spatially homogeneous statistics and
 * spatially uncorrelated derivatives, F ≈ Ω ⊗ Γ with Ω = E[Σ_t ā_tā_tᵀ] and Γ = (1/T)E[Σ_t g_tg_tᵀ]. The rows
 * returned here are the N·T (patch, derivative) pairs; {@link KfacStatistics} forms Ω and Γ from them.
 */
record KfacConv2d(Conv2d layer, String name, int weightIndex, int biasIndex) implements KfacLayer {

    @Override
    public Module module() {
        return layer;
    }

    private int patch() {
        return layer.inChannels() * layer.kernel() * layer.kernel();
    }

    @Override
    public int inputDim() {
        return patch() + (layer.bias() != null ? 1 : 0);
    }

    @Override
    public int outputDim() {
        return layer.outChannels();
    }

    @Override
    public Tensor weight() {
        return layer.weight();
    }

    @Override
    public Tensor bias() {
        return layer.bias();
    }

    private ConvGeometry geometry(Tensor input) {
        int k = layer.kernel();
        int s = layer.stride();
        int p = layer.padding();
        int d = layer.dilation();
        return input.window(k, k, s, s, p, p, d, d);
    }

    @Override
    public int positions(Tensor input) {
        return geometry(input).outputPlaneSize();
    }

    @Override
    public Tensor activationRows(Tensor input) {
        Tensor x = input.detach();
        ConvGeometry g = geometry(x);
        // [N, C·k·k, T] → [N, T, C·k·k] → rows
        Tensor rows = x.im2col(g).permute(0, 2, 1).reshape(-1, patch()).to(DType.FLOAT64);
        return layer.bias() != null ? Tensor.concat(1, rows, Tensor.ones(DType.FLOAT64, rows.dim(0), 1)) : rows;
    }

    @Override
    public Tensor derivativeRows(Tensor gradOutput) {
        // [N, F, OH, OW] → [N, OH, OW, F] → rows
        return gradOutput.detach().permute(0, 2, 3, 1).reshape(-1, layer.outChannels()).to(DType.FLOAT64);
    }

    @Override
    public Tensor toMatrix(Tensor weightPart, Tensor biasPart, DType dtype) {
        Tensor w = Float64.copyOf(weightPart, dtype).reshape(outputDim(), patch());
        return layer.bias() != null ? Tensor.concat(1, w, Float64.copyOf(biasPart, dtype).reshape(outputDim(), 1)) : w;
    }

    @Override
    public Tensor weightPart(Tensor matrix, DType dtype) {
        Tensor w = layer.bias() != null ? matrix.narrow(1, 0, patch()) : matrix;
        return w.to(dtype).reshape(layer.weight().dims());
    }

    @Override
    public Tensor biasPart(Tensor matrix, DType dtype) {
        return layer.bias() != null ? matrix.narrow(1, patch(), 1).reshape(outputDim()).to(dtype) : null;
    }
}
