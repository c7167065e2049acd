package org.panopt.experiments.run;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.ejml.data.DMatrixRMaj;

/**
 * Magnitudes of matrices as grey-scale heat maps, side by side in one PNG (Java2D): |m_ij| on a logarithmic
 * grey scale, white at or below {@code max·10^−decades}, black at the maximum, with one colour bar (labelled in
 * decades) under each panel and dashed lines at layer-block boundaries. All panels share one range — the
 * largest magnitude over the panels — so that they compare directly (the K-FAC paper's figures 2–3 show
 * magnitudes in grey); {@link #separateScales()} gives each panel its own.
 *
 * <p>A matrix larger than the panel is shown at reduced resolution: each pixel is the mean |m_ij| over the
 * f × f entries it covers (f = ⌈n/size⌉); a smaller one is drawn with integer-sized cells. {@link #annotated}
 * panels (a few cells, e.g. block averages) print each value in its cell and use a linear grey scale from 0
 * (white) to their own maximum (black), where differences of a factor 2 stay visible.
 */
public final class MatrixPlot {
    private record Panel(String caption, DMatrixRMaj matrix, int[] offsets, boolean annotate) {}

    private final String title;
    private final List<Panel> panels = new ArrayList<>();
    private double decades = 4;
    private boolean shared = true;
    private int size = 480;

    public MatrixPlot(String title) {
        this.title = title;
    }

    /** A panel showing |m| with dashed lines at {@code offsets} (block boundaries; null for none). */
    public MatrixPlot panel(String caption, DMatrixRMaj m, int[] offsets) {
        return add(new Panel(caption, m, offsets, false));
    }

    /** A small matrix with its values printed in the cells (e.g. block averages). */
    public MatrixPlot annotated(String caption, DMatrixRMaj m) {
        return add(new Panel(caption, m, null, true));
    }

    private MatrixPlot add(Panel p) {
        if (p.matrix.numRows == 0 || p.matrix.numCols == 0) throw new IllegalArgumentException("MatrixPlot '" + p.caption + "': empty matrix");
        panels.add(p);
        return this;
    }

    /** How many decades below the maximum the grey scale spans (default 4). */
    public MatrixPlot decades(double d) {
        if (!(d > 0)) throw new IllegalArgumentException("MatrixPlot: decades " + d + " must be positive");
        decades = d;
        return this;
    }

    /** Each panel scaled to its own maximum. */
    public MatrixPlot separateScales() {
        shared = false;
        return this;
    }

    /** The side of each panel in pixels (default 480). */
    public MatrixPlot panelSize(int pixels) {
        if (pixels < 50) throw new IllegalArgumentException("MatrixPlot: panel size " + pixels + " is too small");
        size = pixels;
        return this;
    }

    public int panelCount() {
        return panels.size();
    }

