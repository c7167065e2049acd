package org.panopt.experiments.run;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A line chart written as PNG (XChart): labelled axes, optional logarithmic axes (for quantities that span
 * decades; non-positive points are left out there, since a log axis cannot show them), a legend, and
 * series with an optional spread band (drawn as dashed lines at mean ± spread in the series' colour, for
 * runs repeated over seeds).
 */
public final class LinePlot {
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf),
    };

    // Strokes by how often the palette has wrapped: series that share a colour differ in stroke. Set on every
    // line, since XChart's own cycle counts the hidden band edges too and dashes every line from its 13th series on.
    private static final BasicStroke[] STROKES = {SeriesLines.SOLID, SeriesLines.DASH_DOT, SeriesLines.DASH_DASH, SeriesLines.DOT_DOT};

    private record Series(String name, double[] x, double[] y, double[] spread, boolean markers) {}

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private boolean logX;
    private boolean logY;
    private final List<Series> series = new ArrayList<>();

    public LinePlot(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    public LinePlot logX() {
        logX = true;
        return this;
    }

    public LinePlot logY() {
        logY = true;
        return this;
    }

    /** A line through (x[i], y[i]). */
    public LinePlot line(String name, double[] x, double[] y) {
        return add(new Series(name, x, y, null, false));
    }

    /** Points with markers and a connecting line (few points: depth, learning-rate grids). */
    public LinePlot points(String name, double[] x, double[] y) {
        return add(new Series(name, x, y, null, true));
    }

    /** Points with markers and a band mean ± spread (few points repeated over seeds); spread may be null. */
    public LinePlot points(String name, double[] x, double[] mean, double[] spread) {
        return add(new Series(name, x, mean, spread, true));
    }

    /**
     * A histogram drawn as a step line: bin i spans [edges[i], edges[i+1]) at height heights[i] (edges has
     * one more entry than heights); the outline drops to 0 at both ends.
     */
    public LinePlot histogram(String name, double[] edges, double[] heights) {
        if (edges.length != heights.length + 1) {
            throw new IllegalArgumentException("histogram '" + name + "': " + edges.length + " edges for " + heights.length + " bins (need bins + 1)");
        }
        int k = heights.length;
        double[] x = new double[2 * k + 2], y = new double[2 * k + 2];
        x[0] = edges[0];
        for (int i = 0; i < k; i++) {
            x[2 * i + 1] = edges[i];
            y[2 * i + 1] = heights[i];
            x[2 * i + 2] = edges[i + 1];
            y[2 * i + 2] = heights[i];
        }
        x[2 * k + 1] = edges[k];
        return add(new Series(name, x, y, null, false));
    }

    /** A line with a band mean ± spread (e.g. one standard deviation over seeds); spread may be null. */
    public LinePlot band(String name, double[] x, double[] mean, double[] spread) {
        return add(new Series(name, x, mean, spread, false));
    }

    private LinePlot add(Series s) {
        if (s.x.length != s.y.length || (s.spread != null && s.spread.length != s.y.length)) {
            throw new IllegalArgumentException("series '" + s.name + "': " + s.x.length + " x values, " + s.y.length + " y values"
                    + (s.spread == null ? "" : ", " + s.spread.length + " spreads"));
        }
        series.add(s);
        return this;
    }

    public int seriesCount() {
        return series.size();
    }

    /** Renders the chart and writes it (atomically) to {@code file} as PNG. */
    public void savePng(Path file, int width, int height) throws IOException {
        XYChart chart = chart(width, height);
        AtomicFiles.write(file, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }

    /** The XChart chart {@link #savePng} draws (for tests). */
    XYChart chart(int width, int height) {
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        Styler st = chart.getStyler();
        st.setLegendPosition(Styler.LegendPosition.OutsideE);
        st.setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisLogarithmic(logX);
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setMarkerSize(5);
        int colour = 0;
        int drawn = 0;
        for (Series s : series) {
            BasicStroke stroke = STROKES[colour / PALETTE.length % STROKES.length];
            Color c = PALETTE[colour++ % PALETTE.length];
            double[][] xy = visible(s.x, s.y);
            if (xy[0].length == 0) continue;
            XYSeries line = chart.addSeries(s.name, xy[0], xy[1]);
            drawn++;
            line.setLineColor(c);
            line.setLineStyle(stroke);
            line.setMarkerColor(c);
            line.setMarker(s.markers ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            if (s.spread != null) {
                double[] lo = new double[s.y.length], hi = new double[s.y.length];
                for (int i = 0; i < lo.length; i++) {
                    lo[i] = s.y[i] - s.spread[i];
                    hi[i] = s.y[i] + s.spread[i];
                }
                BasicStroke dashed = new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f}, 0f);
                for (double[] edge : new double[][] {lo, hi}) {
                    double[][] exy = visible(s.x, edge);
                    if (exy[0].length == 0) continue;
                    XYSeries e = chart.addSeries(s.name + (edge == lo ? " −" : " +") + " spread", exy[0], exy[1]);
                    e.setLineColor(c);
                    e.setLineStyle(dashed);
                    e.setMarker(SeriesMarkers.NONE);
                    e.setShowInLegend(false);
                }
            }
        }
        if (drawn == 0) chart.addSeries("(no data)", new double[] {logX ? 1 : 0}, new double[] {logY ? 1 : 0});
        // XChart labels a log axis at powers of ten only: a range that holds none (0.11 … 0.95) would have no labels
        if (logX) {
            double[] d = decadesIfUnlabelled(chart.getSeriesCollection().stream().flatMapToDouble(e -> Arrays.stream(e.getXData())).toArray());
            if (d != null) {
                chart.getStyler().setXAxisMin(d[0]);
                chart.getStyler().setXAxisMax(d[1]);
            }
        }
        if (logY) {
            double[] d = decadesIfUnlabelled(chart.getSeriesCollection().stream().flatMapToDouble(e -> Arrays.stream(e.getYData())).toArray());
            if (d != null) {
                chart.getStyler().setYAxisMin(d[0]);
                chart.getStyler().setYAxisMax(d[1]);
            }
        }
        return chart;
    }

    /** For positive values whose range holds no power of ten, the enclosing decades [10^⌊lg min⌋, 10^⌈lg max⌉]; else null. */
    static double[] decadesIfUnlabelled(double[] values) {
        if (values.length == 0) return null;
        double lo = Arrays.stream(values).min().orElseThrow(), hi = Arrays.stream(values).max().orElseThrow();
        double below = Math.pow(10, Math.floor(Math.log10(lo))), above = Math.pow(10, Math.ceil(Math.log10(hi)));
        boolean holdsPowerOfTen = Math.pow(10, Math.ceil(Math.log10(lo))) <= hi;
        return holdsPowerOfTen ? null : new double[] {below, above};
    }

    // The points a chart can draw: finite, and positive on a log axis.
    private double[][] visible(double[] x, double[] y) {
        int n = 0;
        for (int i = 0; i < x.length; i++) if (ok(x[i], logX) && ok(y[i], logY)) n++;
        double[] vx = new double[n], vy = new double[n];
        for (int i = 0, j = 0; i < x.length; i++) {
            if (ok(x[i], logX) && ok(y[i], logY)) {
                vx[j] = x[i];
                vy[j++] = y[i];
            }
        }
        return new double[][] {vx, vy};
    }

    private static boolean ok(double v, boolean log) {
        return Double.isFinite(v) && (!log || v > 0);
    }
}
