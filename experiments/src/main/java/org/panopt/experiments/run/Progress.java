package org.panopt.experiments.run;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a run's steps with its latest loss and an ETA: a progress bar on an interactive terminal,
 * plain log lines on standard error otherwise (CI, pipes, files), at most one every few seconds.
 */
public final class Progress implements AutoCloseable {
    private static final long LOG_EVERY_NANOS = 5_000_000_000L;

    private final String task;
    private final long total;
    private final ProgressBar bar;
    private final long start = System.nanoTime();
    private long done;
    private long lastLog = start;

    private Progress(String task, long total, boolean interactive) {
        this.task = task;
        this.total = total;
        this.bar = interactive ? new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).build() : null;
    }

    /** A progress report for {@code total} steps of {@code task}. */
    public static Progress start(String task, long total) {
        return new Progress(task, total, System.console() != null && System.console().isTerminal());
    }

    /** One step done; {@code status} (e.g. "loss 0.1234") is shown beside the bar. */
    public void step(String status) {
        done++;
        if (bar != null) {
            bar.step();
            bar.setExtraMessage(" " + status);
            return;
        }
        long now = System.nanoTime();
        if (now - lastLog >= LOG_EVERY_NANOS || done == total) {
            lastLog = now;
            double elapsed = (now - start) / 1e9;
            double eta = done == 0 ? Double.NaN : elapsed / done * (total - done);
            System.err.printf(java.util.Locale.ROOT, "%s: %d/%d (%.0f%%) %s, %.0f s elapsed, ETA %.0f s%n",
                    task, done, total, 100.0 * done / Math.max(1, total), status, elapsed, eta);
        }
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
    }
}