    /** Renders the panels and writes the PNG atomically. */
    public void savePng(Path file) throws IOException {
        if (panels.isEmpty()) throw new IllegalStateException("MatrixPlot '" + title + "': no panels");
        int margin = 30;
        int top = 70;
        int bar = 70;
        int width = margin + panels.size() * (size + margin);
        int height = top + size + bar + 20;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        centre(g, title, width / 2, 24);
        double sharedMax = 0;
        List<double[][]> pictures = new ArrayList<>();
        for (Panel p : panels) {
            double[][] pic = reduce(p.matrix, size);
            pictures.add(pic);
            sharedMax = Math.max(sharedMax, max(pic));
        }
        for (int k = 0; k < panels.size(); k++) {
            Panel p = panels.get(k);
            double[][] pic = pictures.get(k);
            double vmax = shared && !p.annotate ? sharedMax : max(pic);
            int x0 = margin + k * (size + margin);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            g.setColor(Color.BLACK);
            centre(g, p.caption, x0 + size / 2, top - 12);
            int cells = pic.length;
            int cell = size / cells; // ≥ 1 by construction of reduce
            int drawn = cell * cells;
            int off = (size - drawn) / 2;
            for (int r = 0; r < cells; r++) {
                for (int c = 0; c < pic[r].length; c++) {
                    int rgb = (p.annotate ? linearGrey(pic[r][c], vmax) : grey(pic[r][c], vmax)).getRGB();
                    for (int dy = 0; dy < cell; dy++)
                        for (int dx = 0; dx < cell; dx++) img.setRGB(x0 + off + c * cell + dx, top + off + r * cell + dy, rgb);
                }
            }
            g.setColor(Color.GRAY);
            g.drawRect(x0 + off, top + off, drawn, drawn);
            if (p.offsets != null) {
                int n = Math.max(p.matrix.numRows, p.matrix.numCols);
                double scale = (double) cell / Math.max(1, (n + size - 1) / size); // pixels per entry
                g.setColor(new Color(0xd62728));
                g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {5f, 4f}, 0f));
                for (int b = 1; b + 1 < p.offsets.length; b++) {
                    int at = (int) Math.round(p.offsets[b] * scale);
                    g.drawLine(x0 + off + at, top + off, x0 + off + at, top + off + drawn);
                    g.drawLine(x0 + off, top + off + at, x0 + off + drawn, top + off + at);
                }
                g.setStroke(new BasicStroke(1f));
            }
            if (p.annotate) {
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(9, Math.min(14, cell / 6))));
                for (int r = 0; r < cells; r++) {
                    for (int c = 0; c < pic[r].length; c++) {
                        Color bg = linearGrey(pic[r][c], vmax);
                        g.setColor(bg.getRed() < 128 ? Color.WHITE : Color.BLACK);
                        centre(g, String.format(Locale.ROOT, "%.3g", pic[r][c]), x0 + off + c * cell + cell / 2, top + off + r * cell + cell / 2 + 5);
                    }
                }
            }
            if (p.annotate) linearBar(g, x0, top + size + 18, size, vmax);
            else colourBar(g, x0, top + size + 18, size, vmax);
        }
        g.dispose();
        AtomicFiles.write(file, out -> ImageIO.write(img, "png", out));
    }

    // |m| averaged over f × f cells so that the picture has at most `size` cells a side (f = 1 for small m).
    static double[][] reduce(DMatrixRMaj m, int size) {
        int n = Math.max(m.numRows, m.numCols);
        int f = Math.max(1, (n + size - 1) / size);
        int rows = (m.numRows + f - 1) / f;
        int cols = (m.numCols + f - 1) / f;
        int side = Math.max(rows, cols);
        double[][] out = new double[side][side];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                double s = 0;
                int count = 0;
                for (int i = r * f; i < Math.min(m.numRows, (r + 1) * f); i++) {
                    for (int j = c * f; j < Math.min(m.numCols, (c + 1) * f); j++) {
                        s += Math.abs(m.data[i * m.numCols + j]);
                        count++;
                    }
                }
                out[r][c] = s / count;
            }
        }
        return out;
    }

    private static double max(double[][] pic) {
        double m = 0;
        for (double[] row : pic) for (double v : row) if (Double.isFinite(v)) m = Math.max(m, v);
        return m;
    }

    // White at or below vmax·10^−decades (and for 0 or NaN), black at vmax, linear in log10 between.
    private Color grey(double v, double vmax) {
        if (!(v > 0) || !(vmax > 0)) return Color.WHITE;
        double t = (Math.log10(v) - Math.log10(vmax)) / decades + 1;
        t = Math.max(0, Math.min(1, t));
        int level = (int) Math.round(255 * (1 - t));
        return new Color(level, level, level);
    }

    private static Color linearGrey(double v, double vmax) {
        if (!(v > 0) || !(vmax > 0)) return Color.WHITE;
        int level = (int) Math.round(255 * (1 - Math.min(1, v / vmax)));
        return new Color(level, level, level);
    }

    /** A white-to-black ramp of height h, framed; leaves the pen black with the tick font. */
    private static void greyRamp(Graphics2D g, int x0, int y0, int width, int h) {
        for (int x = 0; x < width; x++) {
            int level = (int) Math.round(255 * (1 - (double) x / (width - 1)));
            g.setColor(new Color(level, level, level));
            g.drawLine(x0 + x, y0, x0 + x, y0 + h);
        }
        g.setColor(Color.GRAY);
        g.drawRect(x0, y0, width - 1, h);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    }

    private static void linearBar(Graphics2D g, int x0, int y0, int width, double vmax) {
        int h = 12;
        greyRamp(g, x0, y0, width, h);
        for (int t = 0; t <= 4; t++) {
            int x = x0 + (int) Math.round(t / 4.0 * (width - 1));
            g.drawLine(x, y0 + h, x, y0 + h + 4);
            centre(g, String.format(Locale.ROOT, "%.3g", vmax * t / 4), x, y0 + h + 16);
        }
        centre(g, "value (linear scale; white = 0, black = max)", x0 + width / 2, y0 + h + 32);
    }

    private void colourBar(Graphics2D g, int x0, int y0, int width, double vmax) {
        int h = 12;
        greyRamp(g, x0, y0, width, h);
        if (!(vmax > 0)) {
            centre(g, "all entries 0", x0 + width / 2, y0 + h + 14);
            return;
        }
        double lo = Math.log10(vmax) - decades;
        double hi = Math.log10(vmax);
        for (int e = (int) Math.ceil(lo); e <= Math.floor(hi); e++) {
            int x = x0 + (int) Math.round((e - lo) / decades * (width - 1));
            g.drawLine(x, y0 + h, x, y0 + h + 4);
            centre(g, "1e" + e, x, y0 + h + 16);
        }
        centre(g, "|entry| (log scale; white ≤ max·1e-" + fmt(decades) + ", black = max " + String.format(Locale.ROOT, "%.3g", vmax) + ")", x0 + width / 2, y0 + h + 32);
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static void centre(Graphics2D g, String s, int x, int y) {
        FontMetrics fm = g.getFontMetrics();
        g.drawString(s, x - fm.stringWidth(s) / 2, y);
    }
}
