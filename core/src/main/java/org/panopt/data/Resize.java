package org.panopt.data;

import org.panopt.tensor.Tensor;

/**
 * Down-sampling of images by area averaging, exactly PyTorch's {@code F.interpolate(x, size,
 * mode="area")}, which is {@code adaptive_avg_pool2d}: output pixel (i, j) of an H×W → h×w resize is
 * the plain mean of the input pixels in rows [⌊iH/h⌋, ⌈(i+1)H/h⌉) and columns [⌊jW/w⌋, ⌈(j+1)W/w⌉).
 *
 * <p>When H is a multiple of h this is k×k average pooling. Otherwise windows have two sizes and
 * neighbouring windows may share a row: 28 → 16 (the 16×16 MNIST of the K-FAC paper's Figure 1) uses
 * windows of 2 or 3 rows, starting at 0, 1, 3, 5, 7, 8, 10, 12, 14, 15, 17, 19, 21, 22, 24, 26. Every
 * output is a convex combination of inputs, so [0, 1] data stays in [0, 1] and a constant image stays
 * constant. (A fractional-coverage "exact area" resize would weight the shared rows by the fraction
 * inside; we follow PyTorch so results can be compared with it.)
 */
public final class Resize {
    private Resize() {}

    /** Images {@code [N, C, H, W]} (or {@code [N, H, W]}) resized by area averaging to {@code h × w}. */
    public static Tensor area(Tensor images, int h, int w) {
        if (images.rank() != 3 && images.rank() != 4) {
            throw new IllegalArgumentException("area resize takes images [N, C, H, W] or [N, H, W], not " + images.shape());
        }
        int rank = images.rank();
        int inH = images.dim(rank - 2);
        int inW = images.dim(rank - 1);
        if (h <= 0 || w <= 0 || h > inH || w > inW) {
            throw new IllegalArgumentException("area resize of " + inH + "×" + inW + " images to " + h + "×" + w
                    + ": the output must be positive and no larger than the input (it averages, it does not up-sample)");
        }
        int planes = images.size() / (inH * inW);
        HostArrays.Floats v = HostArrays.floats(images);
        float[] out = new float[planes * h * w];
        for (int p = 0; p < planes; p++) {
            int src = v.offset() + p * inH * inW;
            for (int i = 0; i < h; i++) {
                int r0 = Math.floorDiv(i * inH, h);
                int r1 = -Math.floorDiv(-(i + 1) * inH, h);
                for (int j = 0; j < w; j++) {
                    int c0 = Math.floorDiv(j * inW, w);
                    int c1 = -Math.floorDiv(-(j + 1) * inW, w);
                    double sum = 0;
                    for (int r = r0; r < r1; r++) for (int c = c0; c < c1; c++) sum += v.data()[src + r * inW + c];
                    out[(p * h + i) * w + j] = (float) (sum / ((r1 - r0) * (c1 - c0)));
                }
            }
        }
        int[] dims = images.dims();
        dims[rank - 2] = h;
        dims[rank - 1] = w;
        return HostArrays.wrap(out, dims);
    }
}
