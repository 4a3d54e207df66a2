package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import dev.ingest.DType;
import dev.ingest.Dataset;
import dev.ingest.ExampleSpec;
import dev.ingest.FeatureSpec;
import dev.ingest.IngestException;
import dev.ingest.MemoryBudgetException;
import dev.ingest.PipelineOptions;
import dev.ingest.runtime.stage.RefillWait;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.sample.SampleDatasets;
import dev.ingest.tfrecord.sample.SampleKind;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A consumer that stops taking batches stops the pipeline: the source publishes no more than the
 * ring holds, and direct memory stops growing. The ring's gating makes "more than the ring"
 * impossible, so the checks that nothing more happens over a window cannot flake; a source that
 * ignored the gate would overrun the ring within microseconds.
 */
class BoundedMemoryTest {
  private static final long WINDOW_MILLIS = 500;
  @TempDir static Path dir;
  static final ExampleSpec TABULAR = ExampleSpec.of(
      FeatureSpec.fixed("features", DType.FLOAT32, 32), FeatureSpec.fixed("label", DType.INT64));

  @BeforeAll
  static void generate() throws IOException {
    SampleDatasets.write(SampleKind.TABULAR, dir, 3000, 3, Compression.NONE, 5);
  }

  @Test
  void aConsumerThatStopsTakingBatchesStopsThePipeline() {
    Dataset endless = Dataset.tfrecord(dir.toString())
        .parseExample(TABULAR)
        .shuffle(500)
        .batch(64, false)
        .prefetch(3)
        .repeat(-1)
        .withOptions(PipelineOptions.defaults().withThreads(2));
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      try (RunningPipeline pipeline = (RunningPipeline) endless.iterator()) {
        int slots = pipeline.ringSlots();
        assertThat(slots).isGreaterThanOrEqualTo(3 + 2);
        // Nothing taken yet: the source fills the ring, and then must stop.
        assertThat(await(() -> pipeline.publishedUnits() == slots, 20_000)).isTrue();
        assertThat(awaitStableDirectMemory(20_000)).isTrue();
        long memory = usedDirectMemory();
        assertThat(await(() -> pipeline.publishedUnits() > slots, WINDOW_MILLIS))
            .as("the source published past a full ring").isFalse();
        assertThat(usedDirectMemory()).isEqualTo(memory);

        // Each batch taken frees one slot. The source waits until a refill's worth is free (a
        // quarter of the ring), then fills exactly the free slots: never past a full ring.
        int refill = RefillWait.refillSlots(slots);
        assertThat(refill).isGreaterThan(1);
        for (int taken = 1; taken <= 3 * refill; taken++) {
          Batch batch = pipeline.next();
          batch.close();
          long target = slots + (long) refill * (taken / refill);
          assertThat(await(() -> pipeline.publishedUnits() == target, 20_000))
              .as("after %s batches taken", taken).isTrue();
          assertThat(await(() -> pipeline.publishedUnits() > target, 100))
              .as("after %s batches taken", taken).isFalse();
        }
      }
    });
  }

  private static long usedDirectMemory() {
    return PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
  }

  /** Polls (bounded) until direct memory reads the same over 200 ms. */
  private static boolean awaitStableDirectMemory(long timeoutMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (System.nanoTime() < deadline) {
      long before = usedDirectMemory();
      if (!await(() -> usedDirectMemory() != before, 200)) {
        return true;
      }
    }
    return false;
  }

  /** Polls {@code condition} every millisecond until it holds (true) or the time is up (false). */
  static boolean await(BooleanSupplier condition, long timeoutMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() >= deadline) {
        return false;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
    return true;
  }

  @Test
  void aMemoryBudgetStopsTheSourceBeforeTheRingIsFullAndIsNeverExceeded() {
    // 64 tabular records serialize to about 11 KiB and parse to about 8.5 KiB: a budget of
    // 40 KiB holds a few batches, far fewer than the ring's slots.
    long budget = 40 * 1024;
    Dataset endless = Dataset.tfrecord(dir.toString())
        .parseExample(TABULAR)
        .shuffle(50)
        .batch(64, false)
        .prefetch(8)
        .repeat(-1)
        .withOptions(PipelineOptions.defaults().withThreads(2).withMemoryBudget(budget));
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      try (RunningPipeline pipeline = (RunningPipeline) endless.iterator()) {
        int slots = pipeline.ringSlots();
        assertThat(await(() -> pipeline.publishedUnits() > 0, 20_000)).isTrue();
        // The consumer stops: the source stops once the budget is full, with ring slots free.
        assertThat(awaitStable(pipeline::publishedUnits, 20_000)).isTrue();
        long published = pipeline.publishedUnits();
        assertThat(published).isBetween(1L, slots - 1L);
        assertThat(await(() -> pipeline.publishedUnits() > published, WINDOW_MILLIS)).isFalse();
        assertThat(pipeline.stats().peakMemoryBytes()).isPositive().isLessThanOrEqualTo(budget);

        // Taking batches frees budget and the pipeline goes on, still within it.
        for (int taken = 0; taken < 200; taken++) {
          pipeline.next().close();
        }
        assertThat(pipeline.stats().memoryBudgetBytes()).isEqualTo(budget);
        assertThat(pipeline.stats().peakMemoryBytes()).isLessThanOrEqualTo(budget);
      }
    });
  }

  @Test
  void theBudgetDoesNotChangeTheBatches() {
    Dataset dataset = Dataset.tfrecord(dir.toString())
        .parseExample(TABULAR)
        .shuffle(100)
        .batch(64, false)
        .repeat(2)
        .withOptions(PipelineOptions.defaults().withThreads(2).withSeed(9));
    List<String> tight = IdRecords.digests(dataset.withOptions(
        dataset.spec().options().withMemoryBudget(64 * 1024)));
    assertThat(tight).isEqualTo(IdRecords.digests(dataset)).hasSize(2 * 47);
  }

  @Test
  void aBudgetBelowOneBatchFailsClearlyInsteadOfWaitingForever() {
    Dataset dataset = Dataset.tfrecord(dir.toString())
        .parseExample(TABULAR)
        .batch(256, false)
        .withOptions(PipelineOptions.defaults().withMemoryBudget(4 * 1024));
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      try (BatchIterator iterator = dataset.iterator()) {
        IngestException failure = catchThrowableOfType(IngestException.class, iterator::hasNext);
        assertThat(failure.stage()).isEqualTo("read");
        assertThat(failure.getCause()).isInstanceOf(MemoryBudgetException.class)
            .hasMessageContaining("4096 bytes").hasMessageContaining("memory_budget");
      }
    });
  }

  @Test
  void theAutomaticBudgetIsHalfTheMaximumDirectMemory() {
    try (BatchIterator iterator = Dataset.tfrecord(dir.toString())
        .parseExample(TABULAR).batch(64, false).take(1).iterator()) {
      assertThat(iterator.stats().memoryBudgetBytes())
          .isEqualTo((long) (PlatformDependent.maxDirectMemory() * 0.5));
    }
  }

  /** Polls (bounded) until {@code value} reads the same over 200 ms. */
  private static boolean awaitStable(java.util.function.LongSupplier value, long timeoutMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (System.nanoTime() < deadline) {
      long before = value.getAsLong();
      if (!await(() -> value.getAsLong() != before, 200)) {
        return true;
      }
    }
    return false;
  }
}
