package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import dev.ingest.Dataset;
import dev.ingest.PipelineOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parse workers claim units rather than each taking a fixed share: a worker that stalls holds
 * back only the unit it holds, and the others parse every unit after it. Batches still come out
 * in order.
 */
class ClaimedUnitsTest {
  private static final Duration GENEROUS = Duration.ofSeconds(60);
  private static final int BATCH = 10;
  @TempDir static Path dir;
  static int total;

  @BeforeAll
  static void write() throws IOException {
    total = IdRecords.write(dir, 100, 77, 64);
  }

  @AfterEach
  void noPipelineThreadOutlivesItsTest() throws InterruptedException {
    assertThat(IdRecords.ingestThreadsAliveAfter(10_000)).isEmpty();
  }

  @Test
  void aStalledWorkerHoldsBackOnlyTheUnitItHolds() {
    // The map holds record 0 (unit 0) until the records of units 2 and 3 have been parsed. With
    // two workers taking fixed shares, unit 2 would be the stalled worker's own: it could not be
    // parsed before unit 0 was, and the hold would run out.
    CountDownLatch laterUnitsParsed = new CountDownLatch(2);
    boolean[] heldUntilParsed = {false};
    Dataset dataset = Dataset.tfrecord(dir.toString())
        .shuffleFiles(false)
        .interleave(1, 1) // one file at a time: unit k holds records 10k to 10k + 9
        .parseExample(IdRecords.SPEC)
        .map("hold record 0", row -> {
          long id = row.getLong("id", 0);
          if (id == 2 * BATCH || id == 3 * BATCH) {
            laterUnitsParsed.countDown();
          } else if (id == 0) {
            try {
              heldUntilParsed[0] = laterUnitsParsed.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        })
        .batch(BATCH, false)
        .prefetch(8)
        .withOptions(PipelineOptions.defaults().withThreads(2));
    assertTimeoutPreemptively(GENEROUS, () -> {
      List<Long> out = new ArrayList<>();
      try (BatchIterator iterator = dataset.iterator()) {
        while (iterator.hasNext()) {
          try (Batch batch = iterator.next()) {
            out.addAll(IdRecords.ids(batch));
          }
        }
      }
      assertThat(heldUntilParsed[0]).as("units 2 and 3 parsed while unit 0 was held").isTrue();
      assertThat(out).isEqualTo(IdRecords.range(total));
    });
  }
}
