package org.panopt.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelTest {
    @Test
    void everyTaskRunsExactlyOnce() {
        AtomicIntegerArray runs = new AtomicIntegerArray(1000);
        Parallel.forEach(1000, runs::incrementAndGet);
        for (int t = 0; t < runs.length(); t++) assertThat(runs.get(t)).as("task %d", t).isEqualTo(1);
    }

    @Test
    void nestedCallsRunInlineWithoutDeadlock() {
        int outer = 2 * Parallel.threads() + 1, inner = 50;
        AtomicIntegerArray runs = new AtomicIntegerArray(outer * inner);
        Parallel.forEach(outer, o -> Parallel.forEach(inner, i -> runs.incrementAndGet(o * inner + i)));
        for (int t = 0; t < runs.length(); t++) assertThat(runs.get(t)).isEqualTo(1);
    }

    @Test
    void firstExceptionReachesTheCaller() {
        assertThatThrownBy(() -> Parallel.forEach(64, t -> {
            if (t == 17) throw new IllegalStateException("task 17 failed");
        })).isInstanceOf(IllegalStateException.class).hasMessage("task 17 failed");
        // The pool still works afterwards.
        Set<Integer> seen = Collections.synchronizedSet(new HashSet<>());
        Parallel.forEach(8, seen::add);
        assertThat(seen).hasSize(8);
    }

    @Test
    void zeroTasksIsANoOpAndNegativeIsRejected() {
        Parallel.forEach(0, t -> { throw new AssertionError("ran"); });
        assertThatThrownBy(() -> Parallel.forEach(-1, t -> {}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("forEach: tasks=-1 < 0");
    }

    @Test
    void threadCountComesFromPropertyThenEnvironmentThenCores() {
        assertThat(Parallel.configuredThreads("3", "5", 8)).isEqualTo(3);
        assertThat(Parallel.configuredThreads(null, " 5 ", 8)).isEqualTo(5);
        assertThat(Parallel.configuredThreads(null, null, 8)).isEqualTo(8);
        assertThat(Parallel.threads()).isPositive();
        assertThatThrownBy(() -> Parallel.configuredThreads("0", null, 8))
                .hasMessage("panopt.threads=0 is not a positive integer thread count");
        assertThatThrownBy(() -> Parallel.configuredThreads(null, "many", 8))
                .hasMessage("PANOPT_THREADS=many is not a positive integer thread count");
    }
}
