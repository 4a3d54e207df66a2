package dev.ingest.runtime.tune;

/**
 * Running totals of a pipeline at one moment, as the tuner reads them; two of them make a
 * {@link TuningWindow}.
 *
 * @param nanos when ({@link System#nanoTime()})
 * @param batchesTaken batches the consumer has taken
 * @param lastTakeNanos when it took the last of them
 * @param consumerWaitNanos its time waiting for batches, after the first
 * @param parseBusyNanos the parse workers' busy time, summed
 * @param activeWorkers the parse workers active now
 * @param sourceWaitNanos the read stage's time waiting for ring room or memory budget
 * @param sourceDone whether the read stage has read everything (the rest is draining)
 * @param memoryUsedBytes bytes in flight
 * @param memoryLimitBytes the memory budget
 * @param unitBytes the most bytes one unit has held
 */
public record PipelineSample(
    long nanos,
    long batchesTaken,
    long lastTakeNanos,
    long consumerWaitNanos,
    long parseBusyNanos,
    int activeWorkers,
    long sourceWaitNanos,
    boolean sourceDone,
    long memoryUsedBytes,
    long memoryLimitBytes,
    long unitBytes) {

  /** The window from {@code start} to this sample; {@code pipelineStart} dates it. */
  TuningWindow since(PipelineSample start, long pipelineStartNanos) {
    double span = Math.max(1, nanos - start.nanos);
    long batches = batchesTaken - start.batchesTaken;
    double takeSpan = lastTakeNanos - start.lastTakeNanos;
    double rate = takeSpan > 0 ? batches / (takeSpan / 1e9) : 0;
    return new TuningWindow(
        (nanos - pipelineStartNanos) / 1_000_000,
        batches,
        rate,
        Math.min(1, (consumerWaitNanos - start.consumerWaitNanos) / span),
        Math.min(1, (parseBusyNanos - start.parseBusyNanos) / (span * activeWorkers)),
        Math.max(0, Math.min(1, 1 - (sourceWaitNanos - start.sourceWaitNanos) / span)),
        memoryUsedBytes,
        memoryLimitBytes,
        unitBytes);
  }
}
