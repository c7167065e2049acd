package org.panopt.data;

import java.util.SplittableRandom;
import org.panopt.tensor.Tensor;

/**
 * Rotates each image about its centre by an angle θ uniform in [−maxDegrees, maxDegrees], positive θ
 * counter-clockwise as displayed (row 0 at the top), as torchvision's {@code RandomRotation(degrees)}
 * with bilinear interpolation and fill 0.
 *
 * <p>Output pixel (y, x) samples the input at the inverse-rotated point: with the centre
 * c = ((H−1)/2, (W−1)/2) and offsets u = x − c_x, v = y − c_y,
 * source x = c_x + u·cos θ − v·sin θ, source y = c_y + u·sin θ + v·cos θ, read bilinearly from the four
 * neighbouring pixels, those outside the image counting as 0.
 */
public record RandomRotation(double maxDegrees) implements Augmentation {

    public RandomRotation {
        if (!(maxDegrees >= 0 && maxDegrees <= 180)) throw new IllegalArgumentException("rotation range " + maxDegrees + " must be in [0, 180] degrees");
    }

    @Override
    public Tensor apply(Tensor images, SplittableRandom rng) {
        Augmentation.requireImages(images, "RandomRotation");
        int n = images.dim(0);
        float[] out = new float[images.size()];
        HostArrays.Floats v = HostArrays.floats(images);
        for (int i = 0; i < n; i++) {
            double degrees = maxDegrees == 0 ? 0 : rng.nextDouble(-maxDegrees, maxDegrees);
            rotate(v.data(), v.offset(), out, images.dim(1), images.dim(2), images.dim(3), i, Math.toRadians(degrees));
        }
        return HostArrays.wrap(out, images.dims());
    }

    /** Image {@code i} of {@code in} rotated by {@code theta} radians into {@code out}. */
    static void rotate(float[] in, int inOffset, float[] out, int c, int h, int w, int i, double theta) {
        double cos = Math.cos(theta), sin = Math.sin(theta);
        double cy = (h - 1) / 2.0, cx = (w - 1) / 2.0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double u = x - cx, vv = y - cy;
                double sx = cx + u * cos - vv * sin;
                double sy = cy + u * sin + vv * cos;
                int x0 = (int) Math.floor(sx), y0 = (int) Math.floor(sy);
                double fx = sx - x0, fy = sy - y0;
                for (int ch = 0; ch < c; ch++) {
                    int plane = (i * c + ch) * h * w;
                    double value = (1 - fy) * ((1 - fx) * pixel(in, inOffset + plane, h, w, y0, x0) + fx * pixel(in, inOffset + plane, h, w, y0, x0 + 1))
                            + fy * ((1 - fx) * pixel(in, inOffset + plane, h, w, y0 + 1, x0) + fx * pixel(in, inOffset + plane, h, w, y0 + 1, x0 + 1));
                    out[plane + y * w + x] = (float) value;
                }
            }
        }
    }

    private static double pixel(float[] in, int plane, int h, int w, int y, int x) {
        return y < 0 || y >= h || x < 0 || x >= w ? 0 : in[plane + y * w + x];
    }
}
