package org.panopt.data.format;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A data file's (decompressed) bytes, read front to back, big-endian, with the offset of every read
 * known, so each problem becomes a {@link DataFileException} naming the file and the place.
 *
 * <p>Arrays whose length a header declares are never allocated at the declared size up front: they
 * grow (doubling, from 1 MiB) as bytes actually arrive, so a header that claims gigabytes costs at most
 * about twice the bytes that are really there before the file runs out. Uncompressed files are also
 * checked against their length before anything is read.
 */
public final class ByteSource implements Closeable {
    /** The longest array the JVM reliably allocates. */
    public static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;
    private static final int FIRST_CHUNK = 1 << 20;

    private final Path file;
    private final Compression compression;
    private final InputStream in;
    private final long fileLength;
    private final byte[] eight = new byte[8];
    private long offset;

    private ByteSource(Path file, Compression compression, InputStream in, long fileLength) {
        this.file = file;
        this.compression = compression;
        this.in = in;
        this.fileLength = fileLength;
    }

    /** Opens {@code file}, recognizing gzip and xz by their magic numbers. */
    public static ByteSource open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new DataFileException(file, "no such file (or not a regular file)");
        long length = Files.size(file);
        Compression.Opened opened = Compression.open(file);
        return new ByteSource(file, opened.compression(), opened.in(), length);
    }

    public Path file() {
        return file;
    }

    public Compression compression() {
        return compression;
    }

    /** Bytes read so far (of the decompressed content). */
    public long offset() {
        return offset;
    }

    /** Bytes left, when known before reading them (uncompressed files); otherwise −1. */
    public long knownRemaining() {
        return compression == Compression.NONE ? fileLength - offset : -1;
    }

    /** An exception about the byte at {@code at}. */
    public DataFileException error(long at, String problem) {
        return new DataFileException(file, at, compression != Compression.NONE, problem, null);
    }

    /** An exception about the current offset. */
    public DataFileException error(String problem) {
        return error(offset, problem);
    }

    /** Like {@link InputStream#read(byte[], int, int)}; decompression failures become {@link DataFileException}s. */
    public int read(byte[] b, int off, int len) throws DataFileException {
        int n;
        try {
            n = in.read(b, off, len);
        } catch (EOFException e) {
            throw new DataFileException(file, offset, true, "truncated " + compression.label() + " stream: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DataFileException(file, offset, compression != Compression.NONE,
                    (compression == Compression.NONE ? "read error: " : "corrupt " + compression.label() + " stream: ") + e.getMessage(), e);
        }
        if (n > 0) offset += n;
        return n;
    }

    /** Fills {@code b[off, off+len)} or fails naming {@code what} was cut short. */
    public void readFully(byte[] b, int off, int len, String what) throws DataFileException {
        long start = offset;
        int done = 0;
        while (done < len) {
            int n = read(b, off + done, len - done);
            if (n < 0) throw truncated(what, start, len, done);
            done += n;
        }
    }

    public int readUnsignedByte(String what) throws DataFileException {
        readFully(eight, 0, 1, what);
        return eight[0] & 0xff;
    }

    /** A big-endian 32-bit integer. */
    public int readInt(String what) throws DataFileException {
        readFully(eight, 0, 4, what);
        return ByteBuffer.wrap(eight, 0, 4).getInt();
    }

    /** A big-endian IEEE 754 double. */
    public double readDouble(String what) throws DataFileException {
        readFully(eight, 0, 8, what);
        return ByteBuffer.wrap(eight).getDouble();
    }

    /** {@code count} bytes, allocated as they arrive (see the class comment). */
    public byte[] readBytes(long count, String what) throws DataFileException {
        int n = checkCount(count, 1, what);
        long start = offset;
        byte[] out = new byte[Math.min(n, FIRST_CHUNK)];
        int filled = 0;
        while (filled < n) {
            if (filled == out.length) out = Arrays.copyOf(out, (int) Math.min(n, 2L * out.length));
            int r = read(out, filled, out.length - filled);
            if (r < 0) throw truncated(what, start, n, filled);
            filled += r;
        }
        return out;
    }

    /** Everything up to the end of the content (at most {@link #MAX_ARRAY_LENGTH} bytes). */
    public byte[] readToEnd(String what) throws DataFileException {
        long start = offset;
        byte[] out = new byte[FIRST_CHUNK];
        int filled = 0;
        while (true) {
            if (filled == out.length) {
                if (filled == MAX_ARRAY_LENGTH) throw error(start, what + ": more than " + MAX_ARRAY_LENGTH + " bytes");
                out = Arrays.copyOf(out, (int) Math.min(MAX_ARRAY_LENGTH, 2L * out.length));
            }
            int r = read(out, filled, out.length - filled);
            if (r < 0) return Arrays.copyOf(out, filled);
            filled += r;
        }
    }

    /** {@code count} big-endian 32-bit integers. */
    public int[] readInts(long count, String what) throws DataFileException {
        checkCount(count, 4, what);
        byte[] bytes = readBytes(4 * count, what);
        int[] out = new int[(int) count];
        ByteBuffer.wrap(bytes).asIntBuffer().get(out);
        return out;
    }

    /** {@code count} big-endian doubles. */
    public double[] readDoubles(long count, String what) throws DataFileException {
        checkCount(count, 8, what);
        byte[] bytes = readBytes(8 * count, what);
        double[] out = new double[(int) count];
        ByteBuffer.wrap(bytes).asDoubleBuffer().get(out);
        return out;
    }

    /**
     * Checks a declared element count: not negative, within a Java array, and (uncompressed files) within
     * the bytes left. Returns the byte count as an int.
     */
    public int checkCount(long count, int bytesPerElement, String what) throws DataFileException {
        if (count < 0) throw error(what + ": negative length " + count);
        if (count > MAX_ARRAY_LENGTH / bytesPerElement) {
            throw error(what + ": declared length " + count + " exceeds what one Java array holds (" + MAX_ARRAY_LENGTH / bytesPerElement + ")");
        }
        long bytes = count * bytesPerElement;
        long left = knownRemaining();
        if (left >= 0 && bytes > left) {
            throw error(what + ": declares " + bytes + " bytes but the file has only " + left + " bytes left (file length " + fileLength + ")");
        }
        return (int) bytes;
    }

    /** Whether the content is exhausted. */
    public boolean atEnd() throws DataFileException {
        try {
            in.mark(1);
            int b = in.read();
            in.reset();
            return b < 0;
        } catch (EOFException e) {
            throw new DataFileException(file, offset, true, "truncated " + compression.label() + " stream: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DataFileException(file, offset, compression != Compression.NONE,
                    "corrupt " + compression.label() + " stream: " + e.getMessage(), e);
        }
    }

    /** Fails unless the content ends here: trailing bytes mean the header and the data disagree. */
    public void expectEnd(String what) throws DataFileException {
        if (atEnd()) return;
        long start = offset;
        byte[] skip = new byte[8192];
        // Count the surplus for the message, but not without bound (a corrupt stream may inflate far).
        int n;
        do {
            n = read(skip, 0, skip.length);
        } while (n > 0 && offset - start < (1 << 20));
        boolean more = !atEnd();
        throw error(start, "unexpected " + (more ? "more than " : "") + (offset - start) + " bytes after " + what);
    }

    private DataFileException truncated(String what, long start, long needed, long got) {
        return error(start + got, "truncated: " + what + " needs " + needed + " bytes from offset " + start
                + " but the " + (compression == Compression.NONE ? "file" : "decompressed content") + " ends after " + got);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
