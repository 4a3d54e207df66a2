package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import dev.ingest.Dataset;
import dev.ingest.PipelineOptions;
import dev.ingest.runtime.concurrent.Wakeup;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deterministic: false}: a batch that is ready passes one still being parsed, and every
 * record still comes out exactly once per epoch.
 */
class UnorderedTest {
  private static final Duration GENEROUS = Duration.ofSeconds(60);
  @TempDir static Path dir;
  @TempDir static Path thirty;
  static int total;

  @BeforeAll
  static void write() throws IOException {
    total = IdRecords.write(dir, 100, 77, 64);
    IdRecords.write(thirty, 30);
  }

  @AfterEach
  void noPipelineThreadOutlivesItsTest() throws InterruptedException {
    assertThat(IdRecords.ingestThreadsAliveAfter(10_000)).isEmpty();
  }

  @Test
  void aReadyBatchPassesOneThatIsStillBeingParsed() {
    // The map holds record 0 (in the first batch) until the consumer has received another batch:
    // in order that could never happen; unordered, the second worker's batch comes first.
    CountDownLatch laterBatchReceived = new CountDownLatch(1);
    Dataset dataset = Dataset.tfrecord(dir.toString())
        .shuffleFiles(false)
        .parseExample(IdRecords.SPEC)
        .map("hold record 0", row -> {
          if (row.getLong("id", 0) == 0) {
            try {
              laterBatchReceived.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        })
        .batch(10, false)
        .withOptions(PipelineOptions.defaults().withThreads(2).withDeterministic(false));
    assertTimeoutPreemptively(GENEROUS, () -> {
      List<List<Long>> batches = new ArrayList<>();
      try (BatchIterator iterator = dataset.iterator()) {
        while (iterator.hasNext()) {
          try (Batch batch = iterator.next()) {
            batches.add(IdRecords.ids(batch));
          }
          laterBatchReceived.countDown();
        }
      }
      assertThat(batches.get(0)).as("the first batch out").doesNotContain(0L);
      assertThat(laterBatchReceived.getCount()).isZero();
      assertThat(batches.stream().flatMap(List::stream).sorted().collect(Collectors.toList()))
          .isEqualTo(IdRecords.range(total));
    });
  }

  @Test
  void everyRecordComesOutOncePerEpochWithShuffleAndRepeat() {
    for (int threads : new int[] {1, 2, 4}) {
      List<Long> out = IdRecords.ids(Dataset.tfrecord(dir.toString())
          .parseExample(IdRecords.SPEC)
          .interleave(2, 5)
          .shuffle(40)
          .batch(9, false)
          .repeat(3)
          .withOptions(PipelineOptions.defaults().withThreads(threads).withDeterministic(false)));
      assertThat(out).as("%s threads", threads).hasSize(3 * total);
      assertThat(out.stream().sorted().collect(Collectors.toList()))
          .isEqualTo(IdRecords.range(total).stream()
              .flatMap(id -> java.util.stream.Stream.of(id, id, id)).collect(Collectors.toList()));
    }
  }

  @Test
  void theEndOfTheStreamWaitsForASlowerEarlierBatch() {
    // Three batches and the end, all in the ring at once. The map holds record 0 (the first
    // batch) until the consumer has taken the other two and waits inside hasNext(), or has
    // stopped: by then the end of the stream is ready, and only the first batch is not. Taking
    // the end there would lose the first batch's ten records.
    // assertTimeoutPreemptively runs the consumer on a thread of its own.
    AtomicReference<Thread> consumer = new AtomicReference<>();
    CountDownLatch othersTaken = new CountDownLatch(2);
    AtomicBoolean stopped = new AtomicBoolean();
    Dataset dataset = Dataset.tfrecord(thirty.toString())
        .shuffleFiles(false)
        .parseExample(IdRecords.SPEC)
        .map("hold record 0", row -> {
          if (row.getLong("id", 0) == 0) {
            awaitConsumerWaiting(consumer, othersTaken, stopped);
          }
        })
        .batch(10, false)
        .withOptions(PipelineOptions.defaults().withThreads(2).withDeterministic(false));
    assertTimeoutPreemptively(GENEROUS, () -> {
      consumer.set(Thread.currentThread());
      List<List<Long>> batches = new ArrayList<>();
      try (BatchIterator iterator = dataset.iterator()) {
        while (iterator.hasNext()) {
          try (Batch batch = iterator.next()) {
            batches.add(IdRecords.ids(batch));
          }
          othersTaken.countDown();
        }
      } finally {
        stopped.set(true);
      }
      assertThat(batches).as("batches out").hasSize(3);
      assertThat(batches.get(2)).as("the held batch, last").contains(0L);
      assertThat(batches.stream().flatMap(List::stream).sorted().collect(Collectors.toList()))
          .isEqualTo(IdRecords.range(30));
    });
  }

  /**
   * Returns once {@code othersTaken} is at zero and the consumer is parked waiting for a batch
   * (its blocker is the pipeline's wake-up), or once it has stopped. Looks every millisecond.
   */
  private static void awaitConsumerWaiting(AtomicReference<Thread> consumer,
      CountDownLatch othersTaken, AtomicBoolean stopped) {
    while (!stopped.get() && !Thread.currentThread().isInterrupted()) {
      if (othersTaken.getCount() == 0
          && LockSupport.getBlocker(consumer.get()) instanceof Wakeup) {
        return;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }
}
