package org.panopt.gpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Compiled kernels kept on disk between runs, so that a process does not pay NVRTC's compile time again:
 * the PTX of a source under a key made of the source, the compiler options and the compiler version.
 * Files are written to a temporary name and renamed into place, so a reader never sees half a file; a
 * file that cannot be read is compiled again. Where: {@code -Dpanopt.cuda.cache=DIR} or
 * {@code $PANOPT_CUDA_CACHE}, else {@code ~/.cache/panopt/cuda}; {@code off} disables it.
 */
final class PtxCache {
    private final Path dir;

    PtxCache(Path dir) {
        this.dir = dir;
    }

    /** The cache the process is configured with, or empty when disabled. */
    static Optional<PtxCache> configured() {
        String setting = System.getProperty("panopt.cuda.cache", System.getenv("PANOPT_CUDA_CACHE"));
        if (setting != null && setting.equalsIgnoreCase("off")) return Optional.empty();
        Path dir = setting != null && !setting.isBlank() ? Path.of(setting)
                : Path.of(System.getProperty("user.home"), ".cache", "panopt", "cuda");
        return Optional.of(new PtxCache(dir));
    }

    /** The key of a compilation: SHA-256 over source, options and compiler version. */
    static String key(String source, List<String> options, String compilerVersion) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(source.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(String.join("\u0001", options).getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(compilerVersion.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    Optional<String> get(String key) {
        Path file = dir.resolve(key + ".ptx");
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Stores {@code ptx}; a failure to write only costs a compilation next time. */
    void put(String key, String ptx) {
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, key, ".tmp");
            Files.writeString(tmp, ptx, StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve(key + ".ptx"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | UnsupportedOperationException e) {
            System.getLogger(PtxCache.class.getName()).log(System.Logger.Level.DEBUG, "could not cache PTX in " + dir, e);
        }
    }
}
