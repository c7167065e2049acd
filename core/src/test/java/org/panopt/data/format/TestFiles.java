package org.panopt.data.format;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/** Writing small data files for the reader tests: compression and IDX files. */
public final class TestFiles {
    private TestFiles() {}

    public static byte[] gzip(byte[] data) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
                out.write(data);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] xz(byte[] data) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            // Fast preset; a 64 KiB dictionary keeps the decoder's allocation small in the randomized tests.
            LZMA2Options options = new LZMA2Options(1);
            options.setDictSize(1 << 16);
            try (XZOutputStream out = new XZOutputStream(bytes, options)) {
                out.write(data);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] compress(Compression c, byte[] data) {
        return switch (c) {
            case NONE -> data;
            case GZIP -> gzip(data);
            case XZ -> xz(data);
        };
    }

    public static Path write(Path dir, String name, byte[] data) {
        try {
            return Files.write(dir.resolve(name), data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An IDX file of unsigned bytes: 00 00 08 rank, extents, data. */
    public static byte[] idxBytes(int[] dims, byte[] data) {
        return idx(0x08, dims, data);
    }

    /** An IDX file with any type code; {@code data} is the raw big-endian element bytes. */
    public static byte[] idx(int typeCode, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.put((byte) 0).put((byte) 0).put((byte) typeCode).put((byte) dims.length);
        for (int d : dims) b.putInt(d);
        b.put(data);
        return b.array();
    }

    /** Bytes i·step mod 256 (a recognizable pattern). */
    public static byte[] pattern(int n, int step) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * step);
        return b;
    }
}
