package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.ingest.BatchIterator;
import dev.ingest.Dataset;
import dev.ingest.IngestException;
import dev.ingest.MemoryBudgetException;
import dev.ingest.PipelineOptions;
import dev.ingest.PipelineSpec.ShardBy;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cache()} in memory: later epochs read no file, and the batches are exactly those of the
 * same pipeline without the cache, every epoch reshuffled.
 */
class CacheTest {
  @TempDir static Path dir;
  static int total;

  @BeforeAll
  static void write() throws IOException {
    total = IdRecords.write(dir, 90, 0, 130, 57);
  }

  @AfterEach
  void noPipelineThreadOutlivesItsTest() throws InterruptedException {
    assertThat(IdRecords.ingestThreadsAliveAfter(10_000)).isEmpty();
  }

  private static Dataset pipeline(int threads) {
    return records(threads).parseExample(IdRecords.SPEC);
  }

  /** The pipeline with no parse_example yet: a cache called next keeps records. */
  private static Dataset records(int threads) {
    return Dataset.tfrecord(dir.toString())
        .shard(2, 1, ShardBy.RECORD)
        .interleave(2, 3)
        .shuffle(40)
        .batch(7, false)
        .repeat(3)
        .withOptions(PipelineOptions.defaults().withSeed(5).withThreads(threads));
  }

  @ParameterizedTest(name = "{0} threads")
  @ValueSource(ints = {1, 2})
  void cachedEpochsYieldTheSameBatchesReadingNoFile(int threads) {
    Dataset cached = records(threads).cache().parseExample(IdRecords.SPEC);
    java.util.List<String> digests = new java.util.ArrayList<>();
    try (RunningPipeline iterator = (RunningPipeline) cached.iterator()) {
      while (iterator.hasNext()) {
        try (var batch = iterator.next()) {
          digests.add(dev.ingest.BatchDigest.hex(batch));
        }
      }
      // Epochs 2 and 3 came from memory: every record of the files, twice (sharding is after).
      assertThat(iterator.recordsFromCache()).isEqualTo(2L * total);
    }
    assertThat(digests).isEqualTo(IdRecords.digests(pipeline(threads))).isNotEmpty();
  }

  @Test
  void aCacheTheBudgetCannotHoldFailsClearly() {
    Dataset tight = records(1).cache().parseExample(IdRecords.SPEC).shuffle(0).batch(1, false)
        .withOptions(PipelineOptions.defaults().withMemoryBudget(2_000));
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      IngestException failure = IdRecords.untilFailure(tight).failure();
      assertThat(failure).isNotNull();
      assertThat(failure.getCause()).isInstanceOf(MemoryBudgetException.class)
          .hasMessageContaining("the cache");
    });
  }

  @Test
  void closingDuringTheFirstEpochLeavesNothingBehind() {
    for (int taken = 0; taken < 12; taken += 3) {
      try (BatchIterator iterator = records(2).cache().parseExample(IdRecords.SPEC).iterator()) {
        for (int i = 0; i < taken; i++) {
          iterator.next().close();
        }
      }
      assertThat(IdRecords.liveIngestThreads()).isEmpty();
    }
  }
}
