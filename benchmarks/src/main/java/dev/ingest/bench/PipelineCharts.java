package dev.ingest.bench;

import dev.ingest.bench.PipelineReport.IdlePoint;
import dev.ingest.bench.PipelineReport.ThroughputRow;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ChartFactory;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The report's PNG charts (JFreeChart, headless): per dataset kind, the idle fraction against the
 * step time for ingest, tf.data and the naive loader (medians; log scale for the step), and the
 * records/s of every loader per kind.
 */
final class PipelineCharts {
  static final int WIDTH = 800;
  static final int HEIGHT = 500;

  private PipelineCharts() {}

  /** Writes the charts the data allows into {@code folder}; returns their file names. */
  static List<String> write(Path folder, List<IdlePoint> idle, List<ThroughputRow> throughput)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    List<String> written = new ArrayList<>();
    for (String kind : PipelineReport.KINDS) {
      List<IdlePoint> points = idle.stream()
          .filter(point -> point.kind().equals(kind))
          .filter(point -> point.threads().equals(PipelineReport.ALL_CORES)
              || idle.stream().noneMatch(p -> p.kind().equals(kind)
                  && p.threads().equals(PipelineReport.ALL_CORES)))
          .toList();
      if (points.isEmpty()) {
        continue;
      }
      String name = "idle-" + kind + ".png";
      ChartUtils.saveChartAsPNG(folder.resolve(name).toFile(), idleChart(kind, points), WIDTH, HEIGHT);
      written.add(name);
    }
    if (!throughput.isEmpty()) {
      String name = "throughput.png";
      ChartUtils.saveChartAsPNG(folder.resolve(name).toFile(), throughputChart(throughput), WIDTH, HEIGHT);
      written.add(name);
    }
    return written;
  }

  static JFreeChart idleChart(String kind, List<IdlePoint> points) {
    XYSeriesCollection series = new XYSeriesCollection();
    addSeries(series, "ingest", points, IdlePoint::ingest);
    addSeries(series, "tf.data", points, IdlePoint::tfData);
    addSeries(series, "naive (inline, 1 thread)", points, IdlePoint::naive);
    // Ticks at 100, 200, ... 1000 read as step times; LogAxis would label them 10^2.4.
    LogarithmicAxis step = new LogarithmicAxis("step time per batch (µs, log scale)");
    step.setStrictValuesFlag(false);
    NumberAxis idle = new NumberAxis("accelerator idle fraction (median)");
    idle.setRange(0, 1);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    XYPlot plot = new XYPlot(series, step, idle, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    JFreeChart chart = new JFreeChart("Idle fraction against step time: " + kind,
        JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  private static void addSeries(XYSeriesCollection collection, String name,
      List<IdlePoint> points, Function<IdlePoint, Spread> value) {
    XYSeries series = new XYSeries(name);
    for (IdlePoint point : points) {
      Spread spread = value.apply(point);
      if (!spread.isEmpty()) {
        series.add(point.stepMicros(), spread.median());
      }
    }
    if (!series.isEmpty()) {
      collection.addSeries(series);
    }
  }

  static JFreeChart throughputChart(List<ThroughputRow> rows) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (ThroughputRow row : rows) {
      add(data, row.ingestOneThread(), "ingest, 1 thread", row.kind());
      add(data, row.ingestAllCores(), "ingest, all cores", row.kind());
      add(data, row.tfDataOneThread(), "tf.data, 1 thread", row.kind());
      add(data, row.tfDataAllCores(), "tf.data, all cores", row.kind());
      add(data, row.naive(), "naive Java", row.kind());
    }
    JFreeChart chart = ChartFactory.createBarChart("Records per second end to end (medians)",
        "dataset kind", "thousand records/s", data, PlotOrientation.VERTICAL, true, false, false);
    CategoryPlot plot = chart.getCategoryPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    ((BarRenderer) plot.getRenderer()).setShadowVisible(false);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  private static void add(DefaultCategoryDataset data, Spread spread, String series, String kind) {
    if (!spread.isEmpty()) {
      data.addValue(spread.median() / 1e3, series, kind);
    }
  }
}
