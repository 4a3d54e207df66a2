package dev.ingest.bench;

import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import dev.ingest.Dataset;
import dev.ingest.PipelineOptions;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.sample.SampleDatasets;
import dev.ingest.tfrecord.sample.SampleKind;
import java.io.IOException;
import java.io.InputStream;
import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time per record of each pipeline stage thread, the figure that survives a loaded machine:
 * records/s on a shared 2-core machine follows whatever share of the cores the run gets, but the
 * nanoseconds of CPU the source thread spends per record bound the pipeline however many cores
 * are free (one source thread cannot go faster than 1e9 / those nanoseconds records/s).
 *
 * <p>Runs the pipeline {@link PipelineBenchmark} runs (interleave 4x16, batch 256, prefetch 8,
 * repeat forever, no shuffle) on {@code ingest gen} shards, warms up, then measures for a while
 * and prints one line: wall records/s, CPU ns per record of the source thread, the parse
 * threads together, and the consumer, and heap bytes allocated per record by the source and
 * the parse threads. Uses only public API, so it also runs from source against an older
 * benchmarks jar for an A/B comparison:
 *
 * <pre>
 *   java -cp benchmarks.jar StageCpuProbe.java KIND THREADS DATA_DIR [WARMUP_S MEASURE_S [SHUFFLE]]
 * </pre>
 *
 * {@code THREADS} 0 means one parse thread per core; {@code SHUFFLE} is a shuffle buffer's size
 * in records (default 0: none). The shards are written to {@code DATA_DIR}
 * (32 MiB, 8 files) unless it holds them already, and read once before the run.
 */
public final class StageCpuProbe {
  private StageCpuProbe() {}

  public static void main(String[] args) throws IOException {
    SampleKind kind = SampleKind.valueOf(args[0].toUpperCase(Locale.ROOT));
    int threads = Integer.parseInt(args[1]);
    Path data = Path.of(args[2]);
    double warmupSeconds = args.length > 3 ? Double.parseDouble(args[3]) : 3;
    double measureSeconds = args.length > 4 ? Double.parseDouble(args[4]) : 5;
    int shuffleBuffer = args.length > 5 ? Integer.parseInt(args[5]) : 0;
    if (!Files.isDirectory(data)) {
      Path staging = Files.createTempDirectory(data.toAbsolutePath().getParent(), "staging-");
      long records = 32L * 1024 * 1024 / kind.approximateRecordBytes();
      SampleDatasets.write(kind, staging, records, 8, Compression.NONE, 42);
      Files.move(staging, data);
    }
    List<Path> files;
    try (Stream<Path> listed = Files.list(data)) {
      files = listed.filter(path -> path.toString().endsWith(".tfrecord")).sorted().toList();
    }
    byte[] scratch = new byte[256 * 1024];
    for (Path file : files) {
      try (InputStream in = Files.newInputStream(file)) {
        while (in.read(scratch) >= 0) {
          // into the page cache
        }
      }
    }
    ThreadMXBean cpu = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    try (BatchIterator batches = Dataset.tfrecord(data.toString())
        .shuffleFiles(false)
        .interleave(4, 16)
        .parseExample(kind.exampleSpec())
        .shuffle(shuffleBuffer)
        .batch(256, false)
        .prefetch(8)
        .repeat(-1)
        .withOptions(PipelineOptions.defaults().withThreads(threads))
        .iterator()) {
      consume(batches, (long) (warmupSeconds * 1e9));
      Map<String, Long> before = stageCpu(cpu);
      long start = System.nanoTime();
      long records = consume(batches, (long) (measureSeconds * 1e9));
      long wall = System.nanoTime() - start;
      Map<String, Long> after = stageCpu(cpu);
      System.out.printf(Locale.ROOT,
          "%s threads=%d records/s=%.0f source_ns/record=%.1f parse_ns/record=%.1f"
              + " consumer_ns/record=%.1f source_heap_B/record=%.2f parse_heap_B/record=%.2f"
              + " records=%d%n",
          args[0], threads, records / (wall / 1e9),
          perRecord(before, after, "source", records), perRecord(before, after, "parse", records),
          perRecord(before, after, "consumer", records),
          perRecord(before, after, "source_heap", records),
          perRecord(before, after, "parse_heap", records), records);
    }
  }

  private static long consume(BatchIterator batches, long nanos) {
    long records = 0;
    long end = System.nanoTime() + nanos;
    long checksum = 0;
    while (System.nanoTime() < end) {
      try (Batch batch = batches.next()) {
        records += batch.rows();
        checksum += batch.column("label").longs().get(0);
      }
    }
    if (checksum == 42) {
      System.out.print(""); // keep the reads
    }
    return records;
  }

  /**
   * CPU nanoseconds so far of the source, the parse threads together, and this thread; and the
   * heap bytes the source and the parse threads allocated.
   */
  private static Map<String, Long> stageCpu(ThreadMXBean cpu) {
    Map<String, Long> stages = new HashMap<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      String stage = thread.getName().startsWith("ingest-source") ? "source"
          : thread.getName().startsWith("ingest-parse") ? "parse" : null;
      if (stage != null) {
        stages.merge(stage, cpu.getThreadCpuTime(thread.getId()), Long::sum);
        stages.merge(stage + "_heap", cpu.getThreadAllocatedBytes(thread.getId()), Long::sum);
      }
    }
    stages.put("consumer", cpu.getCurrentThreadCpuTime());
    return stages;
  }

  private static double perRecord(Map<String, Long> before, Map<String, Long> after,
      String stage, long records) {
    return (after.getOrDefault(stage, 0L) - before.getOrDefault(stage, 0L)) / (double) records;
  }
}
