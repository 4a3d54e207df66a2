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

  private RowCacheChild() {}

  /** A map before the cache: versioned, as a cache in files requires. */
  static final class Doubling implements RowMapper, Versioned {
    @Override
    public void apply(Row row) {
      for (int i = 0; i < row.length("payload"); i++) {
        row.setLong("payload", i, row.getLong("payload", i) * 2);
      }
    }

    @Override
    public String version() {
      return "1";
    }
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

  /** @param args the sources folder and the cache's path prefix */
  public static void main(String[] args) throws IOException {
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
}
