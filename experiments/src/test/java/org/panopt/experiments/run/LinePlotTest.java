package org.panopt.experiments.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;

class LinePlotTest {

    @Test
    void bandsKeepEveryMainLineSolidWhileTheColoursLast() {
        double[] x = {1, 2, 3};
        LinePlot plot = new LinePlot("t", "x", "y");
        // 7 series with bands: 21 XChart series, past XChart's own 12-colour cycle
        for (int i = 0; i < 7; i++) plot.points("series " + i, x, new double[] {i + 1, i + 2, i + 3}, new double[] {0.1, 0.1, 0.1});
        XYChart chart = plot.chart(400, 300);
        List<XYSeries> shown = chart.getSeriesCollection().stream().filter(XYSeries::isShowInLegend).toList();
        assertThat(shown).hasSize(7);
        for (XYSeries s : shown) assertThat(s.getLineStyle()).as(s.getName()).isEqualTo(SeriesLines.SOLID);
        List<XYSeries> edges = chart.getSeriesCollection().stream().filter(s -> !s.isShowInLegend()).toList();
        assertThat(edges).hasSize(14);
        for (XYSeries s : edges) assertThat(s.getLineStyle().getDashArray()).as(s.getName()).isNotNull();
    }

    @Test
    void seriesThatRepeatAColourDifferInStroke() {
        double[] x = {1, 2};
        LinePlot plot = new LinePlot("t", "x", "y");
        for (int i = 0; i < 11; i++) plot.line("series " + i, x, new double[] {i, i + 1});
        List<XYSeries> series = List.copyOf(plot.chart(400, 300).getSeriesCollection());
        assertThat(series.get(10).getLineColor()).isEqualTo(series.get(0).getLineColor());
        assertThat(series.get(0).getLineStyle()).isEqualTo(SeriesLines.SOLID);
        assertThat(series.get(10).getLineStyle()).isEqualTo(SeriesLines.DASH_DOT);
    }

    @Test
    void aLogAxisWithoutAPowerOfTenInItsRangeSpansTheEnclosingDecades() {
        assertThat(LinePlot.decadesIfUnlabelled(new double[] {0.11, 0.95, 0.3})).containsExactly(0.1, 1.0);
        assertThat(LinePlot.decadesIfUnlabelled(new double[] {20, 80})).containsExactly(10.0, 100.0);
        assertThat(LinePlot.decadesIfUnlabelled(new double[] {0.05, 2})).as("holds 0.1 and 1").isNull();
        assertThat(LinePlot.decadesIfUnlabelled(new double[] {1, 5})).as("holds 1").isNull();

        double[] x = {0.001, 0.01};
        LinePlot plot = new LinePlot("t", "x", "y").logX().logY().points("a", x, new double[] {0.12, 0.13}, new double[] {0.01, 0.01})
                .points("b", x, new double[] {0.9, 0.8}, null);
        XYChart chart = plot.chart(400, 300);
        assertThat(chart.getStyler().getYAxisMin()).isEqualTo(0.1); // the lower band edge 0.11 is above it
        assertThat(chart.getStyler().getYAxisMax()).isEqualTo(1.0);
        assertThat(chart.getStyler().getXAxisMin()).as("0.001 and 0.01 are labelled already").isNull();
        XYChart linear = new LinePlot("t", "x", "y").line("a", x, new double[] {0.12, 0.9}).chart(400, 300);
        assertThat(linear.getStyler().getYAxisMin()).isNull();
    }
}
