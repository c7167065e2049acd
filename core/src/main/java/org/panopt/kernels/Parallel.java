package org.panopt.kernels;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * The shared worker pool of panopt's kernels: a fixed set of daemon threads that every kernel
 * (GEMM, elementwise, convolution) splits its work over.
 *
 * <p>The pool size {@link #threads()} is read once, at first use, from the system property
 * {@code panopt.threads}, else the environment variable {@code PANOPT_THREADS}, else
 * {@link Runtime#availableProcessors()}. The calling thread takes part in the work, so the pool
 * itself holds {@code threads() - 1} workers.
 *
 * <p>{@link #forEach} is safe to call from anywhere: a call made from inside a worker (a kernel
 * running inside another kernel's task) runs inline, so workers never wait on each other and the
 * pool cannot deadlock.
 */
public final class Parallel {
    /** System property naming the pool size; wins over {@link #ENV}. */
    public static final String PROPERTY = "panopt.threads";
    /** Environment variable naming the pool size. */
    public static final String ENV = "PANOPT_THREADS";

    private static final ThreadLocal<Boolean> IN_WORKER = ThreadLocal.withInitial(() -> false);

    private Parallel() {}

    /** Lazily created so that merely loading the class starts no thread. */
    private static final class Pool {
        static final int THREADS = configuredThreads(System.getProperty(PROPERTY), System.getenv(ENV),
                Runtime.getRuntime().availableProcessors());
        static final ExecutorService WORKERS = THREADS == 1 ? null
                : Executors.newFixedThreadPool(THREADS - 1, r -> {
                    Thread t = new Thread(() -> {
                        IN_WORKER.set(true);
                        r.run();
                    }, "panopt-worker");
                    t.setDaemon(true);
                    return t;
                });
    }

    /** The number of threads kernels split their work over (workers plus the caller), ≥ 1. */
    public static int threads() {
        return Pool.THREADS;
    }

    /** Whether the current thread is one of the pool's workers. */
    public static boolean inWorker() {
        return IN_WORKER.get();
    }

    /**
     * Runs {@code body.accept(t)} for every {@code t} in {@code [0, tasks)}, spread over the pool and
     * the calling thread, and returns when all have finished. Tasks are claimed dynamically, so they
     * need not be of equal cost. Runs everything inline, in order, when {@code tasks ≤ 1}, when the
     * pool has one thread, or when called from a worker.
     *
     * <p>If a task throws, the remaining unclaimed tasks are skipped, the running ones finish, and the
     * first exception is rethrown to the caller (an {@link Error} or {@link RuntimeException} as is).
     */
    public static void forEach(int tasks, IntConsumer body) {
        if (tasks < 0) throw new IllegalArgumentException("forEach: tasks=" + tasks + " < 0");
        if (tasks <= 1 || threads() == 1 || inWorker()) {
            for (int t = 0; t < tasks; t++) body.accept(t);
            return;
        }
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(tasks);
        Runnable claim = () -> {
            for (int t; (t = next.getAndIncrement()) < tasks; ) {
                try {
                    if (failure.get() == null) body.accept(t);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            }
        };
        // Helpers that start after every task was claimed exit at once, so the caller never waits
        // on a helper stuck in the queue behind another caller's work.
        int helpers = Math.min(tasks, threads()) - 1;
        for (int h = 0; h < helpers; h++) Pool.WORKERS.execute(claim);
        claim.run();
        boolean interrupted = false;
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the tasks still write into the caller's arrays: wait them out
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        Throwable e = failure.get();
        if (e instanceof RuntimeException r) throw r;
        if (e instanceof Error err) throw err;
        if (e != null) throw new IllegalStateException("parallel task failed", e);
    }

    /**
     * Parses the pool size: {@code property} if set, else {@code env} if set, else
     * {@code available}. Package-private for tests.
     *
     * @throws IllegalArgumentException when the chosen setting is not a positive integer
     */
    static int configuredThreads(String property, String env, int available) {
        String source = property != null ? PROPERTY : env != null ? ENV : null;
        String value = property != null ? property : env;
        if (value == null || value.isBlank()) return Math.max(1, available);
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= 1) return n;
        } catch (NumberFormatException ignored) {
            // reported below with the setting's name
        }
        throw new IllegalArgumentException(source + "=" + value + " is not a positive integer thread count");
    }
}
