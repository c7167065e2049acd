package org.panopt.data.fetch;

import java.io.IOException;

/**
 * A data set could not be obtained: the fetch tool is missing, the package archive cannot be reached,
 * or the download failed. The message says what failed and exactly which files to place where by hand.
 */
public final class DataUnavailableException extends IOException {
    public DataUnavailableException(String message) {
        super(message);
    }

    public DataUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
