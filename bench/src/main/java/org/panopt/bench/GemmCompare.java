package org.panopt.bench;

import dev.ludovic.netlib.blas.JavaBLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import org.ejml.concurrency.EjmlConcurrency;
import org.panopt.kernels.Parallel;

/**
 * Side-by-side GEMM throughput of panopt, OpenBLAS (netlib-java JNI), netlib-java's pure-Java
 * Vector-API BLAS and EJML, in one JVM.
 *
 * <p>Per shape and dtype: every library's result is first checked against panopt's (the run
 * aborts if one differs by more than 4·√k·ε·k, the rounding budget for operands in [-1, 1]);
 * then {@code --warmup} rounds and {@code --reps} timed rounds run round-robin over the
 * libraries, so load drifts on a shared machine hit all of them alike. A sample times enough
 * consecutive calls to last about {@code --min-ms}; the table reports each library's median
 * GFLOP/s (2mnk per call) and panopt's ratio to OpenBLAS and to VectorBLAS.
 *
 * <pre>
 *   --sizes 256,512,1024,2048   square NN sizes (empty: none)
 *   --shapes all|square|ae      which shapes: squares, autoencoder training products, or both
 *   --dtype f32|f64|both        --reps 7   --warmup 3   --min-ms 100
 *   --threads N                 panopt and EJML threads (OpenBLAS: set OPENBLAS_NUM_THREADS=N)
 *   --libs panopt,openblas,vectorblas,ejml
 * </pre>
 * OpenBLAS is bound through {@code -Ddev.ludovic.netlib.blas.nativeLib=/path/to/libblas.so.3}
 * (see {@code bench/openblas.sh}); without it that column is skipped.
 */
public final class GemmCompare {
    private GemmCompare() {}

    public static void main(String[] args) {
        Map<String, String> opt = parseOptions(args);
        int threads = Integer.parseInt(opt.get("threads"));
        // Must precede the first use of Parallel, which reads it once.
        System.setProperty(Parallel.PROPERTY, Integer.toString(threads));
        EjmlConcurrency.setMaxThreads(threads);
        int reps = Integer.parseInt(opt.get("reps")), warmup = Integer.parseInt(opt.get("warmup"));
        double minSeconds = Double.parseDouble(opt.get("min-ms")) / 1e3;
        List<String> wanted = Arrays.asList(opt.get("libs").split(","));

        List<GemmShape> shapes = new ArrayList<>();
        String which = opt.get("shapes");
        if (!which.equals("ae") && !opt.get("sizes").isBlank()) {
            for (String n : opt.get("sizes").split(",")) shapes.add(GemmShape.square(Integer.parseInt(n.strip())));
        }
        if (!which.equals("square")) shapes.addAll(GemmShape.autoencoder());

        List<GemmLibrary> libs = new ArrayList<>();
        if (wanted.contains("panopt")) libs.add(new GemmLibrary.Panopt());
        if (wanted.contains("openblas")) openBlas(threads).ifPresent(libs::add);
        if (wanted.contains("vectorblas")) {
            JavaBLAS vb = JavaBLAS.getInstance();
            libs.add(new GemmLibrary.Netlib(vb.getClass().getSimpleName(), vb));
        }
        if (wanted.contains("ejml")) libs.add(new GemmLibrary.Ejml(threads > 1));
        if (libs.isEmpty() || !(libs.getFirst() instanceof GemmLibrary.Panopt)) {
            throw new IllegalArgumentException("--libs must include panopt: the others are checked against it");
        }

        System.out.printf("GemmCompare: JDK %s, %s/%s, %d cores, threads=%d, float lanes %d, double lanes %d%n",
                Runtime.version(), System.getProperty("os.name"), System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(), threads,
                FloatVector.SPECIES_PREFERRED.length(), DoubleVector.SPECIES_PREFERRED.length());
        System.out.printf("median of %d timed rounds after %d warm-up rounds, round-robin; samples ≥ %.0f ms%n%n",
                reps, warmup, minSeconds * 1e3);

        List<String> dtypes = switch (opt.get("dtype")) {
            case "f32" -> List.of("f32");
            case "f64" -> List.of("f64");
            case "both" -> List.of("f32", "f64");
            default -> throw new IllegalArgumentException("--dtype must be f32, f64 or both, not " + opt.get("dtype"));
        };
        for (String dtype : dtypes) {
            printHeader(dtype, libs);
            for (GemmShape s : shapes) {
                double[] gflops = measure(s, dtype.equals("f32"), libs, warmup, reps, minSeconds);
                printRow(s, libs, gflops);
            }
            System.out.println();
        }
    }

