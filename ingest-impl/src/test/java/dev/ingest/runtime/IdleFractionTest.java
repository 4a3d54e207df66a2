package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import dev.ingest.DType;
import dev.ingest.Dataset;
import dev.ingest.ExampleSpec;
import dev.ingest.FeatureSpec;
import dev.ingest.IteratorStats;
import dev.ingest.PipelineOptions;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.sample.SampleDatasets;
import dev.ingest.tfrecord.sample.SampleKind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A simulated accelerator: a consumer that "runs a step" of 20 ms per batch by parking (a real
 * step leaves the host CPU free). Parsing 64 small tabular records takes far less, so the
 * pipeline keeps ahead and the consumer hardly waits. The bound is loose on purpose (a noisy
 * 2-core machine); the figure is printed for the record. Not a benchmark.
 */
class IdleFractionTest {
  private static final long STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  private static final int WARM_UP = 5;
  private static final int STEPS = 40;
  @TempDir static Path dir;

  @BeforeAll
  static void generate() throws IOException {
    SampleDatasets.write(SampleKind.TABULAR, dir, 4000, 4, Compression.NONE, 3);
  }

  @Test
  void aConsumerSlowerThanParsingHardlyWaits() {
    Dataset dataset = Dataset.tfrecord(dir.toString())
        .parseExample(ExampleSpec.of(
            FeatureSpec.fixed("features", DType.FLOAT32, 32),
            FeatureSpec.fixed("label", DType.INT64)))
        .shuffle(1000)
        .batch(64, true)
        .prefetch(4)
        .repeat(-1)
        .take(WARM_UP + STEPS)
        .withOptions(PipelineOptions.defaults().withThreads(2));
    long stepNanos = 0;
    IteratorStats warm;
    IteratorStats stats;
    try (BatchIterator iterator = dataset.iterator()) {
      // The first batches also pay for class loading and the JIT; measure the steady state.
      for (int i = 0; i < WARM_UP; i++) {
        iterator.next().close();
      }
      warm = iterator.stats();
      while (iterator.hasNext()) {
        try (Batch batch = iterator.next()) {
          assertThat(batch.rows()).isEqualTo(64);
          long start = System.nanoTime();
          LockSupport.parkNanos(STEP_NANOS);
          stepNanos += System.nanoTime() - start;
        }
      }
      stats = iterator.stats();
    }
    assertThat(stats.batches()).isEqualTo(WARM_UP + STEPS);
    long waitNanos = stats.waitNanos() - warm.waitNanos();
    double idle = (double) waitNanos / (waitNanos + stepNanos);
    System.out.printf("idle fraction with %d ms steps: %.4f (waited %.2f ms over %d batches;"
        + " first batch after %.2f ms)%n", TimeUnit.NANOSECONDS.toMillis(STEP_NANOS), idle,
        waitNanos / 1e6, STEPS, stats.firstBatchNanos() / 1e6);
    assertThat(waitNanos).isNotNegative();
    assertThat(idle).isLessThan(0.5);
  }
}
