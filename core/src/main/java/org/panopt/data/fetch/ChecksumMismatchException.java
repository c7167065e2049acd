package org.panopt.data.fetch;

import java.io.IOException;
import java.nio.file.Path;

/** A file's SHA-256 differs from the one recorded for it: the download or the cache is not what panopt expects. */
public final class ChecksumMismatchException extends IOException {
    private final Path file;
    private final String expected;
    private final String actual;

    public ChecksumMismatchException(Path file, String expected, String actual, String advice) {
        super(file + ": SHA-256 " + actual + " differs from the recorded " + expected + (advice.isEmpty() ? "" : "; " + advice));
        this.file = file;
        this.expected = expected;
        this.actual = actual;
    }

    public Path file() {
        return file;
    }

    public String expected() {
        return expected;
    }

    public String actual() {
        return actual;
    }
}
