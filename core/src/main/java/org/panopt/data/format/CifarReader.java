package org.panopt.data.format;

import java.io.IOException;
import java.nio.file.Path;
import org.panopt.backend.HostStorage;
import org.panopt.tensor.Shape;
import org.panopt.tensor.Tensor;

/**
 * Reads the binary version of CIFAR-10 and CIFAR-100 (Krizhevsky 2009): a file is a sequence of
 * fixed-size records, each one label byte (CIFAR-10) or a coarse and a fine label byte (CIFAR-100),
 * then 3072 bytes of pixels: the 1024 red values of a 32×32 image in row-major order, then green, then
 * blue — which is already channel-first ({@code [3, 32, 32]}) layout.
 *
 * <p>Pixels become float32 values 0…255 (scale them yourself); labels become float class indices, as
 * the losses in {@code org.panopt.nn.loss} take them. The file length must be a whole number of
 * records and every label must be a valid class, else a {@link DataFileException} names the record.
 */
public final class CifarReader {
    public static final int SIDE = 32;
    public static final int CHANNELS = 3;
    public static final int PIXELS = CHANNELS * SIDE * SIDE;

    /** The two layouts. */
    public enum Variant {
        /** 1 label byte (10 classes) + 3072 pixel bytes. */
        CIFAR10(1, 0, 10),
        /** 1 coarse label byte (20 superclasses), 1 fine label byte (100 classes) + 3072 pixel bytes. */
        CIFAR100(2, 20, 100);

        final int labelBytes;
        final int coarseClasses;
        final int classes;

        Variant(int labelBytes, int coarseClasses, int classes) {
            this.labelBytes = labelBytes;
            this.coarseClasses = coarseClasses;
            this.classes = classes;
        }

        public int recordBytes() {
            return labelBytes + PIXELS;
        }

        public int classes() {
            return classes;
        }
    }

    /**
     * The images {@code [N, 3, 32, 32]}, their labels {@code [N]} (CIFAR-100: the fine label) and, for
     * CIFAR-100, the coarse labels {@code [N]} (null for CIFAR-10).
     */
    public record Records(Tensor images, Tensor labels, Tensor coarseLabels) {}

    private CifarReader() {}

    public static Records read(Path file, Variant variant) throws IOException {
        try (ByteSource in = ByteSource.open(file)) {
            int recordBytes = variant.recordBytes();
            long known = in.knownRemaining();
            if (known >= 0 && known % recordBytes != 0) {
                throw new DataFileException(file, "length " + known + " is not a whole number of " + variant + " records of "
                        + recordBytes + " bytes (" + known / recordBytes + " records and " + known % recordBytes + " bytes left over)");
            }
            byte[] all = in.readToEnd(variant + " records");
            if (all.length % recordBytes != 0) {
                throw new DataFileException(file, "decompressed length " + all.length + " is not a whole number of " + variant
                        + " records of " + recordBytes + " bytes");
            }
            int n = all.length / recordBytes;
            if (n == 0) throw new DataFileException(file, "holds no records");
            float[] images = new float[n * PIXELS];
            float[] labels = new float[n];
            float[] coarse = variant == Variant.CIFAR100 ? new float[n] : null;
            for (int r = 0; r < n; r++) {
                int at = r * recordBytes;
                if (coarse != null) coarse[r] = label(in, all, at, r, "coarse label", variant.coarseClasses);
                labels[r] = label(in, all, at + variant.labelBytes - 1, r, variant == Variant.CIFAR100 ? "fine label" : "label", variant.classes);
                int src = at + variant.labelBytes;
                int dst = r * PIXELS;
                for (int i = 0; i < PIXELS; i++) images[dst + i] = all[src + i] & 0xff;
            }
            return new Records(
                    new Tensor(new HostStorage.Floats(images), 0, Shape.of(n, CHANNELS, SIDE, SIDE)),
                    new Tensor(new HostStorage.Floats(labels), 0, Shape.of(n)),
                    coarse == null ? null : new Tensor(new HostStorage.Floats(coarse), 0, Shape.of(n)));
        }
    }

    private static float label(ByteSource in, byte[] all, int at, int record, String what, int classes) throws DataFileException {
        int v = all[at] & 0xff;
        if (v >= classes) throw in.error(at, "record " + record + ": " + what + " " + v + " is not a class index in 0.." + (classes - 1));
        return v;
    }
}
