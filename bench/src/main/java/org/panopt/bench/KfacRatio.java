package org.panopt.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.panopt.nn.loss.Reduction;
import org.panopt.nn.loss.SigmoidCrossEntropy;
import org.panopt.nn.models.DeepAutoencoder;
import org.panopt.optim.ModuleObjective;
import org.panopt.optim.Optimizer;
import org.panopt.optim.first.Sgd;
import org.panopt.optim.kfac.Kfac;
import org.panopt.optim.kfac.KfacReport;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * The amortized K-FAC iteration over the SGD-with-momentum iteration, measured robustly on a shared machine:
 * the setting of {@link KfacStepBenchmark} (MNIST autoencoder, float32, batch m), with blocks that alternate —
 * SGD steps, then one whole paper schedule of 20 K-FAC steps (T₁ = 5, T₂ = T₃ = 20: one refresh with three γ
 * candidates), then 20 steps of K-FAC without momentum — so that a change in load hits all three alike. Each
 * K-FAC variant trains its own copy of the network (same initialization). Per round it prints ms per step and
 * the ratios; at the end the medians over rounds and where K-FAC's time went ({@link KfacReport}). Beside the
 * wall time it reports the process's CPU time per step (all threads), which other jobs on the machine hardly
 * change: their ratio is what the wall-time ratio would be on an idle machine if every phase used the cores
 * equally well.
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.panopt.bench.KfacRatio [m] [rounds] [sgd steps per round]
 * </pre>
 * Defaults: m = 1000, 5 rounds, 5 SGD steps per round; one untimed warm-up round first.
 */
public final class KfacRatio {
    private KfacRatio() {}

    public static void main(String[] args) {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int sgdSteps = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Tensor x = Tensor.rand(new SplittableRandom(2), 0, 1, DType.FLOAT32, batch, 784);
        Optimizer sgd = null;
        Optimizer kfac = null;
        Optimizer kfacNoMomentum = null;
        ModuleObjective[] objectives = new ModuleObjective[3];
        for (int i = 0; i < 3; i++) {
            SplittableRandom rng = new SplittableRandom(1);
            DeepAutoencoder net = DeepAutoencoder.mnist(rng);
            net.initializeSparse(rng);
            objectives[i] = new ModuleObjective(net, new SigmoidCrossEntropy(Reduction.BATCH_MEAN), x, x);
            switch (i) {
                case 0 -> sgd = Optimizer.of(Sgd.builder().lr(1e-3).momentum(0.9).build(), net);
                case 1 -> kfac = Optimizer.of(Kfac.builder(net).build(), net);
                default -> kfacNoMomentum = Optimizer.of(Kfac.builder(net).momentum(false).build(), net);
            }
        }
        // Past the early refreshes (k ≤ 3), so every block of 20 is one paper schedule.
        for (int k = 0; k < 3; k++) {
            kfac.step(objectives[1]);
            kfacNoMomentum.step(objectives[2]);
        }
        double[] sgdMs = new double[rounds];
        double[] kfacMs = new double[rounds];
        double[] plainMs = new double[rounds];
        long[] phases = new long[5];
        double[] sgdCpu = new double[rounds];
        double[] kfacCpu = new double[rounds];
        double[] plainCpu = new double[rounds];
        for (int r = -1; r < rounds; r++) {
            long c0 = processCpuNanos();
            long t0 = System.nanoTime();
            for (int s = 0; s < sgdSteps; s++) sgd.step(objectives[0]);
            long t1 = System.nanoTime();
            long c1 = processCpuNanos();
            long[] roundPhases = new long[5];
            for (int s = 0; s < 20; s++) {
                kfac.step(objectives[1]);
                long[] nanos = Kfac.report(kfac).phaseNanos();
                for (int i = 0; i < nanos.length; i++) roundPhases[i] += nanos[i];
            }
            long t2 = System.nanoTime();
            long c2 = processCpuNanos();
            for (int s = 0; s < 20; s++) kfacNoMomentum.step(objectives[2]);
            long t3 = System.nanoTime();
            long c3 = processCpuNanos();
            if (r < 0) continue; // warm-up
            sgdCpu[r] = (c1 - c0) / 1e6 / sgdSteps;
            kfacCpu[r] = (c2 - c1) / 1e6 / 20;
            plainCpu[r] = (c3 - c2) / 1e6 / 20;
            sgdMs[r] = (t1 - t0) / 1e6 / sgdSteps;
            kfacMs[r] = (t2 - t1) / 1e6 / 20;
            plainMs[r] = (t3 - t2) / 1e6 / 20;
            for (int p = 0; p < 5; p++) phases[p] += roundPhases[p];
            System.out.printf(Locale.ROOT, "m=%d round %d: SGD %.0f ms/step, K-FAC %.0f ms/step (%.2f× SGD), K-FAC without momentum %.0f ms/step (%.2f× SGD; momentum costs %.2f×)"
                            + " | CPU time: SGD %.0f ms, K-FAC %.0f ms (%.2f×), without momentum %.0f ms (%.2f×)%n",
                    batch, r + 1, sgdMs[r], kfacMs[r], kfacMs[r] / sgdMs[r], plainMs[r], plainMs[r] / sgdMs[r], kfacMs[r] / plainMs[r],
                    sgdCpu[r], kfacCpu[r], kfacCpu[r] / sgdCpu[r], plainCpu[r], plainCpu[r] / sgdCpu[r]);
        }
        List<Double> ratios = new ArrayList<>();
        for (int r = 0; r < rounds; r++) ratios.add(kfacMs[r] / sgdMs[r]);
        double[] cpuRatios = new double[rounds];
        for (int r = 0; r < rounds; r++) cpuRatios[r] = kfacCpu[r] / sgdCpu[r];
        double steps = rounds * 20.0;
        System.out.printf(Locale.ROOT, "m=%d medians over %d rounds: SGD %.0f ms, K-FAC amortized %.0f ms, without momentum %.0f ms; median of the per-round ratios %.2f%n",
                batch, rounds, median(sgdMs), median(kfacMs), median(plainMs), median(ratios.stream().mapToDouble(Double::doubleValue).toArray()));
        System.out.printf(Locale.ROOT, "m=%d CPU time (all threads, GC included) medians: SGD %.0f ms, K-FAC %.0f ms, without momentum %.0f ms; median K-FAC/SGD %.2f%n",
                batch, median(sgdCpu), median(kfacCpu), median(plainCpu), median(cpuRatios));
        System.out.printf(Locale.ROOT, "m=%d K-FAC per step: statistics %.0f ms, exact-Fisher products + quadratic model %.0f ms, inverses %.0f ms, applying F^-1 %.0f ms, loss at proposal %.0f ms%n",
                batch, phases[0] / 1e6 / steps, phases[1] / 1e6 / steps, phases[2] / 1e6 / steps, phases[3] / 1e6 / steps, phases[4] / 1e6 / steps);
    }

    /** CPU time of the whole process (every thread: kernels' workers, GC, JIT), from the platform MXBean. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }
}
