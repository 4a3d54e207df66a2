package dev.ingest.bench;

import dev.ingest.bench.PipelineReport.IdlePoint;
import dev.ingest.bench.PipelineReport.ThroughputRow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The pipeline suite's figures as a small CSV, the form in which a run is published: the
 * committed {@code benchmarks/published/pipeline.csv} holds the run that {@code
 * benchmarks/README.md}'s headline table quotes, and the charts under {@code docs/images/} are
 * drawn from it ({@link PublishedCharts}), so the charts a reader sees and the figures beside
 * them come from one run. JMH's own JSON is far larger and is not committed.
 *
 * <p>One line per measured spread: {@code figure,kind,threads,step_micros,feed,median,min,max,count},
 * where {@code figure} is {@code idle_fraction}, {@code wait_micros}, {@code records_per_second}
 * or {@code heap_bytes_per_record}; {@code threads} is the pipeline's (1, or 0 for all cores;
 * empty for the naive loader, which has one); {@code step_micros} is empty for the end-to-end
 * figures. Lines starting with {@code #} are notes: when, where and how the run was measured.
 */
final class PipelineFigures {
  static final String HEADER = "figure,kind,threads,step_micros,feed,median,min,max,count";
  static final String IDLE = "idle_fraction";
  static final String WAIT = "wait_micros";
  static final String RECORDS = "records_per_second";
  static final String HEAP = "heap_bytes_per_record";
  static final String INGEST = "ingest";
  static final String TF_DATA = "tfData";
  static final String NAIVE = "naive";
  private static final String NOTE = "#";

  /** A published run: its notes, and its figures in the report's own shapes. */
  record Figures(List<String> notes, List<IdlePoint> idle, List<ThroughputRow> throughput) {}

  private PipelineFigures() {}

  /** The CSV of a run's figures: the header, then one line per non-empty spread. */
  static String toCsv(List<IdlePoint> idle, List<ThroughputRow> throughput) {
    StringBuilder csv = new StringBuilder(HEADER).append('\n');
    for (IdlePoint point : idle) {
      String step = Long.toString(point.stepMicros());
      line(csv, IDLE, point.kind(), point.threads(), step, INGEST, point.ingest());
      line(csv, IDLE, point.kind(), point.threads(), step, TF_DATA, point.tfData());
      line(csv, IDLE, point.kind(), "", step, NAIVE, point.naive());
      line(csv, WAIT, point.kind(), point.threads(), step, INGEST, point.ingestWait());
      line(csv, WAIT, point.kind(), point.threads(), step, TF_DATA, point.tfDataWait());
      line(csv, WAIT, point.kind(), "", step, NAIVE, point.naiveWait());
    }
    for (ThroughputRow row : throughput) {
      String one = PipelineReport.ONE_THREAD;
      String all = PipelineReport.ALL_CORES;
      line(csv, RECORDS, row.kind(), one, "", INGEST, row.ingestOneThread());
      line(csv, RECORDS, row.kind(), all, "", INGEST, row.ingestAllCores());
      line(csv, RECORDS, row.kind(), one, "", TF_DATA, row.tfDataOneThread());
      line(csv, RECORDS, row.kind(), all, "", TF_DATA, row.tfDataAllCores());
      line(csv, RECORDS, row.kind(), "", "", NAIVE, row.naive());
      line(csv, HEAP, row.kind(), one, "", INGEST, row.ingestHeapOneThread());
      line(csv, HEAP, row.kind(), all, "", INGEST, row.ingestHeapAllCores());
      line(csv, HEAP, row.kind(), all, "", TF_DATA, row.tfDataHeapAllCores());
      line(csv, HEAP, row.kind(), "", "", NAIVE, row.naiveHeap());
    }
    return csv.toString();
  }

  private static void line(StringBuilder csv, String figure, String kind, String threads,
      String step, String feed, Spread spread) {
    if (spread.isEmpty()) {
      return;
    }
    csv.append(String.join(",", figure, kind, threads, step, feed,
            number(spread.median()), number(spread.min()), number(spread.max()),
            Integer.toString(spread.count())))
        .append('\n');
  }

  /** Plain decimal notation with enough digits that a read-back spread equals the written one. */
  private static String number(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? Long.toString((long) value)
        : String.format(Locale.ROOT, "%s", value);
  }

  static Figures read(Path file) throws IOException {
    return parse(Files.readAllLines(file));
  }

  /**
   * The figures of a CSV written by {@link #toCsv} (notes kept). A figure the file lacks reads
   * as an empty spread, as a benchmark that did not run does in the report.
   */
  static Figures parse(List<String> lines) {
    List<String> notes = new ArrayList<>();
    Map<String, Spread> spreads = new LinkedHashMap<>();
    Set<String> kinds = new LinkedHashSet<>();
    Map<String, Set<String>> idleKeys = new LinkedHashMap<>();
    for (String line : lines) {
      if (line.startsWith(NOTE)) {
        notes.add(line.substring(1).strip());
        continue;
      }
      if (line.isBlank() || line.equals(HEADER)) {
        continue;
      }
      String[] cells = line.split(",", -1);
      if (cells.length != 9) {
        throw new IllegalArgumentException("expected 9 cells (" + HEADER + "): " + line);
      }
      String kind = cells[1];
      kinds.add(kind);
      if (cells[0].equals(IDLE) || cells[0].equals(WAIT)) {
        if (!cells[2].isEmpty()) {
          idleKeys.computeIfAbsent(kind, k -> new LinkedHashSet<>()).add(cells[2] + "," + cells[3]);
        }
      }
      spreads.put(key(cells[0], kind, cells[2], cells[3], cells[4]),
          new Spread(Double.parseDouble(cells[5]), Double.parseDouble(cells[6]),
              Double.parseDouble(cells[7]), Integer.parseInt(cells[8])));
    }
    List<IdlePoint> idle = new ArrayList<>();
    List<ThroughputRow> throughput = new ArrayList<>();
    for (String kind : kinds) {
      for (String threadsAndStep : idleKeys.getOrDefault(kind, Set.of())) {
        String threads = threadsAndStep.substring(0, threadsAndStep.indexOf(','));
        String step = threadsAndStep.substring(threadsAndStep.indexOf(',') + 1);
        idle.add(new IdlePoint(kind, threads, Long.parseLong(step),
            get(spreads, IDLE, kind, threads, step, INGEST),
            get(spreads, IDLE, kind, threads, step, TF_DATA),
            get(spreads, IDLE, kind, "", step, NAIVE),
            get(spreads, WAIT, kind, threads, step, INGEST),
            get(spreads, WAIT, kind, threads, step, TF_DATA),
            get(spreads, WAIT, kind, "", step, NAIVE)));
      }
      String one = PipelineReport.ONE_THREAD;
      String all = PipelineReport.ALL_CORES;
      ThroughputRow row = new ThroughputRow(kind,
          get(spreads, RECORDS, kind, one, "", INGEST), get(spreads, RECORDS, kind, all, "", INGEST),
          get(spreads, RECORDS, kind, one, "", TF_DATA),
          get(spreads, RECORDS, kind, all, "", TF_DATA), get(spreads, RECORDS, kind, "", "", NAIVE),
          Spread.of(List.of()), get(spreads, HEAP, kind, one, "", INGEST),
          get(spreads, HEAP, kind, all, "", INGEST), get(spreads, HEAP, kind, all, "", TF_DATA),
          get(spreads, HEAP, kind, "", "", NAIVE));
      if (!row.ingestOneThread().isEmpty() || !row.ingestAllCores().isEmpty()) {
        throughput.add(row);
      }
    }
    return new Figures(List.copyOf(notes), idle, throughput);
  }

  private static Spread get(Map<String, Spread> spreads, String figure, String kind,
      String threads, String step, String feed) {
    return spreads.getOrDefault(key(figure, kind, threads, step, feed), Spread.of(List.of()));
  }

  private static String key(String figure, String kind, String threads, String step, String feed) {
    return String.join(",", figure, kind, threads, step, feed);
  }
}
