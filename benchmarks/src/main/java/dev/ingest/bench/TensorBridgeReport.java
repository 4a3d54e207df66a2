package dev.ingest.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Renders {@link TensorBridgeBenchmark}'s JMH JSON as Markdown: per batch size, each way's time
 * per batch (median and range over the iterations), the copy's own cost (the way's time minus
 * {@code allocateOnly}'s) and how many times faster the bridge is than the naive path. On a shared,
 * noisy machine the ratio from one run is the figure to trust, not the absolute times.
 *
 * <pre>
 *   java -cp benchmarks.jar dev.ingest.bench.TensorBridgeReport OUT.md RESULTS.json...
 * </pre>
 */
public final class TensorBridgeReport {
  private static final String CLASS = "TensorBridgeBenchmark.";

  private TensorBridgeReport() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: TensorBridgeReport OUT.md RESULTS.json...");
      System.exit(2);
    }
    List<Path> inputs = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      inputs.add(Path.of(args[i]));
    }
    String markdown = render(JmhResults.read(inputs));
    Files.writeString(Path.of(args[0]), markdown);
    System.out.print(markdown);
  }

  static String render(List<JmhResults.Result> results) {
    StringBuilder out = new StringBuilder();
    out.append("# Batch into tensors: the bridge against TensorFlow Java's own copy\n\n");
    out.append("Tabular batch (`features` float32 [32] and `label` int64 per row), made into"
        + " tensors and the tensors closed; times per batch, median [min, max] over the"
        + " iterations.\n\n");
    out.append("| rows | bridge µs | naive µs | allocate only µs | bridge copy µs | naive copy µs"
        + " | bridge speed-up (median [range]) |\n");
    out.append("|---:|---:|---:|---:|---:|---:|---:|\n");
    TreeSet<Integer> sizes = new TreeSet<>();
    for (JmhResults.Result result : results) {
      if (result.benchmark().startsWith(CLASS) && result.param("rows") != null) {
        sizes.add(Integer.parseInt(result.param("rows")));
      }
    }
    for (int rows : sizes) {
      Spread bridge = micros(results, "bridge", rows);
      Spread naive = micros(results, "naive", rows);
      Spread allocate = micros(results, "allocateOnly", rows);
      out.append(String.format(Locale.ROOT,
          "| %d | %s | %s | %s | %.2f | %.2f | %.1fx [%.1f, %.1f] |%n", rows, text(bridge),
          text(naive), text(allocate), bridge.median() - allocate.median(),
          naive.median() - allocate.median(), naive.median() / bridge.median(),
          naive.min() / bridge.max(), naive.max() / bridge.min()));
    }
    return out.toString();
  }

  /** Microseconds per batch, from the per-iteration operations per second. */
  private static Spread micros(List<JmhResults.Result> results, String method, int rows) {
    for (JmhResults.Result result : results) {
      if (result.benchmark().equals(CLASS + method)
          && String.valueOf(rows).equals(result.param("rows"))) {
        List<Double> perBatch = new ArrayList<>();
        for (double opsPerSecond : result.metric(JmhResults.OPERATIONS)) {
          perBatch.add(1e6 / opsPerSecond);
        }
        return Spread.of(perBatch);
      }
    }
    return Spread.of(List.of());
  }

  private static String text(Spread spread) {
    return String.format(Locale.ROOT, "%.2f [%.2f, %.2f]", spread.median(), spread.min(),
        spread.max());
  }

}
