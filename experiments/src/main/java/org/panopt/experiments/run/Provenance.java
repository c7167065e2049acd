package org.panopt.experiments.run;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import org.panopt.backend.Backends;
import org.panopt.kernels.Parallel;

/**
 * Where a result came from, recorded with every run (Tribuo's lesson: the same SGD gave different models on
 * different platforms): the git commit (and whether the tree had uncommitted changes), the JDK, OS and
 * architecture, cores and kernel threads, the SIMD width the kernels use, the backends present, and the
 * versions of the libraries on the class path.
 */
public record Provenance(String gitCommit, boolean gitDirty, String jdk, String os, String arch, int cores, int threads,
                         int floatLanes, int doubleLanes, String backends, Map<String, String> libraries) {

    /** Libraries whose versions are recorded when present: Maven group, artifact, and a class of theirs. */
    private static final String[][] LIBRARIES = {
        {"org.panopt", "panopt-core", "org.panopt.tensor.Tensor"},
        {"org.panopt", "panopt-optim", "org.panopt.optim.Optimizer"},
        {"org.panopt", "panopt-hessian", "org.panopt.hessian.LinearOperator"},
        {"org.panopt", "panopt-gpu", "org.panopt.gpu.CudaBackend"},
        {"org.panopt", "panopt-experiments", "org.panopt.experiments.Cli"},
        {"org.ejml", "ejml-ddense", "org.ejml.data.DMatrixRMaj"},
        {"info.picocli", "picocli", "picocli.CommandLine"},
        {"org.knowm.xchart", "xchart", "org.knowm.xchart.XYChart"},
        {"me.tongfei", "progressbar", "me.tongfei.progressbar.ProgressBar"},
        {"com.fasterxml.jackson.core", "jackson-databind", "com.fasterxml.jackson.databind.ObjectMapper"},
        {"org.tukaani", "xz", "org.tukaani.xz.XZInputStream"},
    };

    /** The provenance of the running JVM, with the git state of {@code System.getProperty("user.dir")}. */
    public static Provenance current() {
        String commit = git("rev-parse", "HEAD");
        String status = git("status", "--porcelain", "--untracked-files=no");
        Map<String, String> libs = new LinkedHashMap<>();
        for (String[] ga : LIBRARIES) {
            String v = version(ga[0], ga[1], ga[2]);
            if (v != null) libs.put(ga[0] + ":" + ga[1], v);
        }
        return new Provenance(commit == null ? "unknown" : commit, status != null && !status.isBlank(),
                System.getProperty("java.vm.vendor") + " " + Runtime.version(),
                System.getProperty("os.name") + " " + System.getProperty("os.version"), System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(), Parallel.threads(),
                FloatVector.SPECIES_PREFERRED.length(), DoubleVector.SPECIES_PREFERRED.length(),
                String.join(",", Backends.types()), libs);
    }

    // The version from the jar's pom.properties, else its manifest; null when the class is absent. Classes
    // loaded from a build directory (tests, the reactor) have neither: "(build directory)".
    private static String version(String group, String artifact, String className) {
        Class<?> cls;
        try {
            cls = Class.forName(className, false, Provenance.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
        String res = "/META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (InputStream in = cls.getResourceAsStream(res)) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                if (p.getProperty("version") != null) return p.getProperty("version");
            }
        } catch (IOException e) {
            // fall through to the manifest
        }
        String v = cls.getPackage() == null ? null : cls.getPackage().getImplementationVersion();
        return v != null ? v : "(build directory)";
    }

    // One line of git's output, or null when git or the repository is not there.
    private static String git(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "git";
        System.arraycopy(args, 0, cmd, 1, args.length);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) return null;
            return new String(out, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
