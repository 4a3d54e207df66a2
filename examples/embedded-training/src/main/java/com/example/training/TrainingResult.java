package com.example.training;

/**
 * What a training run measured.
 *
 * @param steps gradient steps taken, one per batch
 * @param lossFirst the first batch's loss, before any step
 * @param lossLast the last batch's loss, before its step
 * @param idleFraction the share of the time from the first batch on that the loop spent waiting
 *     for batches rather than training: near 0 when ingest keeps up with the model
 */
record TrainingResult(long steps, float lossFirst, float lossLast, double idleFraction) {

  /** Whether the model learnt anything. */
  boolean lossFell() {
    return lossLast < lossFirst;
  }
}
