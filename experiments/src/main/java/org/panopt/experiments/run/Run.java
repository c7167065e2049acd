package org.panopt.experiments.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run of an experiment and the directory it writes: {@code <root>/<experiment>/<timestamp>/} with
 * <ul>
 * <li>{@code config.json}: the experiment, the command line and every option (enough to rerun it), and the
 *     {@link Provenance}; written when the run starts and again, with its status and wall time, when it ends;</li>
 * <li>{@code metrics.csv}: rows flushed as they are measured ({@link MetricsLog});</li>
 * <li>figures as PNG ({@link #figure});</li>
 * <li>{@code report.md} ({@link Report}), written when the run ends.</li>
 * </ul>
 * Every file but the append-only metrics is written to a temporary file and renamed. A run stopped by
 * Ctrl-C (or any JVM exit before {@link #finish}) still gets its report — marked interrupted, with what it
 * had — and its config with status {@code interrupted}, from a shutdown hook; metrics keep their whole rows.
 * A run whose experiment throws ends through {@link #fail}: status {@code failed}, the error in both files.
 */
public final class Run {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String experiment;
    private final Path dir;
    private final Map<String, Object> config = new LinkedHashMap<>();
    private final Report report;
    private final List<MetricsLog> logs = new ArrayList<>();
    private final long startNanos = System.nanoTime();
    private final Thread shutdownHook;
    private boolean finished;

    private Run(String experiment, Path dir, String commandLine, Map<String, Object> options, String title) {
        this.experiment = experiment;
        this.dir = dir;
        this.report = new Report(title);
        config.put("experiment", experiment);
        config.put("command", commandLine);
        config.put("options", options);
        config.put("started", Instant.now().toString());
        config.put("status", "running");
        config.put("provenance", Provenance.current());
        writeConfig();
        this.shutdownHook = new Thread(this::interrupted, "panopt-run-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Creates {@code root/experiment/<UTC timestamp>/} (with a suffix when that exists already) and writes
     * the initial {@code config.json}.
     */
    public static Run start(Path root, String experiment, String commandLine, Map<String, Object> options, String title) {
        String stamp = STAMP.format(Instant.now());
        try {
            Path base = root.resolve(experiment);
            Files.createDirectories(base);
            Path dir = base.resolve(stamp);
            for (int i = 2; ; i++) {
                try {
                    Files.createDirectory(dir);
                    break;
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    dir = base.resolve(stamp + "-" + i);
                }
            }
            return new Run(experiment, dir, commandLine, options, title);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the run directory under " + root.resolve(experiment), e);
        }
    }

    public Path dir() {
        return dir;
    }

    public String experiment() {
        return experiment;
    }

    public Report report() {
        return report;
    }

    /** Opens {@code <name>.csv} in the run directory with these columns (the main one is {@link #metrics}). */
    public MetricsLog csv(String name, String... columns) {
        try {
            MetricsLog log = new MetricsLog(dir.resolve(name + ".csv"), Arrays.asList(columns));
            synchronized (logs) {
                logs.add(log);
            }
            return log;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir.resolve(name + ".csv"), e);
        }
    }

    /** Opens {@code metrics.csv}. */
    public MetricsLog metrics(String... columns) {
        return csv("metrics", columns);
    }

    /** Writes {@code plot} as {@code <name>.png} (1000×600) and returns the file name for the report. */
    public String figure(LinePlot plot, String name) {
        return png(name, path -> plot.savePng(path, 1000, 600));
    }

    /** Writes {@code plot} (heat maps of matrix magnitudes) as {@code <name>.png} and returns the file name. */
    public String figure(MatrixPlot plot, String name) {
        return png(name, plot::savePng);
    }

    private interface PngWriter {
        void save(Path file) throws IOException;
    }

    private String png(String name, PngWriter writer) {
        String file = name + ".png";
        try {
            writer.save(dir.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write figure " + dir.resolve(file), e);
        }
        return file;
    }

    /** Adds a result value to config.json's "results" (rewritten at the end). */
    @SuppressWarnings("unchecked")
    public void result(String key, Object value) {
        synchronized (config) {
            ((Map<String, Object>) config.computeIfAbsent("results", k -> new LinkedHashMap<String, Object>())).put(key, value);
        }
    }

    /** Ends the run: closes the metrics, writes report.md and the final config.json. */
    public synchronized void finish() {
        if (finished) return;
        finished = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to: it will find the run finished
        }
        close("completed", "Completed in " + seconds() + " s.");
    }

    /**
     * Ends a run whose experiment threw: closes the metrics, writes report.md (what ran, then the error) and
     * config.json with status {@code failed} and the error — a failed run is never left looking interrupted.
     */
    public synchronized void fail(Throwable error) {
        if (finished) return;
        finished = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to: it will find the run finished
        }
        String message = error.getClass().getSimpleName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
        synchronized (config) {
            config.put("error", message);
        }
        close("failed", "**Failed** after " + seconds() + " s: " + message.replace("\n", " "));
    }

    private synchronized void interrupted() {
        if (finished) return;
        finished = true;
        close("interrupted", "**Interrupted** after " + seconds() + " s: the figures and verdicts below cover only what ran; "
                + "`metrics.csv` holds every row measured up to the interruption.");
    }

    private void close(String status, String line) {
        synchronized (logs) {
            for (MetricsLog l : logs) l.close();
        }
        synchronized (config) {
            config.put("status", status);
            config.put("wallSeconds", Double.parseDouble(seconds()));
        }
        writeConfig();
        try {
            AtomicFiles.writeString(dir.resolve("report.md"), report.render(line));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve("report.md"), e);
        }
    }

    private String seconds() {
        return String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - startNanos) / 1e9);
    }

    private void writeConfig() {
        try {
            byte[] json;
            synchronized (config) {
                json = JSON.writeValueAsBytes(config);
            }
            AtomicFiles.write(dir.resolve("config.json"), out -> out.write(json));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve("config.json"), e);
        }
    }
}
