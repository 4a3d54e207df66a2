package dev.ingest.bench;

import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import dev.ingest.BurnCpu;
import dev.ingest.Dataset;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.sample.SampleDatasets;
import dev.ingest.tfrecord.sample.SampleKind;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a cache of rows buys: {@code parse_example → map burn_cpu (10 µs a record) → cache (memory)
 * → batch 256}, two epochs in one iterator, several runs in one JVM.
 *
 * <ul>
 *   <li><b>epoch 2 / epoch 1</b> on tabular records: the first epoch reads, parses and burns; the
 *       second gathers the cached rows (target: at least 10x);
 *   <li><b>the cached epoch against the uncached pipeline without the map</b>, for the three
 *       {@code ingest gen} kinds: epoch 2 of each (the uncached one warm too), so the ratio says
 *       whether gathering cached rows is faster than reading and parsing;
 *   <li><b>heap bytes per record in the cached epoch</b>: {@code ThreadMXBean}'s allocated bytes
 *       of every pipeline thread ({@code ingest-*}) and the consumer over epoch 2, divided by its
 *       records (target: under 16).
 * </ul>
 *
 * <pre>
 *   java -cp 'benchmarks.jar:lib/*' dev.ingest.bench.RowCacheProbe [records=100000] [runs=5] \
 *       [micros=10] [cache=memory|files] [out=FILE.md]
 * </pre>
 *
 * {@code records} is tabular's count; image and text take a tenth of it (their records are 20 to
 * 30 times larger). Data is written once to a temporary folder (8 plain shards, seed 42). A probe
 * (median and range of a handful of runs), not a JMH benchmark: one operation is a whole
 * pipeline's life, and the question is a ratio between its two epochs.
 */
public final class RowCacheProbe {
  static final int BATCH_ROWS = 256;
  static final int SHARDS = 8;

  private RowCacheProbe() {}

  /**
   * One run's two epochs: records/s of each, and heap bytes per record of the second; with the
   * cache in files, also the first epoch of a later run that loads them ({@code NaN} otherwise).
   */
  record Epochs(double firstPerSecond, double secondPerSecond, double secondBytesPerRecord,
      double laterRunFirstPerSecond) {
    Epochs(double firstPerSecond, double secondPerSecond, double secondBytesPerRecord) {
      this(firstPerSecond, secondPerSecond, secondBytesPerRecord, Double.NaN);
    }

    Epochs withLaterRun(double perSecond) {
      return new Epochs(firstPerSecond, secondPerSecond, secondBytesPerRecord, perSecond);
    }

    double speedup() {
      return secondPerSecond / firstPerSecond;
    }
  }

  /** One kind's figures over every run. */
  record KindResult(String kind, long records, List<Epochs> cached, List<Epochs> uncached) {}

  public static void main(String[] args) throws IOException {
    Map<String, String> options = ProbeArguments.of(args);
    long records = Long.parseLong(options.getOrDefault("records", "100000"));
    int runs = Integer.parseInt(options.getOrDefault("runs", "5"));
    double micros = Double.parseDouble(options.getOrDefault("micros", "10"));
    boolean files = switch (options.getOrDefault("cache", "memory")) {
      case "memory" -> false;
      case "files" -> true;
      default -> throw new IllegalArgumentException("cache is memory or files");
    };
    String report = render(measure(records, runs, micros, files), micros, files);
    System.out.print(report);
    if (options.containsKey("out")) {
      Files.writeString(Path.of(options.get("out")), report, StandardCharsets.UTF_8);
    }
  }

  /** Writes the data, then runs every kind {@code runs} times, cached and uncached alternating. */
  static List<KindResult> measure(long tabularRecords, int runs, double micros)
      throws IOException {
    return measure(tabularRecords, runs, micros, false);
  }

