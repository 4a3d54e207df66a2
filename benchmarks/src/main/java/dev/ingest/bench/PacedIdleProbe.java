package dev.ingest.bench;

import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import dev.ingest.Dataset;
import dev.ingest.PipelineOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where a paced consumer's idle time comes from. Runs {@link IdleTimeBenchmark}'s ingest feed
 * (interleave 4x16, prefetch 8, repeat forever) with a consumer that takes no step while it
 * warms up, then parks {@code STEP_MICROS} per batch ({@link CompensatedPark}), and prints every
 * second: the idle fraction and records/s, and for each pipeline thread its CPU time and the
 * time it was runnable but waiting for a core (Linux's {@code /proc/self/task/ID/schedstat}; left
 * out where there is none). At the end, the idle fraction, the step and the batch's {@code
 * close()} per batch, and the wait per batch (median, 90th and 99th percentile, maximum) over the
 * whole measurement.
 *
 * <pre>
 *   INGEST_BENCH_DATA=DIR java -cp 'benchmarks.jar:lib/*' dev.ingest.bench.PacedIdleProbe \
 *       KIND STEP_MICROS [BATCH_SIZE [THREADS [WARMUP_S [MEASURE_S]]]]
 * </pre>
 *
 * Defaults: batches of 256, all cores, 10 s of warm-up, 8 s measured. Shards as {@link
 * SampleShards} writes them (32 MiB). Not a JMH benchmark: one JVM and one long measurement, for
 * finding causes; the figures to quote come from {@link HeadroomSearch}.
 */
public final class PacedIdleProbe {
  private PacedIdleProbe() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: PacedIdleProbe KIND STEP_MICROS [BATCH_SIZE [THREADS"
          + " [WARMUP_S [MEASURE_S]]]]");
      System.exit(2);
    }
    SampleShards data = new SampleShards();
    data.kind = args[0];
    data.dataMiB = 32;
    data.compression = "none";
    long stepNanos = Long.parseLong(args[1]) * 1000;
    int batchSize = args.length > 2 ? Integer.parseInt(args[2]) : 256;
    int threads = args.length > 3 ? Integer.parseInt(args[3]) : 0;
    long warmupNanos = (long) ((args.length > 4 ? Double.parseDouble(args[4]) : 10) * 1e9);
    long measureNanos = (long) ((args.length > 5 ? Double.parseDouble(args[5]) : 8) * 1e9);
    data.write();
    data.warmPageCache();
    try (BatchIterator batches = Dataset.tfrecord(data.folder())
        .shuffleFiles(false)
        .interleave(4, 16)
        .parseExample(data.spec())
        .batch(batchSize, false)
        .prefetch(8)
        .repeat(-1)
        .withOptions(PipelineOptions.defaults().withThreads(threads))
        .iterator()) {
      long warmEnd = System.nanoTime() + warmupNanos;
      while (System.nanoTime() < warmEnd) {
        batches.next().close();
      }
      measure(batches, stepNanos, measureNanos);
    } finally {
      data.delete();
    }
  }

  private static void measure(BatchIterator batches, long stepNanos, long measureNanos)
      throws IOException {
    CompensatedPark park = new CompensatedPark();
    ThreadTimes threadTimes = new ThreadTimes();
    threadTimes.sinceLast();
    long[] waits = new long[1 << 20];
    int count = 0;
    long totalWait = 0;
    long totalStep = 0;
    long totalClose = 0;
    long rows = 0;
    long start = System.nanoTime();
    long windowStart = start;
    long windowWait = 0;
    long windowRows = 0;
    while (System.nanoTime() - start < measureNanos && count < waits.length) {
      long asked = System.nanoTime();
      Batch batch = batches.next();
      long wait = System.nanoTime() - asked;
      rows += batch.rows();
      windowRows += batch.rows();
      long closing = System.nanoTime();
      batch.close();
      totalClose += System.nanoTime() - closing;
      waits[count++] = wait;
      totalWait += wait;
      windowWait += wait;
      totalStep += park.step(stepNanos);
      long now = System.nanoTime();
      if (now - windowStart >= 1_000_000_000L) {
        System.out.printf(Locale.ROOT, "second: idle %.2f%%, %,.0f records/s; %s%n",
            100.0 * windowWait / (now - windowStart), windowRows * 1e9 / (now - windowStart),
            threadTimes.sinceLast());
        windowStart = now;
        windowWait = 0;
        windowRows = 0;
      }
    }
    long elapsed = System.nanoTime() - start;
    long[] sorted = Arrays.copyOf(waits, count);
    Arrays.sort(sorted);
    System.out.printf(Locale.ROOT, "measured %d batches: %,.0f records/s, idle %.3f%%,"
            + " step %.1f µs and close %.1f µs a batch;"
            + " wait µs: median %.1f, p90 %.1f, p99 %.1f, max %.1f%n",
        count, rows * 1e9 / elapsed, 100.0 * totalWait / Math.max(1, totalWait + totalStep),
        totalStep / 1e3 / Math.max(1, count), totalClose / 1e3 / Math.max(1, count),
        sorted[count / 2] / 1e3, sorted[count * 9 / 10] / 1e3, sorted[count * 99 / 100] / 1e3,
        sorted[count - 1] / 1e3);
  }

  /** Per pipeline thread: CPU time and time runnable but not running, from the scheduler. */
  private static final class ThreadTimes {
    private static final Path TASKS = Path.of("/proc/self/task");
    private final Map<String, long[]> last = new HashMap<>();

    /** Milliseconds on a core and waiting for one, per ingest thread, since the last call. */
    String sinceLast() throws IOException {
      if (!Files.isDirectory(TASKS)) {
        return "no scheduler statistics here";
      }
      StringBuilder out = new StringBuilder();
      List<Path> tasks;
      try (Stream<Path> listed = Files.list(TASKS)) {
        tasks = listed.sorted().toList();
      }
      for (Path task : tasks) {
        String name;
        String[] fields;
        try {
          name = Files.readString(task.resolve("comm")).trim();
          fields = Files.readString(task.resolve("schedstat")).trim().split(" ");
        } catch (IOException ended) {
          continue; // the thread ended since the listing
        }
        if (!name.startsWith("ingest")) {
          continue;
        }
        long[] now = {Long.parseLong(fields[0]), Long.parseLong(fields[1])};
        long[] before = last.getOrDefault(task.getFileName().toString(), new long[2]);
        last.put(task.getFileName().toString(), now);
        out.append(String.format(Locale.ROOT, "%s on a core %d ms, waiting for one %d ms; ",
            name, (now[0] - before[0]) / 1_000_000, (now[1] - before[1]) / 1_000_000));
      }
      return out.toString();
    }
  }
}
