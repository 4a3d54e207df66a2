package dev.ingest.runtime;

import dev.ingest.Batch;
import dev.ingest.SourceCheckpoint;
import io.netty.buffer.ByteBufAllocator;

/**
 * One slot of the pipeline's ring: a batch's serialized records on the way in, the parsed batch
 * or the failure on the way out. The source thread fills it and publishes it; one parse worker
 * parses it and releases its records; the consumer takes the batch. Each hand-off is ordered by
 * the ring's sequences (a write before a sequence is published is visible to whoever waited for
 * that sequence), so the fields need no locks or volatiles.
 */
final class WorkUnit {
  /** The batch's records, copied into the unit's own reusable arena. */
  StagedRecords records;
  Batch batch;
  /**
   * The rows of {@link #batch} that every filter kept, in order: the first {@link #keptCount}
   * entries (grown once to the batch size, then reused). Without row transforms every row is
   * kept and the array is not used.
   */
  int[] keptRows;
  int keptCount;
  /** The epoch the records come from, and their serialized bytes. */
  long epoch;
  long recordBytes;
  /** The batch's index in its epoch, counting batches {@code skip} drops (for resuming). */
  long batchInEpoch;
  /**
   * The source's checkpoint taken just before this unit's first record, when it took one since the
   * last unit it published; on an assembled batch, the last one before the batch's end.
   */
  SourceCheckpoint checkpoint;
  /** On an assembled batch: rows the filters kept after {@link #checkpoint}, through this batch. */
  long rowsAfterCheckpoint;
  /** Bytes of the memory budget this unit holds (its staged records or its parsed batch). */
  long reservedBytes;
  /**
   * The parse worker that parses this unit, stamped by the source at publish from {@link
   * TunedSettings#ownerOf}; the others pass it.
   */
  int owner;
  Throwable error;
  String failedStage;
  boolean end;

  WorkUnit(ByteBufAllocator allocator, int batchSize) {
    records = new StagedRecords(allocator, batchSize);
  }

  /** A slot for finished batches only (the assembled-batch ring): no records. */
  WorkUnit() {
    records = null;
  }

  /** Gives back everything the unit holds (on shutdown). */
  void releaseAll() {
    if (records != null) {
      records.release();
    }
    if (batch != null) {
      batch.release();
      batch = null;
    }
  }
}
