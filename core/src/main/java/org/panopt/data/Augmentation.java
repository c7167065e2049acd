package org.panopt.data;

import java.util.List;
import java.util.SplittableRandom;
import org.panopt.tensor.Tensor;

/**
 * A random transformation of a batch of images {@code [N, C, H, W]}, each image transformed
 * independently with randomness drawn from the caller's generator in image order (so a seed reproduces
 * a run). As torchvision's transforms, but applied to a whole batch; the input is never modified.
 *
 * <pre>{@code
 * Augmentation aug = Augmentation.compose(Augmentation.horizontalFlip(0.5), Augmentation.crop(4));
 * Tensor x = aug.apply(batch.inputs(), rng);
 * }</pre>
 */
@FunctionalInterface
public interface Augmentation {

    /** The transformed images (a new tensor of the same shape and dtype float32). */
    Tensor apply(Tensor images, SplittableRandom rng);

    /** The steps applied in order. */
    static Augmentation compose(Augmentation... steps) {
        List<Augmentation> list = List.of(steps);
        return (images, rng) -> {
            Tensor x = images;
            for (Augmentation a : list) x = a.apply(x, rng);
            return x;
        };
    }

    /** Mirror left–right with probability p ({@code RandomHorizontalFlip(p)}). */
    static Augmentation horizontalFlip(double p) {
        return new RandomFlip(p);
    }

    /** Rotate by an angle uniform in [−maxDegrees, maxDegrees], bilinear, zeros outside ({@code RandomRotation}). */
    static Augmentation rotation(double maxDegrees) {
        return new RandomRotation(maxDegrees);
    }

    /** Pad with {@code padding} zeros on every side, then cut a random window of the original size ({@code RandomCrop(size, padding)}). */
    static Augmentation crop(int padding) {
        return new RandomCrop(padding);
    }

    /** Checks that {@code images} is a batch {@code [N, C, H, W]}. */
    static void requireImages(Tensor images, String who) {
        if (images.rank() != 4) throw new IllegalArgumentException(who + " takes images [N, C, H, W], not " + images.shape());
    }
}
