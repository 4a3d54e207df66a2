package dev.ingest.runtime;

import dev.ingest.PipelineState;
import dev.ingest.SourceCheckpoint;

/**
 * Where a batch lies in the stream: its epoch, its index in the epoch, the source's last
 * checkpoint at or before it and the rows kept after that checkpoint. Enough to resume right
 * after the batch ({@link #toState}).
 *
 * <p>A pipeline keeps two, both on the consumer's thread, and moves them without allocating:
 *
 * <ul>
 *   <li><b>ready</b>: the batch the consumer took from the ring but has not been handed yet
 *       ({@code hasNext()} moves it, {@link #advanceTo}, while the ring's slot is still readable).
 *       It starts at the resume point's checkpoint: a unit carries a checkpoint only where the
 *       source took one, so the last one stays in effect until the next.
 *   <li><b>handed</b>: the last batch given to the consumer ({@code next()} copies the ready one
 *       into it, {@link #copyFrom}); {@code state()} and the stats read it. It starts at epoch -1,
 *       before any batch.
 * </ul>
 *
 * Two are needed because {@code hasNext()} looks one batch ahead: a state saved between the two
 * calls must not count the batch not yet handed.
 */
final class BatchPosition {
  private long epoch;
  private long batchInEpoch;
  private SourceCheckpoint checkpoint;
  private long rowsAfterCheckpoint;

  /** A position before the first batch of {@code epoch}, after {@code checkpoint} (or none). */
  BatchPosition(long epoch, SourceCheckpoint checkpoint) {
    this.epoch = epoch;
    this.checkpoint = checkpoint;
  }

  /**
   * Moves to a batch: {@code checkpoint} is the one the source took just before it, or {@code
   * null} when it took none since the last, which then stays in effect.
   */
  void advanceTo(long epoch, long batchInEpoch, SourceCheckpoint checkpoint,
      long rowsAfterCheckpoint) {
    this.epoch = epoch;
    this.batchInEpoch = batchInEpoch;
    if (checkpoint != null) {
      this.checkpoint = checkpoint;
    }
    this.rowsAfterCheckpoint = rowsAfterCheckpoint;
  }

  /** Moves to where {@code other} is. */
  void copyFrom(BatchPosition other) {
    epoch = other.epoch;
    batchInEpoch = other.batchInEpoch;
    checkpoint = other.checkpoint;
    rowsAfterCheckpoint = other.rowsAfterCheckpoint;
  }

  long epoch() {
    return epoch;
  }

  long batchInEpoch() {
    return batchInEpoch;
  }

  SourceCheckpoint checkpoint() {
    return checkpoint;
  }

  long rowsAfterCheckpoint() {
    return rowsAfterCheckpoint;
  }

  /** The state that resumes right after this batch, the {@code delivered}-th of the run. */
  PipelineState toState(String specFingerprint, long delivered) {
    return new PipelineState(specFingerprint, epoch, batchInEpoch, delivered, checkpoint,
        rowsAfterCheckpoint);
  }
}