  /**
   * As {@link #measure(long, int, double)}, with the cache in files when {@code files}: each run
   * fills a fresh prefix, and a later run's first epoch loads it.
   */
  static List<KindResult> measure(long tabularRecords, int runs, double micros, boolean files)
      throws IOException {
    Path directory = Files.createTempDirectory("ingest-row-cache-probe-");
    try {
      Map<SampleKind, Path> data = new LinkedHashMap<>();
      Map<SampleKind, Long> counts = new LinkedHashMap<>();
      for (SampleKind kind : List.of(SampleKind.TABULAR, SampleKind.IMAGE, SampleKind.TEXT)) {
        long records = kind == SampleKind.TABULAR ? tabularRecords
            : Math.max(2L * BATCH_ROWS, tabularRecords / 10);
        Path shards = directory.resolve(kind.name().toLowerCase(Locale.ROOT));
        Files.createDirectories(shards);
        SampleDatasets.write(kind, shards, records, SHARDS, Compression.NONE, 42);
        data.put(kind, shards);
        counts.put(kind, records);
      }
      List<KindResult> results = new ArrayList<>();
      for (SampleKind kind : data.keySet()) {
        List<Epochs> cached = new ArrayList<>();
        List<Epochs> uncached = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
          Dataset parsed = Dataset.tfrecord(data.get(kind).toString())
              .parseExample(kind.exampleSpec());
          Dataset mapped = parsed.map(BurnCpu.NAME, new BurnCpu(micros));
          String prefix = directory.resolve("cache-" + kind + "-" + run).resolve("rows")
              .toString();
          Dataset withCache = (files ? mapped.cache(prefix) : mapped.cache())
              .batch(BATCH_ROWS, false).repeat(2);
          Dataset withoutMap = parsed.batch(BATCH_ROWS, false).repeat(2);
          // A B, B A, ...: a burst of noise does not fall on one side only.
          if (run % 2 == 0) {
            cached.add(cachedRun(withCache, counts.get(kind), files));
            uncached.add(twoEpochs(withoutMap, counts.get(kind)));
          } else {
            uncached.add(twoEpochs(withoutMap, counts.get(kind)));
            cached.add(cachedRun(withCache, counts.get(kind), files));
          }
        }
        results.add(new KindResult(kind.name().toLowerCase(Locale.ROOT), counts.get(kind),
            cached, uncached));
      }
      return results;
    } finally {
      BenchmarkFiles.deleteTree(directory);
    }
  }

  /** Two epochs of {@code dataset}; in files, then a later run's first epoch, which loads them. */
  static Epochs cachedRun(Dataset dataset, long records, boolean files) {
    Epochs epochs = twoEpochs(dataset, records);
    if (!files) {
      return epochs;
    }
    try (BatchIterator batches = dataset.iterator()) {
      long start = System.nanoTime();
      takeEpoch(batches, records);
      return epochs.withLaterRun(records / ((System.nanoTime() - start) / 1e9));
    }
  }

  /**
   * Times each epoch from asking for its first batch to closing its last; counts the heap the
   * pipeline's threads and this one allocate during the second.
   */
  static Epochs twoEpochs(Dataset dataset, long records) {
    try (BatchIterator batches = dataset.iterator()) {
      long start = System.nanoTime();
      takeEpoch(batches, records);
      long firstEnd = System.nanoTime();
      Map<Long, Long> allocatedBefore = allocatedByPipelineThreads();
      takeEpoch(batches, records);
      long secondEnd = System.nanoTime();
      long allocated = allocatedSince(allocatedBefore);
      if (batches.hasNext()) {
        throw new IllegalStateException("a two-epoch pipeline has more than two epochs");
      }
      return new Epochs(records / ((firstEnd - start) / 1e9),
          records / ((secondEnd - firstEnd) / 1e9), (double) allocated / records);
    }
  }

  /** Takes an epoch of {@code records} rows, touching each batch, and checks the count. */
  static void takeEpoch(BatchIterator batches, long records) {
    long rows = 0;
    long labels = 0;
    while (rows < records) {
      try (Batch batch = batches.next()) {
        rows += batch.rows();
        labels += batch.longs("label").get(0);
      }
    }
    if (rows != records || labels < 0) {
      throw new IllegalStateException("an epoch gave " + rows + " rows, expected " + records);
    }
  }

  /** Heap bytes allocated so far by each pipeline thread and this one, by thread id. */
  private static Map<Long, Long> allocatedByPipelineThreads() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Map<Long, Long> allocated = new HashMap<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread == Thread.currentThread() || thread.getName().startsWith("ingest-")) {
        long bytes = threads.getThreadAllocatedBytes(thread.getId());
        if (bytes >= 0) {
          allocated.put(thread.getId(), bytes);
        }
      }
    }
    return allocated;
  }

  /** Bytes allocated since {@code before} (threads started since count from zero). */
  private static long allocatedSince(Map<Long, Long> before) {
    long total = 0;
    for (Map.Entry<Long, Long> now : allocatedByPipelineThreads().entrySet()) {
      total += now.getValue() - before.getOrDefault(now.getKey(), 0L);
    }
    return total;
  }

  /** The report: a Markdown table per question, medians with their range. */
  static String render(List<KindResult> results, double micros) {
    return render(results, micros, false);
  }

  /** As {@link #render(List, double)}; with the cache in files, a column for the later run. */
  static String render(List<KindResult> results, double micros, boolean files) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "# Cache of rows: parse_example → map burn_cpu %s µs →"
        + " cache(%s) → batch %d%n%n", format(micros), files ? "files" : "memory", BATCH_ROWS));
    out.append("| kind | records | runs | epoch 1 rec/s | epoch 2 rec/s | epoch 2 / epoch 1 |"
        + " uncached, no map, epoch 2 rec/s | cached / uncached | heap B/record, cached epoch |"
        + (files ? " later run, epoch 1 rec/s (loads the file) | later run's epoch 1 / epoch 1 |"
            : "") + "\n");
    out.append("|---|---|---|---|---|---|---|---|---|" + (files ? "---|---|" : "") + "\n");
    for (KindResult kind : results) {
      List<Double> first = new ArrayList<>();
      List<Double> second = new ArrayList<>();
      List<Double> speedup = new ArrayList<>();
      List<Double> uncached = new ArrayList<>();
      List<Double> against = new ArrayList<>();
      List<Double> bytes = new ArrayList<>();
      List<Double> later = new ArrayList<>();
      List<Double> laterAgainst = new ArrayList<>();
      for (int run = 0; run < kind.cached().size(); run++) {
        Epochs cached = kind.cached().get(run);
        later.add(cached.laterRunFirstPerSecond());
        laterAgainst.add(cached.laterRunFirstPerSecond() / cached.firstPerSecond());
        first.add(cached.firstPerSecond());
        second.add(cached.secondPerSecond());
        speedup.add(cached.speedup());
        bytes.add(cached.secondBytesPerRecord());
        uncached.add(kind.uncached().get(run).secondPerSecond());
        against.add(cached.secondPerSecond() / kind.uncached().get(run).secondPerSecond());
      }
      out.append(String.format(Locale.ROOT, "| %s | %,d | %d | %s | %s | %s | %s | %s | %s |",
          kind.kind(), kind.records(), kind.cached().size(), spread(first, "%,.0f"),
          spread(second, "%,.0f"), spread(speedup, "%.1f"),
          spread(uncached, "%,.0f"), spread(against, "%.2f"),
          spread(bytes, "%.1f")));
      if (files) {
        out.append(String.format(Locale.ROOT, " %s | %s |", spread(later, "%,.0f"),
            spread(laterAgainst, "%.1f")));
      }
      out.append('\n');
    }
    out.append("\nMedian (min-max) over the runs, one JVM; each run is a fresh pipeline of two"
        + " epochs. Targets: epoch 2 / epoch 1 at least 10 on tabular; heap under 16 B/record.\n");
    return out.toString();
  }

  /** "median (min-max)" of {@code values}, each as {@code pattern} formats it. */
  private static String spread(List<Double> values, String pattern) {
    Spread spread = Spread.of(values);
    return String.format(Locale.ROOT, pattern + " (" + pattern + "-" + pattern + ")",
        spread.median(), spread.min(), spread.max());
  }

  private static String format(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}
