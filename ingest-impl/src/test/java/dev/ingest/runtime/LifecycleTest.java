package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * close() at any moment stops every pipeline thread and gives back every buffer. Threads are
 * counted by name; buffers are checked by the Netty leak guard (PARANOID, after the class) over
 * many runs closed at random points.
 */
class LifecycleTest {
  private static final Duration GENEROUS = Duration.ofSeconds(60);

  @TempDir static Path dir;
  static int total;

  @BeforeAll
  static void write() throws IOException {
    total = IdRecords.write(dir, 120, 90, 150);
  }

  @AfterEach
  void noPipelineThreadOutlivesItsTest() throws InterruptedException {
    assertThat(IdRecords.ingestThreadsAliveAfter(10_000)).isEmpty();
  }

  private static Dataset dataset(int threads, long seed) {
    return Dataset.tfrecord(dir.toString())
        .parseExample(IdRecords.SPEC)
        .interleave(2, 4, (int) (seed % 3)) // reader threads too: 0, 1 or 2
        .shuffle(50)
        .batch(8, false)
        .prefetch(2)
        .repeat(2)
        .withOptions(PipelineOptions.defaults().withThreads(threads).withSeed(seed));
  }

  /** The same pipeline with a filter, which adds the batch assembly thread and its ring. */
  private static Dataset filtered(int threads, long seed) {
    return dataset(threads, seed).filter(row -> row.getLong("id", 0) % 5 != 0);
  }

  @ParameterizedTest(name = "filtered: {0}")
  @ValueSource(booleans = {false, true})
  void closingAtRandomPointsStopsEveryThread(boolean withFilter) {
    Random random = new Random(20261129);
    long perEpoch = withFilter ? total - (total + 4) / 5 : total;
    int batchesPerRun = (int) (2 * perEpoch / 8);
    assertTimeoutPreemptively(GENEROUS, () -> {
      for (int run = 0; run < 60; run++) {
        int mode = run % 4;
        List<Batch> held = new ArrayList<>();
        // Every fifth run under AUTO threads and prefetch: the tuner's thread must stop too.
        int threads = run % 5 == 4 ? Dataset.AUTO : 1 + random.nextInt(4);
        Dataset pipeline = withFilter ? filtered(threads, run) : dataset(threads, run);
        if (threads == Dataset.AUTO) {
          pipeline = pipeline.prefetch(Dataset.AUTO);
        }
        if (run % 3 == 0) {
          pipeline = pipeline.withOptions(pipeline.spec().options().withDeterministic(false));
        }
        BatchIterator iterator = pipeline.iterator();
        try {
          switch (mode) {
            case 0 -> { } // before the first next
            case 1 -> { // mid-epoch
              int k = 1 + random.nextInt(batchesPerRun);
              for (int i = 0; i < k && iterator.hasNext(); i++) {
                iterator.next().close();
              }
            }
            case 2 -> { // after the end
              while (iterator.hasNext()) {
                iterator.next().close();
              }
              assertThat(iterator.stats().records()).isEqualTo(2L * perEpoch);
            }
            default -> { // holding a batch
              int k = random.nextInt(10);
              for (int i = 0; i < k; i++) {
                iterator.next().close();
              }
              held.add(iterator.next());
              // hasNext() may leave the next batch prepared inside the iterator.
              assertThat(iterator.hasNext()).isTrue();
            }
          }
        } finally {
          iterator.close();
        }
        assertThat(IdRecords.liveIngestThreads()).as("run %s, mode %s", run, mode).isEmpty();
        for (Batch batch : held) {
          // A batch handed out stays valid after close until its owner closes it.
          assertThat(batch.refCnt()).isEqualTo(1);
          assertThat(IdRecords.ids(batch)).hasSize(8).allMatch(id -> id >= 0 && id < total)
              .allMatch(id -> !withFilter || id % 5 != 0);
          batch.close();
          assertThat(batch.refCnt()).isZero();
        }
      }
    });
  }

  @Test
  void closeIsIdempotentAndTheIteratorRefusesToGoOn() {
    BatchIterator iterator = dataset(2, 1).iterator();
    iterator.next().close();
    iterator.close();
    iterator.close();
    assertThatThrownBy(iterator::hasNext).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void anEndlessRepeatStopsWhenClosed() {
    assertTimeoutPreemptively(GENEROUS, () -> {
      Random random = new Random(7);
      for (int run = 0; run < 5; run++) {
        int k = 1 + random.nextInt(200);
        Dataset pipeline = run % 2 == 0 ? dataset(2, run) : filtered(2, run);
        try (BatchIterator iterator = pipeline.repeat(-1).iterator()) {
          for (int i = 0; i < k; i++) {
            assertThat(iterator.hasNext()).isTrue();
            iterator.next().close();
          }
          assertThat(IdRecords.liveIngestThreads()).isNotEmpty();
        }
        assertThat(IdRecords.liveIngestThreads()).as("after %s batches of an endless repeat", k)
            .isEmpty();
      }
    });
  }
}
