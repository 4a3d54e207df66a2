package dev.ingest.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The soak's chart (JFreeChart, headless, 800 x 500 like {@link PipelineCharts}): memory in MiB
 * over time above (heap in use and after GC, direct, RSS), threads and file descriptors below,
 * with the start and end windows that {@link SoakCriterion} compares shaded. The CSV keeps
 * every sample.
 *
 * <pre>
 *   java -cp benchmarks.jar dev.ingest.bench.SoakChart SAMPLES.csv OUTPUT.png [TITLE]
 * </pre>
 */
public final class SoakChart {
  private static final Color WINDOW = new Color(0, 90, 200, 28);
  /**
   * Longer runs are drawn in buckets of seconds (memory: each bucket's median; counts: its
   * highest), so that a 30-minute chart stays readable and small enough to commit.
   */
  static final int MAX_POINTS = 200;

  private SoakChart() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2 || args.length > 3) {
      System.err.println("usage: SoakChart SAMPLES.csv OUTPUT.png [TITLE]");
      System.exit(2);
    }
    List<SoakSample> samples = SoakSample.readCsv(Path.of(args[0]));
    write(Path.of(args[1]), samples, SoakCriterion.Bounds.DEFAULT,
        args.length == 3 ? args[2] : "Soak");
  }

  static void write(Path png, List<SoakSample> samples, SoakCriterion.Bounds bounds,
      String title) throws IOException {
    System.setProperty("java.awt.headless", "true");
    ChartUtils.saveChartAsPNG(png.toFile(), chart(samples, bounds, title), PipelineCharts.WIDTH,
        PipelineCharts.HEIGHT, null, false, 9);
  }

  static JFreeChart chart(List<SoakSample> samples, SoakCriterion.Bounds bounds, String title) {
    int bucket = Math.max(1, (samples.size() + MAX_POINTS - 1) / MAX_POINTS);
    XYSeriesCollection memory = new XYSeriesCollection();
    memory.addSeries(medians("heap in use", samples, bucket, SoakSample::heapMiB));
    memory.addSeries(medians("heap after GC", samples, bucket, SoakSample::heapAfterGcMiB));
    memory.addSeries(medians("direct (Netty + JDK)", samples, bucket, SoakSample::directMiB));
    memory.addSeries(medians("RSS", samples, bucket, SoakSample::rssMiB));
    XYSeriesCollection counts = new XYSeriesCollection();
    counts.addSeries(highest("threads", samples, bucket, SoakSample::threads));
    counts.addSeries(highest("file descriptors", samples, bucket, SoakSample::fds));

    NumberAxis time = new NumberAxis("seconds");
    CombinedDomainXYPlot plot = new CombinedDomainXYPlot(time);
    plot.setGap(8);
    XYPlot memoryPlot = subplot(memory, new NumberAxis("MiB"), new Color(230, 150, 150),
        new Color(180, 0, 0), new Color(0, 130, 0), new Color(0, 70, 200));
    XYPlot countPlot = subplot(counts, new NumberAxis("count"), new Color(130, 0, 160),
        new Color(220, 120, 0));
    ((NumberAxis) countPlot.getRangeAxis()).setAutoRangeIncludesZero(true);
    SoakCriterion.Windows windows = SoakCriterion.Windows.of(samples, bounds);
    if (!windows.start().isEmpty()) {
      for (XYPlot each : List.of(memoryPlot, countPlot)) {
        each.addDomainMarker(window(windows.start(), each == memoryPlot ? "start window" : null),
            Layer.BACKGROUND);
        each.addDomainMarker(window(windows.end(), each == memoryPlot ? "end window" : null),
            Layer.BACKGROUND);
      }
    }
    plot.add(memoryPlot, 3);
    plot.add(countPlot, 2);
    JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 14), plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  private static XYPlot subplot(XYSeriesCollection data, NumberAxis axis, Color... colors) {
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    for (int series = 0; series < data.getSeriesCount(); series++) {
      renderer.setSeriesStroke(series, new BasicStroke(1.5f));
      renderer.setSeriesPaint(series, colors[series]);
    }
    XYPlot plot = new XYPlot(data, null, axis, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    return plot;
  }

  private static IntervalMarker window(List<SoakSample> samples, String label) {
    IntervalMarker marker = new IntervalMarker(samples.get(0).seconds(),
        samples.get(samples.size() - 1).seconds(), WINDOW);
    if (label != null) {
      marker.setLabel(label);
      marker.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      marker.setLabelAnchor(RectangleAnchor.TOP);
      marker.setLabelTextAnchor(TextAnchor.TOP_CENTER);
    }
    return marker;
  }

  /** Each bucket's median, at its last second: what the criterion compares for memory. */
  private static XYSeries medians(String name, List<SoakSample> samples, int bucket,
      ToDoubleFunction<SoakSample> value) {
    XYSeries series = new XYSeries(name);
    for (int from = 0; from < samples.size(); from += bucket) {
      List<SoakSample> part = samples.subList(from, Math.min(samples.size(), from + bucket));
      series.add(part.get(part.size() - 1).seconds(), SoakCriterion.median(part, value));
    }
    return series;
  }

  /** Each bucket's highest count, at its last second: what the criterion compares for counts. */
  private static XYSeries highest(String name, List<SoakSample> samples, int bucket,
      ToDoubleFunction<SoakSample> value) {
    XYSeries series = new XYSeries(name);
    for (int from = 0; from < samples.size(); from += bucket) {
      List<SoakSample> part = samples.subList(from, Math.min(samples.size(), from + bucket));
      series.add(part.get(part.size() - 1).seconds(),
          part.stream().mapToDouble(value).max().orElseThrow());
    }
    return series;
  }
}
