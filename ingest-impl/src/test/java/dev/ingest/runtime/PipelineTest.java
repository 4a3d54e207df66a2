package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.Batch;
import dev.ingest.BatchDigest;
import dev.ingest.BatchIterator;
import dev.ingest.DType;
import dev.ingest.Dataset;
import dev.ingest.ExampleSpec;
import dev.ingest.FeatureSpec;
import dev.ingest.PipelineOptions;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.sample.SampleDatasets;
import dev.ingest.tfrecord.sample.SampleKind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineTest {
  @TempDir static Path dir;
  static final ExampleSpec TABULAR = ExampleSpec.of(
      FeatureSpec.fixed("features", DType.FLOAT32, 32), FeatureSpec.fixed("label", DType.INT64));

  @BeforeAll
  static void generate() throws IOException {
    SampleDatasets.write(SampleKind.TABULAR, dir.resolve("tabular"), 5000, 5, Compression.NONE, 1);
  }

  @Test
  void sameSeedSameBatchesAtAnyThreadCount() {
    List<String> one = digests(dataset().withOptions(PipelineOptions.defaults().withThreads(1)));
    List<String> two = digests(dataset().withOptions(PipelineOptions.defaults().withThreads(2)));
    List<String> four = digests(dataset().withOptions(PipelineOptions.defaults().withThreads(4)));
    assertThat(one).hasSize(2 * ((5000 + 255) / 256));
    assertThat(two).isEqualTo(one);
    assertThat(four).isEqualTo(one);
    List<String> otherSeed = digests(dataset().withOptions(PipelineOptions.defaults().withSeed(7)));
    assertThat(otherSeed).isNotEqualTo(one);
  }

  @Test
  void metricsCountEveryStageAndNameTheBottleneck() {
    Dataset dataset = Dataset.tfrecord(dir.resolve("tabular").toString())
        .parseExample(TABULAR).batch(100, true).repeat(1);
    // A consumer that never does any work waits for the pipeline: a pipeline stage limits.
    try (BatchIterator batches = dataset.iterator()) {
      long count = 0;
      while (batches.hasNext()) {
        batches.next().close();
        count++;
      }
      dev.ingest.PipelineMetrics metrics = batches.metrics();
      assertThat(metrics.stages()).extracting(dev.ingest.StageMetrics::name)
          .containsExactly("read", "parse_example", "consumer");
      assertThat(metrics.stages().get(0).elements()).isEqualTo(5000);
      assertThat(metrics.stages().get(1).elements()).isEqualTo(count);
      assertThat(metrics.stages().get(2).elements()).isEqualTo(count);
      assertThat(metrics.stages()).allSatisfy(stage -> {
        assertThat(stage.busyFraction()).isBetween(0.0, 1.0);
        assertThat(stage.inputWaitFraction()).isBetween(0.0, 1.0);
      });
      // The consumer takes each batch and closes it: it spends its time waiting for batches, not
      // on them, so it is not what limits.
      dev.ingest.StageMetrics consumer = metrics.stages().get(2);
      assertThat(consumer.inputWaitFraction()).isGreaterThan(consumer.busyFraction());
      assertThat(metrics.bottleneck()).isIn("read", "parse_example");
      assertThat(metrics.hint()).isNotBlank();
    }
  }

  @Test
  void aSlowConsumerIsNamedAsTheLimit() {
    Dataset dataset = Dataset.tfrecord(dir.resolve("tabular").toString())
        .parseExample(TABULAR).batch(500, true).prefetch(4).repeat(1);
    // PARANOID leak detection records a stack trace per buffer access, which alone makes the
    // pipeline slower than this consumer; the other tests keep checking for leaks.
    io.netty.util.ResourceLeakDetector.Level level = io.netty.util.ResourceLeakDetector.getLevel();
    io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
    try (BatchIterator batches = dataset.iterator()) {
      while (batches.hasNext()) {
        batches.next().close();
        // A 30 ms "accelerator step" per batch: parsing 500 tabular records takes far less.
        java.util.concurrent.locks.LockSupport.parkNanos(30_000_000L);
      }
      dev.ingest.PipelineMetrics metrics = batches.metrics();
      double idle = (double) batches.stats().waitNanos()
          / (batches.stats().waitNanos() + 9 * 30_000_000L);
      System.out.printf("slow consumer: idle fraction %.4f, %s%n", idle, metrics.hint());
      assertThat(idle).isLessThan(0.5);
      assertThat(metrics.bottleneck()).isEqualTo("consumer");
    } finally {
      io.netty.util.ResourceLeakDetector.setLevel(level);
    }
  }

  @Test
  void statsCountRecordBytesAndTellEachBatchsEpoch() throws IOException {
    long fileBytes = 0;
    try (var files = java.nio.file.Files.list(dir.resolve("tabular"))) {
      for (Path file : files.toList()) {
        fileBytes += java.nio.file.Files.size(file);
      }
    }
    long payloadBytes = fileBytes - 5000L * 16; // every record has 16 bytes of framing
    List<Long> epochs = new ArrayList<>();
    try (BatchIterator batches = dataset().iterator()) {
      assertThat(batches.stats().epoch()).isEqualTo(-1);
      while (batches.hasNext()) {
        batches.next().close();
        epochs.add(batches.stats().epoch());
      }
      assertThat(batches.stats().recordBytes()).isEqualTo(2 * payloadBytes);
      assertThat(batches.stats().skippedRecords()).isZero();
    }
    int perEpoch = (5000 + 255) / 256;
    assertThat(epochs).hasSize(2 * perEpoch);
    assertThat(epochs.subList(0, perEpoch)).containsOnly(0L);
    assertThat(epochs.subList(perEpoch, 2 * perEpoch)).containsOnly(1L);
  }

  private static Dataset dataset() {
    return Dataset.tfrecord(dir.resolve("tabular").toString())
        .interleave(2, 8)
        .parseExample(TABULAR)
        .shuffle(1000)
        .batch(256, false)
        .repeat(2);
  }

  private static List<String> digests(Dataset dataset) {
    List<String> digests = new ArrayList<>();
    long rows = 0;
    try (BatchIterator batches = dataset.iterator()) {
      while (batches.hasNext()) {
        try (Batch batch = batches.next()) {
          digests.add(BatchDigest.hex(batch));
          rows += batch.rows();
        }
      }
      assertThat(batches.stats().records()).isEqualTo(rows);
    }
    assertThat(rows).isEqualTo(10_000);
    return digests;
  }
}
