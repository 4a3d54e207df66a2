package dev.ingest.cli;

import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import dev.ingest.IteratorStats;
import dev.ingest.PipelineMetrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A training loop without a model: takes every batch of a pipeline and "runs a step" of {@code
 * stepMillis} per batch by parking, as a real accelerator step leaves the host CPU free. It
 * measures what the contract's run report needs: how long each {@code next()} blocked (the
 * accelerator's idle time), the time to the first batch, and each epoch's share of both.
 *
 * <p>The run digest, when asked for, is computed after each batch's step, on this thread, with
 * its time taken out of every figure: the consumer's clock stops while it hashes. A trainer does
 * not hash its batches, so hashing is no part of what the report measures.
 */
final class SimulatedAccelerator {
  private final double stepMillis;

  SimulatedAccelerator(double stepMillis) {
    if (stepMillis < 0) {
      throw new IllegalArgumentException("the step must be at least 0 ms, got " + stepMillis);
    }
    this.stepMillis = stepMillis;
  }

  /**
   * What a run measured. Waits are per batch after the first, in nanoseconds; {@code digest} is
   * null when none was asked for, and {@code digestNanos} the time hashing took (outside {@code
   * seconds}). {@code warmupEpochs} are epochs of a pass run before this one and left out of its
   * totals.
   */
  record Run(long batches, long records, long bytes, double seconds, double stepMillis,
      long firstBatchNanos, long[] waitNanos, long totalStepNanos, String digest,
      long digestNanos, PipelineMetrics metrics, List<Epoch> epochs, List<Epoch> warmupEpochs,
      long skippedRecords, long skippedFiles, long memoryBudgetBytes, long peakMemoryBytes) {

    double bytesPerSecond() {
      return seconds == 0 ? 0 : bytes / seconds;
    }

    /** The contract's idle fraction: wait / (wait + steps), after the first batch. */
    double idleFraction() {
      return SimulatedAccelerator.idleFraction(Arrays.stream(waitNanos).sum(), totalStepNanos);
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

    /** This run, with the epochs of a warm-up pass run before it listed ahead of its own. */
    Run withWarmup(List<Epoch> warmup) {
      return new Run(batches, records, bytes, seconds, stepMillis, firstBatchNanos, waitNanos,
          totalStepNanos, digest, digestNanos, metrics, epochs, List.copyOf(warmup),
          skippedRecords, skippedFiles, memoryBudgetBytes, peakMemoryBytes);
    }
  }

  /**
   * One epoch as the consumer saw it: from asking for its first batch to the end of the step
   * after its last. {@code waitNanos} are its batches' waits in {@code next()} (the run's first
   * batch's wait is not among them, as for the run's idle fraction) and {@code stepNanos} its
   * steps.
   */
  record Epoch(long epoch, long records, double seconds, long waitNanos, long stepNanos) {
    double recordsPerSecond() {
      return seconds == 0 ? 0 : records / seconds;
    }

    /** wait / (wait + steps) within this epoch. */
    double idleFraction() {
      return SimulatedAccelerator.idleFraction(waitNanos, stepNanos);
    }

    /**
     * Consecutive epochs as one: their records, seconds, waits and steps summed, numbered as the
     * first.
     */
    static Epoch merged(List<Epoch> epochs) {
      long records = 0;
      double seconds = 0;
      long waits = 0;
      long steps = 0;
      for (Epoch epoch : epochs) {
        records += epoch.records();
        seconds += epoch.seconds();
        waits += epoch.waitNanos();
        steps += epoch.stepNanos();
      }
      return new Epoch(epochs.get(0).epoch(), records, seconds, waits, steps);
    }
  }

  private static double idleFraction(long waitNanos, long stepNanos) {
    return waitNanos + stepNanos == 0 ? 0 : (double) waitNanos / (waitNanos + stepNanos);
  }

  /**
   * Consumes every batch of {@code batches} (closing each) and closes nothing else. The first
   * batch's wait counts from this call. No digest.
   */
  Run consume(BatchIterator batches) {
    return consume(batches, System.nanoTime(), batch -> {}, null);
  }

  /**
   * Like {@link #consume(BatchIterator)}, showing each batch to {@code eachBatch} as it arrives
   * and to {@code digest} after its step; the time {@code eachBatch} takes counts in the run's
   * seconds, not as wait or step, and the time {@code digest} takes counts nowhere.
   *
   * @param iteratorAskedAt {@link System#nanoTime()} just before the iterator was asked for: the
   *     first batch's wait counts from there, since starting the pipeline is part of what a
   *     trainer waits for (PERFORMANCE.md: "first batch within 100 ms of {@code iterator()}")
   * @param digest the run digest to feed, or null to hash nothing
   */
  Run consume(BatchIterator batches, long iteratorAskedAt, Consumer<Batch> eachBatch,
      RunDigest digest) {
    long stepNanos = (long) (stepMillis * 1e6);
    // The consumer's clock: System.nanoTime() less the time spent hashing so far, so that every
    // span measured on it leaves hashing out.
    long hashing = 0;
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
    long epochWait = 0;
    long epochSteps = 0;
    long epochStart = start;
    long epochEnd = start;
    while (true) {
      long askedAt = System.nanoTime() - hashing;
      if (!batches.hasNext()) {
        break;
      }
      Batch batch = batches.next();
      try {
        long gotAt = System.nanoTime() - hashing;
        long wait = 0;
        if (firstBatch < 0) {
          firstBatch = gotAt - iteratorAskedAt;
        } else {
          if (waitCount == waits.length) {
            waits = Arrays.copyOf(waits, waitCount * 2);
          }
          wait = gotAt - askedAt;
          waits[waitCount++] = wait;
        }
        eachBatch.accept(batch);
        count++;
        rows += batch.rows();
        long batchEpoch = batches.stats().epoch();
        if (batchEpoch != epoch) {
          if (epoch >= 0) {
            epochs.add(new Epoch(epoch, epochRecords, (epochEnd - epochStart) / 1e9, epochWait,
                epochSteps));
          }
          epoch = batchEpoch;
          epochRecords = 0;
          epochWait = 0;
          epochSteps = 0;
          epochStart = askedAt;
        }
        epochRecords += batch.rows();
        epochWait += wait;
        if (stepNanos > 0) {
          long stepStart = System.nanoTime();
          long deadline = stepStart + stepNanos;
          for (long left = stepNanos; left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
          }
          long step = System.nanoTime() - stepStart;
          steps += step;
          epochSteps += step;
        }
        epochEnd = System.nanoTime() - hashing;
        if (digest != null) {
          long hashStart = System.nanoTime();
          digest.add(batch);
          hashing += System.nanoTime() - hashStart;
        }
      } finally {
        batch.close();
      }
    }
    if (epoch >= 0) {
      epochs.add(new Epoch(epoch, epochRecords, (epochEnd - epochStart) / 1e9, epochWait,
          epochSteps));
    }
    double seconds = (System.nanoTime() - hashing - start) / 1e9;
    IteratorStats stats = batches.stats();
    return new Run(count, rows, stats.recordBytes(), seconds, stepMillis, Math.max(firstBatch, 0),
        Arrays.copyOf(waits, waitCount), steps, digest == null ? null : digest.hex(), hashing,
        batches.metrics(), List.copyOf(epochs), List.of(), stats.skippedRecords(),
        stats.skippedFiles(), stats.memoryBudgetBytes(), stats.peakMemoryBytes());
  }
}
