package org.panopt.data.format;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * How a data file is compressed, recognized by its first bytes (never by its name): gzip
 * ({@code 1f 8b}), xz ({@code fd 37 7a 58 5a 00}) or none. bzip2, zstd and zip archives are recognized
 * only to say so: panopt does not read them.
 */
public enum Compression {
    NONE("uncompressed"),
    GZIP("gzip"),
    XZ("xz");

    /**
     * The most memory the xz decoder may use. R writes .rda files with a 64 MiB dictionary (xz -9); a
     * damaged header can declare up to 1.5 GiB, which is refused instead of allocated.
     */
    static final int XZ_MEMORY_LIMIT_KIB = 256 * 1024;

    private final String label;

    Compression(String label) {
        this.label = label;
    }

    /** "gzip", "xz" or "uncompressed". */
    public String label() {
        return label;
    }

    /** The compression whose magic number starts {@code head}; a refused format is an exception naming it. */
    static Compression detect(Path file, byte[] head, int length) throws DataFileException {
        if (startsWith(head, length, 0x1f, 0x8b)) return GZIP;
        if (startsWith(head, length, 0xfd, '7', 'z', 'X', 'Z', 0x00)) return XZ;
        String refused = null;
        if (startsWith(head, length, 'B', 'Z', 'h')) refused = "bzip2-compressed";
        else if (startsWith(head, length, 0x28, 0xb5, 0x2f, 0xfd)) refused = "zstd-compressed";
        else if (startsWith(head, length, 'P', 'K', 3, 4)) refused = "a zip archive";
        if (refused != null) {
            throw new DataFileException(file, "the file is " + refused
                    + "; panopt reads uncompressed, gzip or xz files: decompress it (or recompress it with gzip or xz) first");
        }
        return NONE;
    }

    private static boolean startsWith(byte[] head, int length, int... magic) {
        if (length < magic.length) return false;
        for (int i = 0; i < magic.length; i++) if ((head[i] & 0xff) != magic[i]) return false;
        return true;
    }

    /**
     * Opens {@code file}, detects its compression and returns the decompressed bytes as a stream.
     * Errors of the decompressor on reading surface as plain {@link IOException}s; {@link ByteSource}
     * turns them into {@link DataFileException}s with the offset.
     */
    static Opened open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        Compression c = NONE;
        try {
            raw.mark(8);
            byte[] head = new byte[6];
            int n = raw.readNBytes(head, 0, head.length);
            raw.reset();
            c = detect(file, head, n);
            InputStream in = switch (c) {
                case NONE -> raw;
                case GZIP -> new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
                case XZ -> new BufferedInputStream(new XZInputStream(raw, XZ_MEMORY_LIMIT_KIB), 1 << 16);
            };
            return new Opened(c, in);
        } catch (IOException e) {
            raw.close();
            if (e instanceof DataFileException d) throw d;
            // The gzip and xz headers are parsed by the constructors above.
            throw new DataFileException(file, 0, false, "corrupt " + c.label + " stream header: " + e.getMessage(), e);
        }
    }

    record Opened(Compression compression, InputStream in) {}
}
