package org.panopt.data;

import java.util.SplittableRandom;
import org.panopt.tensor.Tensor;

/**
 * Pads each image with {@code padding} zeros on every side and cuts out a window of the original size
 * at a uniformly random position — a shift by (dy, dx), each uniform in {−padding, …, padding}, with
 * zeros filling what is shifted in. torchvision's {@code RandomCrop(size, padding)}, the CIFAR
 * augmentation of the ResNet paper.
 */
public record RandomCrop(int padding) implements Augmentation {

    public RandomCrop {
        if (padding < 0) throw new IllegalArgumentException("crop padding " + padding + " must not be negative");
    }

    @Override
    public Tensor apply(Tensor images, SplittableRandom rng) {
        Augmentation.requireImages(images, "RandomCrop");
        int n = images.dim(0), c = images.dim(1), h = images.dim(2), w = images.dim(3);
        HostArrays.Floats v = HostArrays.floats(images);
        float[] out = new float[images.size()];
        for (int i = 0; i < n; i++) {
            // The window's top-left corner in the padded image is (top, left); source = output + corner − padding.
            int dy = rng.nextInt(2 * padding + 1) - padding;
            int dx = rng.nextInt(2 * padding + 1) - padding;
            for (int ch = 0; ch < c; ch++) {
                int plane = (i * c + ch) * h * w;
                for (int y = 0; y < h; y++) {
                    int sy = y + dy;
                    if (sy < 0 || sy >= h) continue;
                    for (int x = 0; x < w; x++) {
                        int sx = x + dx;
                        if (sx >= 0 && sx < w) out[plane + y * w + x] = v.data()[v.offset() + plane + sy * w + sx];
                    }
                }
            }
        }
        return HostArrays.wrap(out, images.dims());
    }
}
