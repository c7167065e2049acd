package org.panopt.data.fetch;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.panopt.data.fetch.DatasetSource.SourceFile;

/**
 * The directory where fetched data sets live: the system property {@value #PROPERTY}, else the
 * environment variable {@value #ENV}, else {@code ~/.cache/panopt}. Each data set is a subdirectory
 * named after it, holding its files.
 *
 * <p>Fetching never leaves a half-written entry: the package is downloaded and unpacked into a fresh
 * {@code .partial-*} directory inside the cache, the wanted files are copied out and their SHA-256
 * checked against the recorded digests, and only then is the finished directory renamed into place in
 * one atomic step. A failed or interrupted fetch leaves at most a {@code .partial-*} directory, which
 * is never read and is removed by the next fetch once it is an hour old. Two processes fetching the same
 * set at once both succeed: the first rename wins, the other finds the entry in place. When a
 * process first uses an entry its files are verified again (and whenever a file's size or modification
 * time changes), so a damaged cache is reported, never read.
 */
public final class DataCache {
    public static final String PROPERTY = "panopt.data";
    public static final String ENV = "PANOPT_DATA";
    static final String PARTIAL_PREFIX = ".partial-";
    private static final Duration STALE_PARTIAL = Duration.ofHours(1);
    /** Files verified by this process: path, size, modification time and digest. */
    private static final Set<String> VERIFIED = ConcurrentHashMap.newKeySet();

    private final Path root;

    public DataCache(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The cache named by {@value #PROPERTY} or {@value #ENV}, else {@code ~/.cache/panopt}. */
    public static DataCache standard() {
        String dir = System.getProperty(PROPERTY);
        if (dir == null || dir.isBlank()) dir = System.getenv(ENV);
        if (dir == null || dir.isBlank()) return new DataCache(Path.of(System.getProperty("user.home"), ".cache", "panopt"));
        return new DataCache(Path.of(dir));
    }

    public Path root() {
        return root;
    }

    /** The directory that holds (or will hold) {@code source}'s files. */
    public Path directory(DatasetSource source) {
        return root.resolve(source.name());
    }

    /** Whether {@code source} has been fetched (its directory exists; {@link #obtain} verifies it). */
    public boolean isCached(DatasetSource source) {
        return Files.isDirectory(directory(source));
    }

    /**
     * The directory of {@code source} with every file verified, fetching the set first when it is not
     * cached.
     *
     * @throws DataUnavailableException when it is not cached and cannot be fetched (the message says
     *     which files to place where by hand)
     * @throws ChecksumMismatchException when a fetched or cached file differs from its recorded digest
     */
    public Path obtain(DatasetSource source) throws IOException {
        Path dir = directory(source);
        if (!Files.isDirectory(dir)) fetch(source);
        verify(source);
        return dir;
    }

    /**
     * Checks every file of a cached entry against its recorded digest. A file already verified by this
     * process is hashed again only when its size or modification time has changed.
     */
    public void verify(DatasetSource source) throws IOException {
        Path dir = directory(source);
        for (SourceFile f : source.files()) {
            Path file = dir.resolve(f.fileName());
            if (!Files.isRegularFile(file)) {
                throw new DataUnavailableException("the cache entry " + dir + " lacks " + f.fileName()
                        + "; remove the directory and fetch again (./panopt data fetch " + source.name() + ")");
            }
            String stamp = file + "|" + Files.size(file) + "|" + Files.getLastModifiedTime(file).toMillis() + "|" + f.sha256();
            if (VERIFIED.contains(stamp)) continue;
            String actual = Sha256.of(file);
            if (!actual.equals(f.sha256())) {
                throw new ChecksumMismatchException(file, f.sha256(), actual,
                        "the cached file is damaged or not the one panopt knows: remove " + dir + " and fetch again (./panopt data fetch " + source.name() + ")");
            }
            VERIFIED.add(stamp);
        }
    }

    private void fetch(DatasetSource source) throws IOException {
        Files.createDirectories(root);
        removeStalePartials();
        Path partial = Files.createTempDirectory(root, PARTIAL_PREFIX + source.name() + "-");
        try {
            Path work = Files.createDirectories(partial.resolve("work"));
            Path entry = Files.createDirectories(partial.resolve("entry"));
            List<String> wanted = source.files().stream().map(SourceFile::packagePath).toList();
            Path unpacked;
            try {
                unpacked = source.archive().unpack(work, wanted);
            } catch (DataUnavailableException e) {
                throw new DataUnavailableException("cannot fetch " + source.name() + " from the " + source.archive().describe()
                        + ": " + e.getMessage() + "\n" + manualInstructions(source), e);
            }
            for (SourceFile f : source.files()) {
                Path from = unpacked.resolve(f.packagePath());
                if (!Files.isRegularFile(from)) {
                    throw new DataUnavailableException("the " + source.archive().describe() + " has no file " + f.packagePath()
                            + " (did the package change?)\n" + manualInstructions(source));
                }
                Path to = entry.resolve(f.fileName());
                Files.copy(from, to);
                String actual = Sha256.of(to);
                if (!actual.equals(f.sha256())) {
                    throw new ChecksumMismatchException(from, f.sha256(), actual, "the " + source.archive().describe()
                            + " no longer holds the file panopt was checked against; nothing was cached");
                }
            }
            try {
                Files.move(entry, directory(source), StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // Another process may have finished the same fetch first: its entry is as good as ours.
                if (!Files.isDirectory(directory(source))) throw e;
            }
        } finally {
            deleteTree(partial);
        }
    }

    /** What a person does when fetching is impossible: which files to put where. */
    public String manualInstructions(DatasetSource source) {
        StringBuilder s = new StringBuilder("To provide " + source.name() + " by hand, get the " + source.archive().describe()
                + " (" + source.archive().manualSteps() + ") and copy these files into " + directory(source) + "/:");
        for (SourceFile f : source.files()) s.append("\n  ").append(f.packagePath()).append("  (SHA-256 ").append(f.sha256()).append(')');
        return s.toString();
    }

    private void removeStalePartials() throws IOException {
        Instant cutoff = Instant.now().minus(STALE_PARTIAL);
        List<Path> stale = new ArrayList<>();
        try (Stream<Path> entries = Files.list(root)) {
            entries.filter(p -> p.getFileName().toString().startsWith(PARTIAL_PREFIX)).forEach(p -> {
                try {
                    if (Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)) stale.add(p);
                } catch (IOException gone) {
                    // removed meanwhile by another process
                }
            });
        }
        for (Path p : stale) deleteTree(p);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    // Unpacked packages keep their modes: make read-only directories emptiable.
                    d.toFile().setWritable(true);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    if (e != null) throw e;
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException gone) {
            // another process cleaned it up
        }
    }
}
