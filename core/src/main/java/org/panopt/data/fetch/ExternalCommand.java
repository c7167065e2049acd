package org.panopt.data.fetch;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a fetch tool (apt-get, dpkg-deb, npm, tar) in a directory; any failure is a {@link DataUnavailableException}. */
final class ExternalCommand {
    static final long TIMEOUT_MINUTES = 10;

    private ExternalCommand() {}

    /** Runs {@code command} in {@code dir}, its output going to a log file there; returns when it succeeded. */
    static void run(Path dir, List<String> command) throws IOException {
        Path log = Files.createTempFile(dir, "command-", ".log");
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(nullDevice())).start();
        } catch (IOException e) {
            throw new DataUnavailableException("cannot run '" + command.getFirst() + "' (" + e.getMessage() + "): is it installed and on the PATH?", e);
        }
        boolean finished;
        try {
            finished = p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new DataUnavailableException("interrupted while running '" + String.join(" ", command) + "'", e);
        }
        if (!finished) {
            p.destroyForcibly();
            throw new DataUnavailableException("'" + String.join(" ", command) + "' did not finish within " + TIMEOUT_MINUTES + " minutes");
        }
        if (p.exitValue() != 0) {
            throw new DataUnavailableException("'" + String.join(" ", command) + "' failed with exit status " + p.exitValue()
                    + ":\n" + tail(log));
        }
    }

    private static File nullDevice() {
        return new File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    }

    /** The single file in {@code dir} whose name ends with {@code suffix}. */
    static Path single(Path dir, String suffix, String what) throws IOException {
        try (var files = Files.list(dir)) {
            List<Path> found = files.filter(f -> f.getFileName().toString().endsWith(suffix)).toList();
            if (found.size() != 1) {
                throw new DataUnavailableException("expected one " + what + " (*" + suffix + ") in " + dir + " after the download, found " + found.size());
            }
            return found.getFirst();
        }
    }
}
