package org.panopt.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.panopt.tensor.Tensor;

/**
 * The HVP / gradient time ratio measured robustly on a shared machine: gradient and HVP alternate call by call
 * (after a warm-up), so a change in load hits both alike, and the ratio of the two medians is printed per
 * round. {@link HvpBenchmark} times the two separately with JMH; on a quiet machine the two agree.
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.panopt.bench.HvpRatio [model] [calls] [rounds]
 * </pre>
 * Defaults: {@code autoencoder}, 15 calls of each per round, 3 rounds.
 */
public final class HvpRatio {
    private HvpRatio() {}

    public static void main(String[] args) {
        String model = args.length > 0 ? args[0] : TrainingStep.AUTOENCODER;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        TrainingStep step = TrainingStep.of(model);
        List<Tensor> v = step.randomDirection();
        for (int i = 0; i < 10; i++) {
            step.gradient();
            step.hvp(v);
        }
        for (int r = 0; r < rounds; r++) {
            long[] grad = new long[calls];
            long[] hvp = new long[calls];
            for (int i = 0; i < calls; i++) {
                long t = System.nanoTime();
                step.gradient();
                grad[i] = System.nanoTime() - t;
                t = System.nanoTime();
                step.hvp(v);
                hvp[i] = System.nanoTime() - t;
            }
            Arrays.sort(grad);
            Arrays.sort(hvp);
            double g = grad[calls / 2] / 1e6;
            double h = hvp[calls / 2] / 1e6;
            System.out.printf(Locale.ROOT, "%s round %d: median gradient %.1f ms, median hvp %.1f ms, hvp/gradient %.2f (minima %.1f, %.1f ms: %.2f)%n",
                    model, r + 1, g, h, h / g, grad[0] / 1e6, hvp[0] / 1e6, (double) hvp[0] / grad[0]);
        }
    }
}
