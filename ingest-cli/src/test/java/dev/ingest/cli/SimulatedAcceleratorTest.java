package dev.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import dev.ingest.cli.config.PipelineConfig;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.sample.SampleDatasets;
import dev.ingest.tfrecord.sample.SampleKind;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the accelerator's time goes: each wait to the epoch of the batch it waited for, and the
 * digest's time to no figure at all. The delays are spun on {@link System#nanoTime()}, so each is
 * at least what it says; the checks compare sums, never a duration against a threshold.
 */
class SimulatedAcceleratorTest {
  private static final String PIPELINE = """
      version: 1
      name: two-epochs
      source:
        tfrecord:
          files: [data]
      stages:
        - parse_example:
            features:
              features: {type: float32, shape: [32]}
              label: {type: int64, shape: [], default: 0}
        - batch: {batch_size: 50, drop_remainder: false}
      repeat: 2
      options: {seed: 3, threads: 1}
      """;
  private static final long DELAY_NANOS = 2_000_000;

  @TempDir Path dir;
  private PipelineConfig config;

  @BeforeEach
  void writeData() throws Exception {
    SampleDatasets.write(SampleKind.TABULAR, dir.resolve("data"), 500, 2, Compression.NONE, 1);
    config = PipelineConfig.parse(PIPELINE,
        List.of("source.tfrecord.files.0=" + dir.resolve("data")), System::getenv, "two-epochs");
  }

  @Test
  void eachWaitCountsInTheEpochOfTheBatchItWaitedFor() {
    SimulatedAccelerator.Run run;
    try (BatchIterator batches = new SlowEpoch(config.dataset().iterator(), 1)) {
      run = new SimulatedAccelerator(0.1).consume(batches, System.nanoTime(), batch -> {}, null);
    }

    assertThat(run.epochs()).hasSize(2);
    SimulatedAccelerator.Epoch first = run.epochs().get(0);
    SimulatedAccelerator.Epoch second = run.epochs().get(1);
    assertThat(first.records()).isEqualTo(500);
    assertThat(second.records()).isEqualTo(500);
    // Epoch 1's ten batches each waited at least the delay; the epochs share the run's waits
    // and steps exactly.
    assertThat(second.waitNanos()).isGreaterThanOrEqualTo(10 * DELAY_NANOS);
    assertThat(first.waitNanos() + second.waitNanos())
        .isEqualTo(Arrays.stream(run.waitNanos()).sum());
    assertThat(first.stepNanos() + second.stepNanos()).isEqualTo(run.totalStepNanos());
  }

  @Test
  void hashingCountsInNoFigureAndGivesTheSameDigestAsWithoutALog() {
    StringWriter lines = new StringWriter();
    SimulatedAccelerator.Run slowHashing;
    try (BatchIterator batches = config.dataset().iterator()) {
      slowHashing = new SimulatedAccelerator(0).consume(batches, System.nanoTime(),
          batch -> {}, new RunDigest(new SlowWriter(lines)));
    }
    SimulatedAccelerator.Run plain;
    try (BatchIterator batches = config.dataset().iterator()) {
      plain = new SimulatedAccelerator(0).consume(batches, System.nanoTime(), batch -> {},
          new RunDigest(null));
    }

    // 20 batches, each logged after at least the delay.
    assertThat(slowHashing.digestNanos()).isGreaterThanOrEqualTo(20 * DELAY_NANOS);
    assertThat(slowHashing.seconds() * 1e9).isLessThan(slowHashing.digestNanos());
    double epochSeconds = slowHashing.epochs().stream()
        .mapToDouble(SimulatedAccelerator.Epoch::seconds).sum();
    assertThat(epochSeconds * 1e9).isLessThan(slowHashing.digestNanos());
    assertThat(lines.toString().lines()).hasSize(20);
    assertThat(slowHashing.digest()).hasSize(64).isEqualTo(plain.digest());
    try (BatchIterator batches = config.dataset().iterator()) {
      SimulatedAccelerator.Run none = new SimulatedAccelerator(0).consume(batches);
      assertThat(none.digest()).isNull();
      assertThat(none.digestNanos()).isZero();
    }
  }

  private static void spin(long nanos) {
    long until = System.nanoTime() + nanos;
    while (System.nanoTime() < until) {
      Thread.onSpinWait();
    }
  }

  /** A log that takes at least {@link #DELAY_NANOS} per line. */
  private static final class SlowWriter extends Writer {
    private final StringWriter lines;

    SlowWriter(StringWriter lines) {
      this.lines = lines;
    }

    @Override
    public void write(char[] text, int offset, int length) {
      if (length > 1) {
        spin(DELAY_NANOS);
      }
      lines.write(text, offset, length);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  /** The pipeline's batches, each of epoch {@code slowEpoch} handed over at least a delay late. */
  private static final class SlowEpoch extends ForwardingBatchIterator {
    private final long slowEpoch;

    SlowEpoch(BatchIterator batches, long slowEpoch) {
      super(batches);
      this.slowEpoch = slowEpoch;
    }

    @Override
    public Batch next() {
      Batch batch = super.next();
      if (stats().epoch() == slowEpoch) {
        spin(DELAY_NANOS);
      }
      return batch;
    }
  }
}