    /** Checks every library against panopt once, then returns each one's median GFLOP/s. */
    static double[] measure(GemmShape s, boolean single, List<GemmLibrary> libs, int warmup, int reps, double minSeconds) {
        SplittableRandom rnd = new SplittableRandom(s.key().hashCode());
        float[] a = new float[s.m() * s.k()], b = new float[s.k() * s.n()];
        for (int i = 0; i < a.length; i++) a[i] = (float) rnd.nextDouble(-1, 1);
        for (int i = 0; i < b.length; i++) b[i] = (float) rnd.nextDouble(-1, 1);
        GemmLibrary.Operands[] ops = new GemmLibrary.Operands[libs.size()];
        int[] calls = new int[libs.size()];
        double[] reference = null;
        double eps = single ? Math.ulp(1f) : Math.ulp(1.0);
        double tol = 4 * eps * Math.sqrt(s.k()) * s.k();
        for (int l = 0; l < libs.size(); l++) {
            ops[l] = new GemmLibrary.Operands(single, a, b, s.m() * s.n());
            ops[l].clearC();
            long t0 = System.nanoTime();
            libs.get(l).run(s, ops[l]);
            double first = (System.nanoTime() - t0) / 1e9;
            calls[l] = (int) Math.max(1, Math.min(1_000_000, Math.ceil(minSeconds / Math.max(first, 1e-7))));
            double[] c = ops[l].c();
            if (reference == null) {
                reference = c;
                continue;
            }
            double worst = 0;
            for (int i = 0; i < c.length; i++) worst = Math.max(worst, Math.abs(c[i] - reference[i]));
            if (!(worst <= tol)) { // also catches NaN
                throw new IllegalStateException(String.format(Locale.ROOT,
                        "%s %s %s disagrees with panopt: max |diff| = %.3g > %.3g", libs.get(l).name(),
                        single ? "sgemm" : "dgemm", s.key(), worst, tol));
            }
        }
        double[][] samples = new double[libs.size()][reps];
        for (int round = 0; round < warmup + reps; round++) {
            for (int l = 0; l < libs.size(); l++) {
                long t0 = System.nanoTime();
                for (int c = 0; c < calls[l]; c++) libs.get(l).run(s, ops[l]);
                double seconds = (System.nanoTime() - t0) / 1e9;
                if (round < warmup) {
                    // Re-size the sample now that the code is compiled.
                    calls[l] = (int) Math.max(1, Math.min(1_000_000, Math.ceil(minSeconds * calls[l] / seconds)));
                } else {
                    samples[l][round - warmup] = s.flops() * calls[l] / seconds / 1e9;
                }
            }
        }
        double[] medians = new double[libs.size()];
        for (int l = 0; l < libs.size(); l++) {
            Arrays.sort(samples[l]);
            medians[l] = reps % 2 == 1 ? samples[l][reps / 2] : (samples[l][reps / 2 - 1] + samples[l][reps / 2]) / 2;
        }
        return medians;
    }

    private static java.util.Optional<GemmLibrary> openBlas(int threads) {
        String lib = System.getProperty("dev.ludovic.netlib.blas.nativeLib");
        if (lib == null) {
            System.out.println("OpenBLAS: skipped, -Ddev.ludovic.netlib.blas.nativeLib is not set (run bench/openblas.sh"
                    + " for a path, or use bench/compare-gemm.sh)");
            return java.util.Optional.empty();
        }
        try {
            NativeBLAS blas = NativeBLAS.getInstance();
            String env = System.getenv("OPENBLAS_NUM_THREADS");
            if (env == null || !env.equals(Integer.toString(threads))) {
                System.out.println("OpenBLAS: note: OPENBLAS_NUM_THREADS=" + env + " while --threads=" + threads);
            }
            return java.util.Optional.of(new GemmLibrary.Netlib("OpenBLAS", blas));
        } catch (Throwable e) {
            System.out.println("OpenBLAS: skipped, cannot load " + lib + " through netlib-java JNI: " + e);
            return java.util.Optional.empty();
        }
    }

    private static void printHeader(String dtype, List<GemmLibrary> libs) {
        StringBuilder h = new StringBuilder(String.format("%-4s %-14s %-17s %-3s", dtype, "shape", "m×n×k", "op"));
        for (GemmLibrary l : libs) h.append(String.format(" %10s", l.name()));
        for (GemmLibrary l : libs.subList(1, libs.size())) h.append(String.format(" %11s", "÷" + shortName(l)));
        System.out.println(h + "   (GFLOP/s; ratios are panopt ÷ library)");
    }

    private static void printRow(GemmShape s, List<GemmLibrary> libs, double[] gflops) {
        StringBuilder r = new StringBuilder(String.format("%-4s %-14s %-17s %-3s", "", s.label(),
                s.m() + "×" + s.n() + "×" + s.k(), s.ops()));
        for (double g : gflops) r.append(String.format(Locale.ROOT, " %10.1f", g));
        for (int l = 1; l < libs.size(); l++) r.append(String.format(Locale.ROOT, " %11.2f", gflops[0] / gflops[l]));
        System.out.println(r);
        System.out.flush();
    }

    private static String shortName(GemmLibrary l) {
        String n = l.name();
        return n.length() > 10 ? n.substring(0, 10) : n;
    }

    private static Map<String, String> parseOptions(String[] args) {
        Map<String, String> opt = new LinkedHashMap<>();
        opt.put("sizes", "256,512,1024,2048");
        opt.put("shapes", "all");
        opt.put("dtype", "both");
        opt.put("reps", "7");
        opt.put("warmup", "3");
        opt.put("min-ms", "100");
        opt.put("threads", Integer.toString(Runtime.getRuntime().availableProcessors()));
        opt.put("libs", "panopt,openblas,vectorblas,ejml");
        for (int i = 0; i < args.length; i++) {
            String key = args[i].startsWith("--") ? args[i].substring(2) : null;
            if (key == null || !opt.containsKey(key) || i + 1 >= args.length) {
                throw new IllegalArgumentException("unknown or incomplete option '" + args[i] + "'; options: "
                        + String.join(", ", opt.keySet().stream().map(k -> "--" + k).toList()));
            }
            opt.put(key, args[++i]);
        }
        if (Integer.parseInt(opt.get("reps")) < 1) throw new IllegalArgumentException("--reps must be ≥ 1");
        return opt;
    }
}
