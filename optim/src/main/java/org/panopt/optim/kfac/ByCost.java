package org.panopt.optim.kfac;

import java.util.Arrays;
import java.util.Comparator;
import java.util.function.IntConsumer;
import java.util.function.IntToLongFunction;
import org.panopt.kernels.Parallel;

/**
 * Independent per-layer work (a factor's decayed estimate, a damped inverse) spread over {@link Parallel}'s
 * threads, the dearest items first so that the threads finish together. Kernels called inside an item run on
 * its thread alone (a nested {@link Parallel#forEach} runs inline), which suits K-FAC's many medium-sized
 * matrices better than splitting each small GEMM over the threads. Each item writes only its own results, so
 * the outcome does not depend on the number of threads.
 */
final class ByCost {
    private ByCost() {}

    /** Runs {@code body.accept(i)} for i in [0, count) on the pool, in decreasing order of {@code cost.applyAsLong(i)}. */
    static void forEach(int count, IntToLongFunction cost, IntConsumer body) {
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingLong((Integer i) -> cost.applyAsLong(i)).reversed());
        Parallel.forEach(count, t -> body.accept(order[t]));
    }
}
