package dev.ingest.cli;

import dev.ingest.Batch;
import dev.ingest.BatchDigest;
import dev.ingest.BatchIterator;
import dev.ingest.IteratorStats;
import dev.ingest.PipelineMetrics;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.HexFormat;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A training loop without a model: takes every batch of a pipeline and "runs a step" of {@code
 * stepMillis} per batch by parking, as a real accelerator step leaves the host CPU free. It
 * measures what the contract's run report needs: how long each {@code next()} blocked (the
 * accelerator's idle time), the time to the first batch, and the run digest.
 */
final class SimulatedAccelerator {
  private final double stepMillis;

  SimulatedAccelerator(double stepMillis) {
    if (stepMillis < 0) {
      throw new IllegalArgumentException("the step must be at least 0 ms, got " + stepMillis);
    }
    this.stepMillis = stepMillis;
  }

  /** What a run measured. Waits are per batch after the first, in nanoseconds. */
  record Run(long batches, long records, long bytes, double seconds, double stepMillis,
      long firstBatchNanos, long[] waitNanos, long totalStepNanos, String digest,
      PipelineMetrics metrics, List<Epoch> epochs, long skippedRecords, long skippedFiles,
      long memoryBudgetBytes, long peakMemoryBytes) {

    double bytesPerSecond() {
      return seconds == 0 ? 0 : bytes / seconds;
    }

    /** The contract's idle fraction: wait / (wait + steps), after the first batch. */
    double idleFraction() {
      long wait = Arrays.stream(waitNanos).sum();
      return wait + totalStepNanos == 0 ? 0 : (double) wait / (wait + totalStepNanos);
    }

    double waitPercentileMillis(double percentile) {
      if (waitNanos.length == 0) {
        return 0;
      }
      long[] sorted = waitNanos.clone();
      Arrays.sort(sorted);
      int index = (int) Math.ceil(percentile / 100 * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }

    double recordsPerSecond() {
      return seconds == 0 ? 0 : records / seconds;
    }
  }

  /**
   * One epoch as the consumer saw it: from asking for its first batch to the end of the step
   * after its last.
   */
  record Epoch(long epoch, long records, double seconds) {
    double recordsPerSecond() {
      return seconds == 0 ? 0 : records / seconds;
    }
  }

  /**
   * Consumes every batch of {@code batches} (closing each) and closes nothing else. The first
   * batch's wait counts from this call.
   */
  Run consume(BatchIterator batches) {
    return consume(batches, System.nanoTime(), batch -> {});
  }

  /**
   * Like {@link #consume(BatchIterator)}, showing each batch to {@code eachBatch} before it is
   * closed; the time {@code eachBatch} takes counts in the run's seconds, not as wait or step.
   *
   * @param iteratorAskedAt {@link System#nanoTime()} just before the iterator was asked for: the
   *     first batch's wait counts from there, since starting the pipeline is part of what a
   *     trainer waits for (PERFORMANCE.md: "first batch within 100 ms of {@code iterator()}")
   */
  Run consume(BatchIterator batches, long iteratorAskedAt, Consumer<Batch> eachBatch) {
    MessageDigest runDigest = BatchDigest.sha256();
    long stepNanos = (long) (stepMillis * 1e6);
    long start = System.nanoTime();
    long firstBatch = -1;
    long[] waits = new long[64];
    int waitCount = 0;
    long steps = 0;
    long count = 0;
    long rows = 0;
    List<Epoch> epochs = new ArrayList<>();
    long epoch = -1;
    long epochRecords = 0;
    long epochStart = start;
    long epochEnd = start;
    while (true) {
      long askedAt = System.nanoTime();
      if (!batches.hasNext()) {
        break;
      }
      try (Batch batch = batches.next()) {
        long gotAt = System.nanoTime();
        if (firstBatch < 0) {
          firstBatch = gotAt - iteratorAskedAt;
        } else {
          if (waitCount == waits.length) {
            waits = Arrays.copyOf(waits, waitCount * 2);
          }
          waits[waitCount++] = gotAt - askedAt;
        }
        BatchDigest.update(runDigest, batch);
        eachBatch.accept(batch);
        count++;
        rows += batch.rows();
        long batchEpoch = batches.stats().epoch();
        if (batchEpoch != epoch) {
          if (epoch >= 0) {
            epochs.add(new Epoch(epoch, epochRecords, (epochEnd - epochStart) / 1e9));
          }
          epoch = batchEpoch;
          epochRecords = 0;
          epochStart = askedAt;
        }
        epochRecords += batch.rows();
      }
      if (stepNanos > 0) {
        long stepStart = System.nanoTime();
        long deadline = stepStart + stepNanos;
        for (long left = stepNanos; left > 0; left = deadline - System.nanoTime()) {
          LockSupport.parkNanos(left);
        }
        steps += System.nanoTime() - stepStart;
      }
      epochEnd = System.nanoTime();
    }
    if (epoch >= 0) {
      epochs.add(new Epoch(epoch, epochRecords, (epochEnd - epochStart) / 1e9));
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    IteratorStats stats = batches.stats();
    return new Run(count, rows, stats.recordBytes(), seconds, stepMillis, Math.max(firstBatch, 0),
        Arrays.copyOf(waits, waitCount), steps, HexFormat.of().formatHex(runDigest.digest()),
        batches.metrics(), List.copyOf(epochs), stats.skippedRecords(), stats.skippedFiles(),
        stats.memoryBudgetBytes(), stats.peakMemoryBytes());
  }
}
