package org.panopt.data.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import org.panopt.backend.HostStorage;
import org.panopt.tensor.Shape;
import org.panopt.tensor.Tensor;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST (LeCun et al.): two zero bytes, a type code,
 * the rank r, then r big-endian 32-bit extents and the elements in row-major order, big-endian. The file
 * may be gzip- or xz-compressed or plain (recognized by content).
 *
 * <p>Elements become float32 values as stored: unsigned bytes stay 0…255 (scale them yourself, as
 * torchvision's {@code ToTensor} divides by 255); 32-bit integers beyond 2²⁴ and doubles are rounded to
 * the nearest float. The data must fill the declared shape exactly: a short file or trailing bytes is
 * an error, and a declared shape larger than the bytes present never causes a large allocation.
 */
public final class IdxReader {
    /** Largest rank accepted; real IDX files have rank 1 (labels) or 3 (images). */
    public static final int MAX_RANK = 8;

    /** The IDX element types, by their type code. */
    public enum ElementType {
        UNSIGNED_BYTE(0x08, 1), SIGNED_BYTE(0x09, 1), SHORT(0x0B, 2), INT(0x0C, 4), FLOAT(0x0D, 4), DOUBLE(0x0E, 8);

        final int code;
        final int bytes;

        ElementType(int code, int bytes) {
            this.code = code;
            this.bytes = bytes;
        }

        static ElementType of(int code) {
            for (ElementType t : values()) if (t.code == code) return t;
            return null;
        }
    }

    /** The header: element type and extents. */
    public record Header(ElementType type, int[] dims) {
        public long elementCount() {
            long n = 1;
            for (int d : dims) n *= d;
            return n;
        }
    }

    private IdxReader() {}

    /** The whole file as a float32 tensor of the declared shape. */
    public static Tensor read(Path file) throws IOException {
        return read(file, -1);
    }

    /** Like {@link #read(Path)}, requiring rank {@code rank} (−1: any). */
    public static Tensor read(Path file, int rank) throws IOException {
        try (ByteSource in = ByteSource.open(file)) {
            Header h = readHeader(in);
            if (rank >= 0 && h.dims().length != rank) {
                throw in.error(3, "expected an IDX file of rank " + rank + " but the header declares rank "
                        + h.dims().length + " " + Arrays.toString(h.dims()));
            }
            long count = h.elementCount();
            String what = "data of shape " + Arrays.toString(h.dims()) + " (" + h.type() + ")";
            byte[] bytes = in.readBytes(count * h.type().bytes, what);
            in.expectEnd(what);
            float[] values = decode(h.type(), bytes, (int) count);
            return new Tensor(new HostStorage.Floats(values), 0, Shape.of(h.dims()));
        }
    }

    /** Reads and validates the magic number and extents; leaves {@code in} at the first element. */
    public static Header readHeader(ByteSource in) throws DataFileException {
        int zero0 = in.readUnsignedByte("IDX magic number");
        int zero1 = in.readUnsignedByte("IDX magic number");
        int code = in.readUnsignedByte("IDX magic number");
        int rank = in.readUnsignedByte("IDX magic number");
        ElementType type = ElementType.of(code);
        if (zero0 != 0 || zero1 != 0 || type == null) {
            throw in.error(0, String.format("not an IDX file: magic number %02x %02x %02x %02x; expected 00 00 <type> <rank>"
                    + " with type 08, 09, 0b, 0c, 0d or 0e", zero0, zero1, code, rank));
        }
        if (rank < 1 || rank > MAX_RANK) throw in.error(3, "IDX rank " + rank + " is not in 1.." + MAX_RANK);
        int[] dims = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++) {
            long at = in.offset();
            dims[i] = in.readInt("IDX extent " + i);
            if (dims[i] < 0) throw in.error(at, "IDX extent " + i + " is " + Integer.toUnsignedString(dims[i]) + ": too large");
            count *= dims[i];
            if (count > ByteSource.MAX_ARRAY_LENGTH) {
                throw in.error(at, "IDX extents " + Arrays.toString(Arrays.copyOf(dims, i + 1)) + " declare more than "
                        + ByteSource.MAX_ARRAY_LENGTH + " elements");
            }
        }
        return new Header(type, dims);
    }

    private static float[] decode(ElementType type, byte[] b, int n) {
        float[] out = new float[n];
        ByteBuffer buf = ByteBuffer.wrap(b);
        switch (type) {
            case UNSIGNED_BYTE -> { for (int i = 0; i < n; i++) out[i] = b[i] & 0xff; }
            case SIGNED_BYTE -> { for (int i = 0; i < n; i++) out[i] = b[i]; }
            case SHORT -> { for (int i = 0; i < n; i++) out[i] = buf.getShort(2 * i); }
            case INT -> { for (int i = 0; i < n; i++) out[i] = buf.getInt(4 * i); }
            case FLOAT -> { for (int i = 0; i < n; i++) out[i] = buf.getFloat(4 * i); }
            case DOUBLE -> { for (int i = 0; i < n; i++) out[i] = (float) buf.getDouble(8 * i); }
        }
        return out;
    }
}
