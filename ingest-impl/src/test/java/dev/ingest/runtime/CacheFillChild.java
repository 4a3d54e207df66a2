package dev.ingest.runtime;

import dev.ingest.Batch;
import dev.ingest.BatchDigest;
import dev.ingest.BatchIterator;
import dev.ingest.Dataset;
import dev.ingest.PipelineOptions;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The child process of {@link CacheFillKillTest}: starts filling a file cache, says so on stdout,
 * then holds the pipeline open, mid-fill, until it is killed (it waits for a stdin that never
 * comes); or, with {@link #EVERY_BATCH}, runs the pipeline to its end and prints each batch's
 * digest as it goes, for a parent that kills it at a random one of those lines.
 */
public final class CacheFillChild {
  static final String FILLING = "filling";
  /** The third argument that asks for every batch's digest, run to the end. */
  static final String EVERY_BATCH = "every-batch";
  /** What each progress line starts with: {@link #STARTING}, or {@link #BATCH} and a digest. */
  static final String PROGRESS = "at ";
  static final String STARTING = PROGRESS + "start";
  static final String BATCH = PROGRESS + "batch ";
  /** The system property that gives the busy time, in microseconds, spent on each batch. */
  static final String BATCH_MICROS = "cachefill.child.batch.micros";

  private CacheFillChild() {}

  /** The pipeline both processes run: small rings, so that the child stops mid-file. */
  static Dataset pipeline(Path sources, String cachePrefix) {
    // The cache is called before parse_example: it keeps records.
    Dataset dataset = Dataset.tfrecord(sources.toString())
        .interleave(2, 4)
        .shuffle(16)
        .batch(8, false)
        .prefetch(1)
        .repeat(2)
        .withOptions(PipelineOptions.defaults().withSeed(3).withThreads(1));
    return (cachePrefix == null ? dataset : dataset.cache(cachePrefix))
        .parseExample(IdRecords.SPEC);
  }

  /** @param args the sources folder and the cache's path prefix */
  public static void main(String[] args) throws IOException {
    if (args.length > 2 && args[2].equals(EVERY_BATCH)) {
      printEveryBatch(pipeline(Path.of(args[0]), args[1]));
      return;
    }
    try (BatchIterator batches = pipeline(Path.of(args[0]), args[1]).iterator()) {
      batches.next().close();
      batches.next().close();
      System.out.println(FILLING);
      System.out.flush();
      while (System.in.read() >= 0) {
        // Nothing is ever sent: the parent kills this process while it waits here.
      }
    }
  }

  /**
   * Says it starts, then runs {@code dataset} to its end, printing each batch's digest as the
   * batch is taken: a parent that kills this process after a line knows how far it got.
   */
  static void printEveryBatch(Dataset dataset) {
    long busyNanos = Long.getLong(BATCH_MICROS, 0) * 1000;
    System.out.println(STARTING);
    System.out.flush();
    try (BatchIterator batches = dataset.iterator()) {
      while (batches.hasNext()) {
        try (Batch batch = batches.next()) {
          System.out.println(BATCH + BatchDigest.hex(batch));
          System.out.flush();
          spin(busyNanos);
        }
      }
    }
  }

  /** Keeps this thread busy for {@code nanos}, as a consumer's training step would. */
  private static void spin(long nanos) {
    long start = System.nanoTime();
    while (System.nanoTime() - start < nanos) {
      Thread.onSpinWait();
    }
  }
}
