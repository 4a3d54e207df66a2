package dev.ingest.bench;

import dev.ingest.bench.PipelineReport.IdlePoint;
import dev.ingest.bench.PipelineReport.Ratio;
import dev.ingest.bench.PipelineReport.ThroughputRow;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.CategoryItemLabelGenerator;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The report's PNG charts (JFreeChart, headless): per dataset kind, the idle fraction against the
 * step time for ingest, tf.data and the naive loader (medians; log scale for the step); the
 * records/s of every loader per kind; and ingest's speed-ups over tf.data and the naive loader
 * with their ranges, against PERFORMANCE.md's targets. Small enough (800 x 500) to commit under
 * {@code docs/images/}.
 */
final class PipelineCharts {
  static final int WIDTH = 800;
  static final int HEIGHT = 500;
  /** PERFORMANCE.md's end-to-end targets: 4x tf.data on image and tabular, 3x on text and 3x naive. */
  private static final double TARGET_VERSUS_TF_DATA = 4.0;
  private static final double TARGET_VERSUS_NAIVE = 3.0;

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
      String ratios = "speedups.png";
      ChartUtils.saveChartAsPNG(folder.resolve(ratios).toFile(), speedupChart(throughput), WIDTH, HEIGHT);
      written.add(ratios);
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

  /**
   * ingest's records/s over tf.data's (both on all cores) and over the naive loader's, per kind:
   * bars at the ratio of medians, labelled with the widest range the iterations allow, and
   * PERFORMANCE.md's targets as lines.
   */
  static JFreeChart speedupChart(List<ThroughputRow> rows) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    Map<String, String> labels = new HashMap<>();
    for (ThroughputRow row : rows) {
      addRatio(data, labels, row.versusTfDataAllCores(), "ingest / tf.data (all cores)", row.kind());
      addRatio(data, labels, row.versusNaive(), "ingest / naive Java", row.kind());
    }
    JFreeChart chart = ChartFactory.createBarChart(
        "ingest's speed-up end to end (ratio of medians, range over iterations)", "dataset kind",
        "times faster", data, PlotOrientation.VERTICAL, true, false, false);
    chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    CategoryPlot plot = chart.getCategoryPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    plot.addRangeMarker(target(TARGET_VERSUS_TF_DATA, "target vs tf.data (image, tabular)"));
    plot.addRangeMarker(target(TARGET_VERSUS_NAIVE, "target vs naive; vs tf.data on text"));
    BarRenderer renderer = (BarRenderer) plot.getRenderer();
    renderer.setShadowVisible(false);
    renderer.setDefaultItemLabelGenerator(new RangeLabels(labels));
    renderer.setDefaultItemLabelsVisible(true);
    renderer.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    renderer.setDefaultPositiveItemLabelPosition(
        new ItemLabelPosition(ItemLabelAnchor.OUTSIDE12, TextAnchor.BOTTOM_CENTER));
    NumberAxis axis = (NumberAxis) plot.getRangeAxis();
    axis.setUpperMargin(0.15);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  private static void addRatio(DefaultCategoryDataset data, Map<String, String> labels,
      Ratio ratio, String series, String kind) {
    if (ratio.isKnown()) {
      data.addValue(ratio.median(), series, kind);
      labels.put(series + "|" + kind, String.format(Locale.ROOT, "%.2fx (%.2f-%.2f)",
          ratio.median(), ratio.lowest(), ratio.highest()));
    }
  }

  private static ValueMarker target(double value, String label) {
    ValueMarker marker = new ValueMarker(value, Color.DARK_GRAY, new BasicStroke(1.5f,
        BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    marker.setLabel(String.format(Locale.ROOT, "%.0fx: %s", value, label));
    marker.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    marker.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
    marker.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
    return marker;
  }

  /** Labels each bar with its ratio and range, looked up by series and kind. */
  private record RangeLabels(Map<String, String> labels) implements CategoryItemLabelGenerator {
    @Override
    public String generateRowLabel(CategoryDataset dataset, int row) {
      return dataset.getRowKey(row).toString();
    }

    @Override
    public String generateColumnLabel(CategoryDataset dataset, int column) {
      return dataset.getColumnKey(column).toString();
    }

    @Override
    public String generateLabel(CategoryDataset dataset, int row, int column) {
      return labels.get(dataset.getRowKey(row) + "|" + dataset.getColumnKey(column));
    }
  }
}
