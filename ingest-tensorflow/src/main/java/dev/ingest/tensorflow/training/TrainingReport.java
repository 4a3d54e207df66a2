package dev.ingest.tensorflow.training;

/**
 * What a training run measured, as {@code ingest train --json} reports it.
 *
 * @param steps gradient steps taken (one per batch)
 * @param lossFirst the loss of the first batch, before any update
 * @param lossLast the loss of the last batch, before its update
 * @param firstBatchNanos from starting the loop to the first batch being ready
 * @param trainingNanos from the first batch being ready to the end of the last step
 * @param waitNanos time blocked in the iterator after the first batch (its {@code stats()})
 */
public record TrainingReport(
    long steps, float lossFirst, float lossLast, long firstBatchNanos, long trainingNanos,
    long waitNanos) {

  /** Steps per second from the first batch on (graph building and the first wait excluded). */
  public double stepsPerSecond() {
    return trainingNanos == 0 ? 0 : steps / (trainingNanos / 1e9);
  }

  /**
   * The contract's idle fraction: time the loop waited for batches / (that + time in its steps),
   * after the first batch. The steps include converting each batch into tensors.
   */
  public double idleFraction() {
    return trainingNanos == 0 ? 0 : Math.min(1, (double) waitNanos / trainingNanos);
  }
}
