package dev.ingest.runtime;

import dev.ingest.BatchIterator;
import dev.ingest.Dataset;
import dev.ingest.PipelineOptions;
import dev.ingest.Row;
import dev.ingest.RowMapper;
import dev.ingest.Versioned;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The child JVM of {@link RowCacheKillTest}: runs a pipeline with a cache of rows in files, takes
 * two batches, says so on a line of its own, and waits to be killed.
 */
final class RowCacheChild {
  static final String RUNNING = "running";
  /** Printed by a child that fills first, once the fill's journal has published two parts. */
  static final String TWO_PARTS = "two parts";
  /** The third argument for the pipeline that fills first, each batch's digest printed. */
  static final String PERMUTED_EVERY_BATCH = "permuted-every-batch";

  private RowCacheChild() {}

  /**
   * A map before the cache: versioned, as a cache in files requires. It counts its calls (in this
   * process) and, in a child, takes {@code rowcache.child.micros} of busy time per record, so that
   * a kill lands while the cache fills.
   */
  static final class Doubling implements RowMapper, Versioned {
    static final java.util.concurrent.atomic.AtomicLong CALLS =
        new java.util.concurrent.atomic.AtomicLong();
    private static final long NANOS = Long.getLong("rowcache.child.micros", 0) * 1000;

    @Override
    public void apply(Row row) {
      CALLS.incrementAndGet();
      long start = System.nanoTime();
      while (System.nanoTime() - start < NANOS) {
        Thread.onSpinWait();
      }
      for (int i = 0; i < row.length("payload"); i++) {
        row.setLong("payload", i, row.getLong("payload", i) * 2);
      }
    }

    @Override
    public String version() {
      return "1";
    }
  }

  /**
   * The pipeline with a shuffle after the cache, which fills the cache first: its fill keeps a
   * journal of parts that a run after a kill resumes from.
   */
  static Dataset permuted(Path sources, String cachePrefix) {
    Dataset parsed = Dataset.tfrecord(sources.toString())
        .parseExample(IdRecords.SPEC)
        .map("doubling", new Doubling())
        .interleave(2, 4);
    return (cachePrefix == null ? parsed.cache() : parsed.cache(cachePrefix))
        .shuffle(16)
        .batch(8, false)
        .repeat(2)
        .withOptions(PipelineOptions.defaults().withSeed(3).withThreads(1));
  }

  /** The pipeline both processes run: small rings, so that the child stops mid-fill. */
  static Dataset pipeline(Path sources, String cachePrefix) {
    Dataset parsed = Dataset.tfrecord(sources.toString())
        .parseExample(IdRecords.SPEC)
        .map("doubling", new Doubling())
        .interleave(2, 4)
        .shuffle(16);
    return (cachePrefix == null ? parsed : parsed.cache(cachePrefix))
        .batch(8, false)
        .prefetch(1)
        .repeat(2)
        .withOptions(PipelineOptions.defaults().withSeed(3).withThreads(1));
  }

  /**
   * @param args the sources folder, the cache's path prefix, and {@code permuted} for the
   *     pipeline that fills first; {@link CacheFillChild#EVERY_BATCH} or {@link
   *     #PERMUTED_EVERY_BATCH} to run it to its end, printing every batch's digest
   */
  public static void main(String[] args) throws IOException {
    if (args.length > 2 && args[2].equals(CacheFillChild.EVERY_BATCH)) {
      CacheFillChild.printEveryBatch(pipeline(Path.of(args[0]), args[1]));
      return;
    }
    if (args.length > 2 && args[2].equals(PERMUTED_EVERY_BATCH)) {
      CacheFillChild.printEveryBatch(permuted(Path.of(args[0]), args[1]));
      return;
    }
    if (args.length > 2 && args[2].equals("permuted")) {
      fillFirstThenWait(Path.of(args[0]), args[1]);
      return;
    }
    try (BatchIterator batches = pipeline(Path.of(args[0]), args[1]).iterator()) {
      batches.next().close();
      batches.next().close();
      System.out.println(RUNNING);
      System.out.flush();
      while (System.in.read() >= 0) {
        // Nothing is ever sent: the parent kills this process while it waits here.
      }
    }
  }

  /** Starts the permuted pipeline, which fills first, and says so once two parts are out. */
  private static void fillFirstThenWait(Path sources, String prefix) throws IOException {
    Path secondPart = Path.of(prefix + ".rows.part-00001.arrow");
    try (BatchIterator batches = permuted(sources, prefix).iterator()) {
      while (!java.nio.file.Files.exists(secondPart)) {
        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
      }
      System.out.println(TWO_PARTS);
      System.out.flush();
      while (System.in.read() >= 0) {
        // Nothing is ever sent: the parent kills this process while it waits here.
      }
    }
  }
}
