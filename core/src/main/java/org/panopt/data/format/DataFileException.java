package org.panopt.data.format;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A data file that cannot be read as what it claims to be: wrong magic number, corrupt or truncated
 * compressed stream, a header that disagrees with the file's length, an absurd declared size, an
 * unsupported type. The message names the file, what was wrong and, where it is known, the byte offset
 * (in the decompressed stream when the file is compressed).
 */
public final class DataFileException extends IOException {
    private final Path file;
    private final long offset;

    /**
     * A problem at byte {@code offset} of {@code file}'s content ({@code offset < 0}: no particular place);
     * {@code decompressed} says the offset counts bytes of the decompressed stream, not of the file.
     */
    public DataFileException(Path file, long offset, boolean decompressed, String problem, Throwable cause) {
        super(file + ": " + problem + (offset < 0 ? ""
                : " (at byte offset " + offset + (decompressed ? " of the decompressed content)" : ")")), cause);
        this.file = file;
        this.offset = offset;
    }

    /** A problem at byte {@code offset} of an uncompressed file. */
    public DataFileException(Path file, long offset, String problem) {
        this(file, offset, false, problem, null);
    }

    /** A problem with the file as a whole. */
    public DataFileException(Path file, String problem) {
        this(file, -1, false, problem, null);
    }

    /** A problem with the file as a whole, caused by {@code cause}. */
    public DataFileException(Path file, String problem, Throwable cause) {
        this(file, -1, false, problem, cause);
    }

    public Path file() {
        return file;
    }

    /** The byte offset the problem was found at, or −1. For compressed files: in the decompressed stream. */
    public long offset() {
        return offset;
    }
}
