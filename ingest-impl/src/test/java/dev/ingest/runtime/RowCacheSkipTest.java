package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.CorruptionPolicy;
import dev.ingest.Dataset;
import dev.ingest.PipelineOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cache of rows over files with corrupt records under {@code on_corrupt: skip}: the records the
 * reader skips are in no epoch, with the cache or without it, and the cached epochs replay the
 * uncached order exactly (the handles follow the records the reader returned).
 */
class RowCacheSkipTest {
  @TempDir Path dir;

  @AfterEach
  void noPipelineThreadOutlivesItsTest() throws InterruptedException {
    assertThat(IdRecords.ingestThreadsAliveAfter(10_000)).isEmpty();
  }

  @Test
  void skippedRecordsAreSkippedInEveryEpochAndTheCachedOnesReplayTheUncachedOrder()
      throws IOException {
    int total = IdRecords.write(dir, 40, 55, 31);
    DamagedRecords.flipDataByte(dir.resolve("part-00001-of-00003.tfrecord"), 7);
    DamagedRecords.flipDataByte(dir.resolve("part-00001-of-00003.tfrecord"), 30);
    Dataset parsed = Dataset.tfrecord(dir.toString())
        .onCorrupt(CorruptionPolicy.SKIP)
        .interleave(2, 3)
        .shuffle(20)
        .parseExample(IdRecords.SPEC)
        .withOptions(PipelineOptions.defaults().withSeed(4).withThreads(2));

    List<List<Long>> uncached = IdRecords.batches(parsed.batch(6, false).repeat(3));
    List<List<Long>> cached = IdRecords.batches(parsed.cache().batch(6, false).repeat(3));

    assertThat(cached).isEqualTo(uncached);
    assertThat(cached.stream().mapToInt(List::size).sum()).isEqualTo(3 * (total - 2));
  }
}
