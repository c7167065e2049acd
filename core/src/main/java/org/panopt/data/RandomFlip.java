package org.panopt.data;

import java.util.SplittableRandom;
import org.panopt.tensor.Tensor;

/** Mirrors each image left–right (reverses the W axis, every channel alike) with probability p. */
public record RandomFlip(double p) implements Augmentation {

    public RandomFlip {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("flip probability " + p + " must be in [0, 1]");
    }

    @Override
    public Tensor apply(Tensor images, SplittableRandom rng) {
        Augmentation.requireImages(images, "RandomFlip");
        int n = images.dim(0), c = images.dim(1), h = images.dim(2), w = images.dim(3);
        HostArrays.Floats v = HostArrays.floats(images);
        float[] out = new float[images.size()];
        int image = c * h * w;
        for (int i = 0; i < n; i++) {
            boolean flip = rng.nextDouble() < p;
            int base = i * image;
            for (int row = 0; row < c * h; row++) {
                int at = base + row * w;
                for (int x = 0; x < w; x++) out[at + x] = v.data()[v.offset() + at + (flip ? w - 1 - x : x)];
            }
        }
        return HostArrays.wrap(out, images.dims());
    }
}
