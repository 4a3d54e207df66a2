package dev.ingest.runtime;

import dev.ingest.BatchIterator;
import dev.ingest.Dataset;
import dev.ingest.PipelineOptions;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The child process of {@link CacheFillKillTest}: starts filling a file cache, says so on stdout,
 * then holds the pipeline open, mid-fill, until it is killed (it waits for a stdin that never
 * comes).
 */
public final class CacheFillChild {
  static final String FILLING = "filling";

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
}
