package org.panopt.experiments.run;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code metrics.csv}: a header of fixed columns, then one row per {@link #row} call, flushed as it goes so
 * that a run interrupted at any point leaves only whole rows behind. Numbers are written with full double
 * precision; text cells are quoted when they contain a comma, quote or newline (RFC 4180).
 */
public final class MetricsLog implements AutoCloseable {
    private final Path file;
    private final List<String> columns;
    private final BufferedWriter out;
    private boolean closed;

    MetricsLog(Path file, List<String> columns) throws IOException {
        if (columns.isEmpty()) throw new IllegalArgumentException("metrics.csv needs at least one column");
        this.file = file;
        this.columns = List.copyOf(columns);
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        out.write(String.join(",", this.columns.stream().map(MetricsLog::cell).toList()));
        out.write('\n');
        out.flush();
    }

    public List<String> columns() {
        return columns;
    }

    public Path file() {
        return file;
    }

    /** Appends one row: one value per column, in column order. */
    public synchronized void row(Object... values) {
        if (values.length != columns.size()) {
            throw new IllegalArgumentException("metrics row has " + values.length + " values for " + columns.size() + " columns " + columns);
        }
        if (closed) return; // the run is being shut down (Ctrl-C): later rows are dropped, earlier ones kept whole
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) sb.append(',');
            sb.append(cell(values[i]));
        }
        sb.append('\n');
        try {
            out.write(sb.toString());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
    }

    private static String cell(Object v) {
        if (v == null) return "";
        if (v instanceof Double d) return d.isNaN() || d.isInfinite() ? d.toString() : Double.toString(d);
        if (v instanceof Float f) return Float.toString(f);
        if (v instanceof Number || v instanceof Boolean) return v.toString();
        String s = v.toString();
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0) return '"' + s.replace("\"", "\"\"") + '"';
        return s;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + file, e);
        }
    }

    /** Formats a number for reports: 4 significant digits. */
    public static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
