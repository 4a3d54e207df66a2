package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import dev.ingest.CacheMismatchException;
import dev.ingest.Dataset;
import dev.ingest.PipelineOptions;
import dev.ingest.PipelineSpec.ShardBy;
import dev.ingest.tfrecord.Compression;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipeline refused at {@code iterator()} leaves no buffer behind: the runtime checks a file
 * cache against its sources before it takes any (the ring's slots, the recycled columns, the
 * source's staging and shuffle buffers), so a refused start must not hold one. The proof is the
 * leak guard every test class runs under ({@code NettyLeakGuard}, detection at PARANOID): a
 * buffer of a refused start dropped unreleased fails this class when the guard collects it (a
 * buffer left unreleased in this test was caught so).
 */
class FailedStartTest {
  private static final int REFUSED_STARTS = 20;

  @TempDir Path dir;

  @Test
  void aCacheRefusedAtStartLeavesNoBufferBehind() throws IOException {
    Path sources = dir.resolve("sources");
    IdRecords.write(sources, Compression.NONE, new int[] {60, 60});
    String prefix = dir.resolve("cache").resolve("train").toString();
    try (BatchIterator batches = pipeline(sources).cache(prefix).iterator()) {
      while (batches.hasNext()) {
        try (Batch batch = batches.next()) {
          // The first run fills the cache.
        }
      }
    }

    // Another shard reads other files: its cache is refused while the pipeline is being built.
    Dataset otherShard = pipeline(sources).shard(2, 0, ShardBy.FILE).cache(prefix);
    for (int start = 0; start < REFUSED_STARTS; start++) {
      assertThatThrownBy(otherShard::iterator).isInstanceOf(CacheMismatchException.class);
    }
  }

  private static Dataset pipeline(Path sources) {
    return Dataset.tfrecord(sources.toString())
        .parseExample(IdRecords.SPEC)
        .shuffle(30)
        .batch(8, false)
        .withOptions(PipelineOptions.defaults().withSeed(1).withThreads(2));
  }
}
