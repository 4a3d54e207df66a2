package dev.ingest.bench;

import dev.ingest.bench.JmhResults.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Renders {@link ExampleParseBenchmark}'s and {@link PipelineBenchmark}'s JMH results as Markdown:
 * per dataset kind, records/s of ingest and of the naive Java loader measured in the same run,
 * their ratios, heap bytes allocated per record, and how the pipeline scales with threads.
 *
 * <pre>
 *   java -cp benchmarks.jar dev.ingest.bench.ParseReport OUTPUT.md RESULT.json [RESULT.json ...]
 * </pre>
 */
public final class ParseReport {
  private static final String INGEST = "ExampleParseBenchmark.ingest";
  private static final String NAIVE = "ExampleParseBenchmark.protobufParseFrom";
  private static final String PIPELINE = "PipelineBenchmark.ingest";
  private static final String PIPELINE_NAIVE = "PipelineBenchmark.naiveJava";
  static final List<String> KINDS = List.of("image", "tabular", "text");

  private ParseReport() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: ParseReport OUTPUT.md RESULT.json [RESULT.json ...]");
      System.exit(2);
    }
    List<Path> inputs = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      inputs.add(Path.of(args[i]));
    }
    String report = render(JmhResults.read(inputs));
    Files.writeString(Path.of(args[0]), report);
    System.out.print(report);
  }

  /** One kind's comparison; records/s are spreads over iterations. */
  record Row(String kind, Spread ingest, Spread naive, Spread ingestBytes,
      Optional<Double> ingestHeapPerRecord, Optional<Double> naiveHeapPerRecord) {

    /** ingest's median over the naive median. */
    double ratio() {
      return ingest.median() / naive.median();
    }

    /** The lowest ratio the iterations allow: ingest's worst against the naive best. */
    double lowestRatio() {
      return ingest.min() / naive.max();
    }

    double highestRatio() {
      return ingest.max() / naive.min();
    }
  }

  static List<Row> rows(List<Result> results) {
    List<Row> rows = new ArrayList<>();
    for (String kind : KINDS) {
      Optional<Result> ingest = find(results, INGEST, kind);
      Optional<Result> naive = find(results, NAIVE, kind);
      if (ingest.isEmpty() || naive.isEmpty()) {
        continue;
      }
      rows.add(new Row(kind,
          Spread.of(ingest.get().metric("records")),
          Spread.of(naive.get().metric("records")),
          Spread.of(ingest.get().metric("bytes")),
          FormatReport.heapBytesPerRecord(ingest.get()),
          FormatReport.heapBytesPerRecord(naive.get())));
    }
    return rows;
  }

  /** One kind's end-to-end comparison: the pipeline at 1 thread and at all cores, and naive. */
  record PipelineRow(String kind, Spread oneThread, Spread allCores, Spread naive) {
    double oneThreadRatio() {
      return oneThread.median() / naive.median();
    }

    double allCoresRatio() {
      return allCores.median() / naive.median();
    }

    double scaling() {
      return allCores.median() / oneThread.median();
    }
  }

  static List<PipelineRow> pipelineRows(List<Result> results) {
    List<PipelineRow> rows = new ArrayList<>();
    for (String kind : KINDS) {
      Optional<Result> one = find(results, PIPELINE, kind, "1");
      Optional<Result> all = find(results, PIPELINE, kind, "0");
      Optional<Result> naive = find(results, PIPELINE_NAIVE, kind);
      if (one.isPresent() && all.isPresent() && naive.isPresent()) {
        rows.add(new PipelineRow(kind, Spread.of(one.get().metric("records")),
            Spread.of(all.get().metric("records")), Spread.of(naive.get().metric("records"))));
      }
    }
    return rows;
  }

  static String render(List<Result> results) {
    StringBuilder md = new StringBuilder();
    md.append("# Example parsing: ingest against Example.parseFrom\n\n")
        .append("One thread; batches of ").append(ExampleParseBenchmark.BATCH_ROWS)
        .append(" records held in memory. Medians over iterations, lowest and highest in")
        .append(" brackets; the ratio's range pairs one side's worst iteration with the other's")
        .append(" best.\n\n")
        .append("| kind | ingest records/s | parseFrom records/s | ratio | ingest MB/s |")
        .append(" heap B/record ingest | heap B/record parseFrom |\n")
        .append("|---|---|---|---|---|---|---|\n");
    for (Row row : rows(results)) {
      md.append("| ").append(row.kind())
          .append(" | ").append(thousands(row.ingest()))
          .append(" | ").append(thousands(row.naive()))
          .append(" | ").append(String.format(Locale.ROOT, "%.2fx (%.2f–%.2f)",
              row.ratio(), row.lowestRatio(), row.highestRatio()))
          .append(" | ").append(String.format(Locale.ROOT, "%.0f", row.ingestBytes().median() / 1e6))
          .append(" | ").append(row.ingestHeapPerRecord().map(ParseReport::decimal).orElse(""))
          .append(" | ").append(row.naiveHeapPerRecord().map(ParseReport::decimal).orElse(""))
          .append(" |\n");
    }
    List<PipelineRow> pipeline = pipelineRows(results);
    if (!pipeline.isEmpty()) {
      md.append("\n# End to end: the pipeline against a naive Java loader\n\n")
          .append("Page-cache shards; read, CRCs, parse, batch ").append(PipelineBenchmark.BATCH_ROWS)
          .append(", prefetch; records/s, medians (lowest–highest). The naive loader is one")
          .append(" thread: buffered stream, CRC32C, Example.parseFrom, values copied into arrays.\n\n")
          .append("| kind | ingest, 1 parse thread | ingest, all cores | naive Java | ratio 1 thread |")
          .append(" ratio all cores | all cores / 1 thread |\n")
          .append("|---|---|---|---|---|---|---|\n");
      for (PipelineRow row : pipeline) {
        md.append("| ").append(row.kind())
            .append(" | ").append(thousands(row.oneThread()))
            .append(" | ").append(thousands(row.allCores()))
            .append(" | ").append(thousands(row.naive()))
            .append(String.format(Locale.ROOT, " | %.2fx | %.2fx | %.2fx |%n",
                row.oneThreadRatio(), row.allCoresRatio(), row.scaling()));
      }
    }
    return md.toString();
  }

  private static Optional<Result> find(List<Result> results, String benchmark, String kind) {
    return results.stream()
        .filter(result -> result.benchmark().equals(benchmark))
        .filter(result -> kind.equals(result.param("kind")))
        .findFirst();
  }

  private static Optional<Result> find(
      List<Result> results, String benchmark, String kind, String threads) {
    return results.stream()
        .filter(result -> result.benchmark().equals(benchmark))
        .filter(result -> kind.equals(result.param("kind")))
        .filter(result -> threads.equals(result.param("threads")))
        .findFirst();
  }

  private static String thousands(Spread spread) {
    return String.format(Locale.ROOT, "%,.0f (%,.0f–%,.0f)", spread.median(), spread.min(), spread.max());
  }

  private static String decimal(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }
}
