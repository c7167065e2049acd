package org.panopt.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@code main} class of the test class path in a fresh JVM with chosen HotSpot flags (for instance
 * {@code -Xint}, or {@code -Xbatch} to compile synchronously), so a test can compare what the same code computes
 * in the interpreter and once compiled. The child gets this JVM's class path and {@code jdk.incubator.vector}.
 */
public final class ChildJvm {
    private ChildJvm() {}

    /** What the child printed and how it ended. */
    public record Result(int exitCode, List<String> stdout, String stderr) {
        /** The lines of standard output that start with {@code prefix}, in order. */
        public List<String> linesStartingWith(String prefix) {
            return stdout.stream().filter(l -> l.startsWith(prefix)).toList();
        }
    }

    /**
     * Runs {@code mainClass} with {@code jvmFlags} and {@code args}; fails (with the child's stderr) when it
     * does not exit with 0 within {@code timeoutSeconds}.
     */
    public static Result run(List<String> jvmFlags, Class<?> mainClass, List<String> args, long timeoutSeconds)
            throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.add("--add-modules");
        command.add("jdk.incubator.vector");
        command.addAll(jvmFlags);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(args);
        Path out = Files.createTempFile("child-jvm", ".out");
        Path err = Files.createTempFile("child-jvm", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("child JVM " + String.join(" ", jvmFlags) + " " + mainClass.getSimpleName()
                        + " did not finish within " + timeoutSeconds + " s; stderr:\n" + Files.readString(err));
            }
            Result r = new Result(p.exitValue(), Files.readAllLines(out, StandardCharsets.UTF_8), Files.readString(err));
            if (r.exitCode() != 0) {
                throw new AssertionError("child JVM " + String.join(" ", jvmFlags) + " " + mainClass.getSimpleName()
                        + " exited with " + r.exitCode() + "; stderr:\n" + r.stderr());
            }
            return r;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
