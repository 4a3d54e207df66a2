package dev.ingest.runtime.stage;

import dev.ingest.PipelineSpec;
import dev.ingest.PipelineState;
import dev.ingest.SourceCheckpoint;

/**
 * Where a (resumed) pipeline starts: the first epoch to read, the source checkpoint to start
 * that epoch from, the batches of that epoch to drop because the consumer already had them, and
 * the skip and take still to apply.
 *
 * @param startEpoch the epoch the source starts reading
 * @param dropThrough batches of {@code startEpoch} with an index up to this one are read but not
 *     delivered again (-1: none)
 * @param skip batches still to skip (the spec's {@code skip}, unless batches were delivered)
 * @param take batches still to deliver; -1 for no limit
 * @param delivered batches delivered before this iterator started
 * @param checkpoint where in {@code startEpoch} the source starts reading; {@code null}: at its
 *     start
 * @param rowsAfterCheckpoint rows kept by the filters after the checkpoint that the batch stage
 *     drops, when it decides the batches (they went into batches already delivered)
 */
public record ResumePoint(long startEpoch, long dropThrough, long skip, long take, long delivered,
    SourceCheckpoint checkpoint, long rowsAfterCheckpoint) {

  /**
   * The beginning of the pipeline: what {@link #of} gives for the state before its first batch,
   * without that state (whose spec fingerprint would have to be computed first).
   */
  public static ResumePoint beginning(PipelineSpec spec) {
    return new ResumePoint(0, -1, spec.skip(), spec.take(), 0, null, 0);
  }

  public static ResumePoint of(PipelineSpec spec, PipelineState state) {
    long delivered = state.batchesDelivered();
    // Once a batch was delivered, the spec's skip lies behind it (and inside the dropped batches).
    long skip = delivered > 0 ? 0 : spec.skip();
    long take = spec.take() == -1 ? -1 : Math.max(0, spec.take() - delivered);
    return new ResumePoint(state.epoch(), state.batchInEpoch(), skip, take, delivered,
        state.checkpoint(), state.rowsAfterCheckpoint());
  }

  /** Whether the batch {@code index} of {@code epoch} was delivered before the resume. */
  boolean alreadyDelivered(long epoch, long index) {
    return epoch == startEpoch && index <= dropThrough;
  }
}
