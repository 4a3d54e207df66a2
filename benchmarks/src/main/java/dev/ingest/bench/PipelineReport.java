package dev.ingest.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ingest.bench.JmhResults.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Renders the pipeline suite ({@link IdleTimeBenchmark}, {@link PipelineBenchmark}, {@link
 * HeadroomSearch}) as Markdown, with {@link PipelineCharts} beside it: per dataset kind, the
 * accelerator's idle fraction against its step time for ingest, tf.data and the naive loader;
 * whether ingest keeps a consumer fed at shares of its capacity; records/s and bytes/s end to
 * end with the ratio ingest/tf.data; heap bytes allocated per record. Medians over iterations
 * with the lowest and highest in brackets; a ratio's range pairs one side's worst iteration
 * with the other's best.
 *
 * <pre>
 *   java -cp benchmarks.jar dev.ingest.bench.PipelineReport OUTPUT_DIR HEADROOM.json RESULT.json...
 * </pre>
 *
 * A missing headroom file leaves its table out; several result files (rounds) are merged. Beside
 * {@code pipeline.md} and the charts it writes {@code pipeline.csv}, the figures in the form
 * {@link PipelineFigures} publishes.
 */
public final class PipelineReport {
  static final List<String> KINDS = List.of("image", "tabular", "text");
  static final String ALL_CORES = "0";
  static final String ONE_THREAD = "1";
  private static final String IDLE = "IdleTimeBenchmark.";
  private static final String PIPELINE = "PipelineBenchmark.";

