package org.panopt.experiments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs {@code ./panopt <experiment> …} ({@link Cli#main}) in a fresh JVM with chosen HotSpot flags, so that a test
 * can compare the files of two runs whose JIT compiled different code at different times.
 */
public final class ChildCli {
    private ChildCli() {}

    /** Runs the CLI with {@code args} and {@code --out out}; returns the run directory (the one holding config.json). */
    public static Path run(List<String> jvmFlags, Path out, long timeoutSeconds, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Djava.awt.headless=true"));
        String data = System.getProperty("panopt.data");
        if (data != null) command.add("-Dpanopt.data=" + data);
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Cli.class.getName()));
        command.addAll(List.of(args));
        command.addAll(List.of("--out", out.toString()));
        Files.createDirectories(out);
        Path log = out.resolve("child.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError(String.join(" ", args) + " did not finish within " + timeoutSeconds + " s:\n" + Files.readString(log));
        }
        if (p.exitValue() != 0) throw new AssertionError(String.join(" ", args) + " exited with " + p.exitValue() + ":\n" + Files.readString(log));
        try (Stream<Path> files = Files.walk(out)) {
            return files.filter(f -> f.getFileName().toString().equals("config.json")).findFirst()
                    .orElseThrow(() -> new AssertionError("no config.json under " + out)).getParent();
        }
    }
}