  private PipelineReport() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 3) {
      System.err.println("usage: PipelineReport OUTPUT_DIR HEADROOM.json RESULT.json [RESULT.json ...]");
      System.exit(2);
    }
    Path output = Path.of(args[0]);
    Path headroomFile = Path.of(args[1]);
    List<Path> inputs = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      inputs.add(Path.of(args[i]));
    }
    List<Result> results = JmhResults.read(inputs);
    Optional<JsonNode> headroom = Files.exists(headroomFile)
        ? Optional.of(new ObjectMapper().readTree(headroomFile.toFile()))
        : Optional.empty();
    Files.createDirectories(output);
    List<IdlePoint> idle = idlePoints(results);
    List<ThroughputRow> throughput = throughputRows(results);
    List<String> charts = PipelineCharts.write(output, idle, throughput);
    Files.writeString(output.resolve("pipeline.csv"), PipelineFigures.toCsv(idle, throughput));
    String report = render(results, headroom, charts);
    Files.writeString(output.resolve("pipeline.md"), report);
    System.out.print(report);
  }

  /** The idle fraction and wait per batch of the three feeds at one step time. */
  record IdlePoint(String kind, String threads, long stepMicros, Spread ingest, Spread tfData,
      Spread naive, Spread ingestWait, Spread tfDataWait, Spread naiveWait) {}

  /** Every (kind, pipeline threads, step) measured, in kind and step order. */
  static List<IdlePoint> idlePoints(List<Result> results) {
    List<IdlePoint> points = new ArrayList<>();
    for (String kind : KINDS) {
      TreeSet<String> threads = new TreeSet<>();
      TreeSet<Long> steps = new TreeSet<>();
      for (Result result : results) {
        if (result.benchmark().startsWith(IDLE) && kind.equals(result.param("kind"))) {
          steps.add(Long.parseLong(result.param("stepMicros")));
          if (result.param("threads") != null) {
            threads.add(result.param("threads"));
          }
        }
      }
      for (String thread : threads) {
        for (long step : steps) {
          Optional<Result> ingest = idle(results, "ingest", kind, step, thread);
          Optional<Result> tfData = idle(results, "tfData", kind, step, thread);
          Optional<Result> naive = idle(results, "naive", kind, step, null);
          points.add(new IdlePoint(kind, thread, step,
              metric(ingest, "idleFraction"), metric(tfData, "idleFraction"),
              metric(naive, "idleFraction"), metric(ingest, "waitMicrosPerBatch"),
              metric(tfData, "waitMicrosPerBatch"), metric(naive, "waitMicrosPerBatch")));
        }
      }
    }
    return points;
  }

  /** End to end for one kind: records/s, ingest's bytes/s and heap bytes per record. */
  record ThroughputRow(String kind, Spread ingestOneThread, Spread ingestAllCores,
      Spread tfDataOneThread, Spread tfDataAllCores, Spread naive, Spread ingestBytesAllCores,
      Spread ingestHeapOneThread, Spread ingestHeapAllCores, Spread tfDataHeapAllCores,
      Spread naiveHeap) {

    Ratio versusTfDataAllCores() {
      return Ratio.of(ingestAllCores, tfDataAllCores);
    }

    Ratio versusTfDataOneThread() {
      return Ratio.of(ingestOneThread, tfDataOneThread);
    }

    Ratio versusNaive() {
      return Ratio.of(ingestAllCores, naive);
    }

    Ratio scaling() {
      return Ratio.of(ingestAllCores, ingestOneThread);
    }
  }

  /** A ratio of medians, with the widest range the iterations allow. */
  record Ratio(double median, double lowest, double highest) {
    static Ratio of(Spread top, Spread bottom) {
      return new Ratio(top.median() / bottom.median(), top.min() / bottom.max(),
          top.max() / bottom.min());
    }

    boolean isKnown() {
      return !Double.isNaN(median);
    }
  }

  static List<ThroughputRow> throughputRows(List<Result> results) {
    List<ThroughputRow> rows = new ArrayList<>();
    for (String kind : KINDS) {
      Optional<Result> ingestOne = pipeline(results, "ingest", kind, ONE_THREAD);
      Optional<Result> ingestAll = pipeline(results, "ingest", kind, ALL_CORES);
      Optional<Result> tfOne = pipeline(results, "tfData", kind, ONE_THREAD);
      Optional<Result> tfAll = pipeline(results, "tfData", kind, ALL_CORES);
      Optional<Result> naive = pipeline(results, "naiveJava", kind, null);
      if (ingestOne.isEmpty() && ingestAll.isEmpty()) {
        continue;
      }
      rows.add(new ThroughputRow(kind, metric(ingestOne, "records"), metric(ingestAll, "records"),
          metric(tfOne, "records"), metric(tfAll, "records"), metric(naive, "records"),
          metric(ingestAll, "bytes"), heapPerRecord(ingestOne), heapPerRecord(ingestAll),
          heapPerRecord(tfAll), heapPerRecord(naive)));
    }
    return rows;
  }

  /**
   * Heap bytes allocated per record in each iteration: {@code -prof gc}'s bytes per operation
   * (one pass, all threads of the JVM) over the records of a pass.
   */
  static Spread heapPerRecord(Optional<Result> result) {
    if (result.isEmpty()) {
      return Spread.of(List.of());
    }
    List<Double> perPass = result.get().metric("gc.alloc.rate.norm");
    List<Double> passes = result.get().metric(JmhResults.OPERATIONS);
    List<Double> records = result.get().metric("records");
    List<Double> perRecord = new ArrayList<>();
    if (perPass.size() == passes.size() && passes.size() == records.size()) {
      for (int i = 0; i < perPass.size(); i++) {
        if (records.get(i) > 0) {
          perRecord.add(perPass.get(i) * passes.get(i) / records.get(i));
        }
      }
    }
    return Spread.of(perRecord);
  }

  /**
   * One probe of {@link HeadroomSearch}: the share of the capacity asked for, and per iteration
   * the capacity measured next to it (batches/s), the share achieved and the idle fraction.
   */
  record HeadroomProbe(double load, boolean fed, Spread capacity, Spread achieved, Spread idle) {}

  /** One kind's headroom probes, at one batch size. */
  record Headroom(String kind, int batchSize, List<HeadroomProbe> probes) {
    /** The highest share a fed probe achieved (its median), or NaN when none was fed. */
    double fedShare() {
      return probes.stream().filter(HeadroomProbe::fed)
          .mapToDouble(probe -> probe.achieved().median()).max().orElse(Double.NaN);
    }
  }

  static List<Headroom> headroom(JsonNode root) {
    List<Headroom> rows = new ArrayList<>();
    for (JsonNode kind : root.path("kinds")) {
      List<HeadroomProbe> probes = new ArrayList<>();
      for (JsonNode probe : kind.path("probes")) {
        probes.add(new HeadroomProbe(probe.path("load").asDouble(),
            probe.path("keepsUp").asBoolean(),
            Spread.of(doubles(probe.path("capacityBatchesPerSecond"))),
            Spread.of(doubles(probe.path("achievedLoads"))),
            Spread.of(doubles(probe.path("idleFractions")))));
      }
      rows.add(new Headroom(kind.path("kind").asText(), kind.path("batchSize").asInt(), probes));
    }
    return rows;
  }

  static String render(List<Result> results, Optional<JsonNode> headroom, List<String> charts) {
    StringBuilder md = new StringBuilder();
    md.append("# The pipeline against tf.data and a naive loader\n\n")
        .append("Medians over iterations, lowest and highest in brackets; a ratio's range pairs")
        .append(" one side's worst iteration with the other's best. Same shards, same run.\n");
    renderIdle(md, idlePoints(results));
    headroom.ifPresent(root -> renderHeadroom(md, headroom(root)));
    renderThroughput(md, throughputRows(results));
    if (!charts.isEmpty()) {
      md.append("\n## Charts\n\n");
      charts.forEach(chart -> md.append("![").append(chart).append("](").append(chart).append(")\n"));
    }
    return md.toString();
  }

  private static void renderIdle(StringBuilder md, List<IdlePoint> points) {
    if (points.isEmpty()) {
      return;
    }
    md.append("\n## Accelerator idle time\n\n")
        .append("A simulated accelerator parks for the step time per batch; idle fraction =")
        .append(" wait / (wait + step). naive: the consumer reads and parses each batch itself")
        .append(" (one thread, no prefetch). threads: the pipelines' threads (0: all cores).\n\n")
        .append("| kind | threads | step µs | idle ingest | idle tf.data | idle naive |")
        .append(" wait µs/batch ingest | wait µs/batch tf.data | wait µs/batch naive |\n")
        .append("|---|---|---|---|---|---|---|---|---|\n");
    for (IdlePoint point : points) {
      md.append("| ").append(point.kind()).append(" | ").append(point.threads())
          .append(" | ").append(point.stepMicros())
          .append(" | ").append(percent(point.ingest()))
          .append(" | ").append(percent(point.tfData()))
          .append(" | ").append(percent(point.naive()))
          .append(" | ").append(decimal(point.ingestWait()))
          .append(" | ").append(decimal(point.tfDataWait()))
          .append(" | ").append(decimal(point.naiveWait()))
          .append(" |\n");
    }
  }

  private static void renderHeadroom(StringBuilder md, List<Headroom> rows) {
    md.append("\n## Headroom\n\n")
        .append("Before each iteration the consumer takes batches flat out for a second: the")
        .append(" capacity of that moment. The iteration then asks for a share of it (a step of")
        .append(" 1 / (share × capacity) per batch). Achieved: the iteration's batches/s over that")
        .append(" capacity. Fed: the median idle fraction stayed under ")
        .append(HeadroomSearch.IDLE_BAR_PERCENT).append("%. Ingest, all cores.\n\n")
        .append("| kind | batch | asked | capacity records/s | achieved | idle | fed |\n")
        .append("|---|---|---|---|---|---|---|\n");
    for (Headroom row : rows) {
      for (HeadroomProbe probe : row.probes()) {
        md.append("| ").append(row.kind())
            .append(" | ").append(row.batchSize())
            .append(" | ").append(String.format(Locale.ROOT, "%.0f%%", 100 * probe.load()))
            .append(" | ").append(thousands(probe.capacity().scaled(row.batchSize())))
            .append(" | ").append(share(probe.achieved()))
            .append(" | ").append(percent(probe.idle()))
            .append(" | ").append(probe.fed() ? "yes" : "no")
            .append(" |\n");
      }
    }
    md.append("\nHeadroom, the highest share achieved where fed:");
    for (Headroom row : rows) {
      md.append(" ").append(row.kind()).append(" ").append(Double.isNaN(row.fedShare()) ? "none"
          : String.format(Locale.ROOT, "%.0f%%", 100 * row.fedShare())).append(";");
    }
    md.setLength(md.length() - 1);
    md.append(".\n");
  }

  private static void renderThroughput(StringBuilder md, List<ThroughputRow> rows) {
    if (rows.isEmpty()) {
      return;
    }
    md.append("\n## Throughput end to end\n\n")
        .append("Records/s: read, CRCs, parse, batch ").append(PipelineBenchmark.BATCH_ROWS)
        .append(", prefetch ").append(PipelineBenchmark.PREFETCH)
        .append(", page-cache shards; tf.data with the same threads (1, or all cores).\n\n")
        .append("| kind | ingest 1 thread | ingest all cores | tf.data 1 thread | tf.data all cores |")
        .append(" naive | ingest / tf.data, 1 thread | ingest / tf.data, all cores |")
        .append(" ingest / naive | all cores / 1 thread | ingest MB/s |\n")
        .append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (ThroughputRow row : rows) {
      md.append("| ").append(row.kind())
          .append(" | ").append(thousands(row.ingestOneThread()))
          .append(" | ").append(thousands(row.ingestAllCores()))
          .append(" | ").append(thousands(row.tfDataOneThread()))
          .append(" | ").append(thousands(row.tfDataAllCores()))
          .append(" | ").append(thousands(row.naive()))
          .append(" | ").append(ratio(row.versusTfDataOneThread()))
          .append(" | ").append(ratio(row.versusTfDataAllCores()))
          .append(" | ").append(ratio(row.versusNaive()))
          .append(" | ").append(ratio(row.scaling()))
          .append(" | ").append(row.ingestBytesAllCores().isEmpty() ? "–"
              : whole(row.ingestBytesAllCores().median() / 1e6))
          .append(" |\n");
    }
    md.append("\n## Heap allocation\n\n")
        .append("Bytes allocated on the Java heap per record (`-prof gc` `gc.alloc.rate.norm`, all")
        .append(" threads, over the records of a pass). tf.data's own buffers are native memory and")
        .append(" do not show; its figure is what driving it from Java allocates.\n\n")
        .append("| kind | ingest 1 thread | ingest all cores | tf.data all cores | naive |\n")
        .append("|---|---|---|---|---|\n");
    for (ThroughputRow row : rows) {
      md.append("| ").append(row.kind())
          .append(" | ").append(decimal(row.ingestHeapOneThread()))
          .append(" | ").append(decimal(row.ingestHeapAllCores()))
          .append(" | ").append(decimal(row.tfDataHeapAllCores()))
          .append(" | ").append(decimal(row.naiveHeap()))
          .append(" |\n");
    }
  }

  private static Optional<Result> idle(List<Result> results, String method, String kind,
      long step, String threads) {
    return results.stream()
        .filter(result -> result.benchmark().equals(IDLE + method))
        .filter(result -> kind.equals(result.param("kind")))
        .filter(result -> Long.toString(step).equals(result.param("stepMicros")))
        .filter(result -> threads == null || threads.equals(result.param("threads")))
        .findFirst();
  }

  private static Optional<Result> pipeline(List<Result> results, String method, String kind,
      String threads) {
    return results.stream()
        .filter(result -> result.benchmark().equals(PIPELINE + method))
        .filter(result -> kind.equals(result.param("kind")))
        .filter(result -> threads == null || threads.equals(result.param("threads")))
        .findFirst();
  }

  private static Spread metric(Optional<Result> result, String name) {
    return Spread.of(result.map(r -> r.metric(name)).orElse(List.of()));
  }

  private static List<Double> doubles(JsonNode array) {
    List<Double> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asDouble()));
    return values;
  }

  static String percent(Spread spread) {
    return spread.isEmpty() ? "–" : String.format(Locale.ROOT, "%.2f%% (%.2f–%.2f)",
        100 * spread.median(), 100 * spread.min(), 100 * spread.max());
  }

  private static String decimal(Spread spread) {
    return spread.isEmpty() ? "–" : String.format(Locale.ROOT, "%.1f (%.1f–%.1f)",
        spread.median(), spread.min(), spread.max());
  }

  private static String thousands(Spread spread) {
    return spread.isEmpty() ? "–" : String.format(Locale.ROOT, "%,.0f (%,.0f–%,.0f)",
        spread.median(), spread.min(), spread.max());
  }

  private static String ratio(Ratio ratio) {
    return ratio.isKnown() ? String.format(Locale.ROOT, "%.2fx (%.2f–%.2f)",
        ratio.median(), ratio.lowest(), ratio.highest()) : "–";
  }

  private static String share(Spread spread) {
    return spread.isEmpty() ? "–" : String.format(Locale.ROOT, "%.0f%% (%.0f–%.0f)",
        100 * spread.median(), 100 * spread.min(), 100 * spread.max());
  }

  private static String whole(double value) {
    return String.format(Locale.ROOT, "%,.0f", value);
  }
}
