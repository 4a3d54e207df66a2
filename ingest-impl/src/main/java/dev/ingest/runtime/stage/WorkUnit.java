package dev.ingest.runtime.stage;

import dev.ingest.Batch;
import dev.ingest.SourceCheckpoint;
import dev.ingest.tfrecord.DirectMemory;
import io.netty.buffer.ByteBufAllocator;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One slot of the pipeline's ring: a batch's serialized records on the way in, the parsed batch
 * or the failure on the way out. The source thread fills it and publishes it; the first parse
 * worker to claim it parses it and releases its records; the consumer takes the batch. Each
 * hand-off is ordered by a sequence (a write before a sequence is published, or before {@link
 * #finishedSequence} is stamped, is visible to whoever waited for it), so the other fields need
 * no locks or volatiles.
 */
public final class WorkUnit {
  private static final VarHandle CLAIMED;

  static {
    try {
      CLAIMED = MethodHandles.lookup().findVarHandle(WorkUnit.class, "claimed", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The batch's records, copied into the unit's own reusable arena. */
  StagedRecords records;
  public Batch batch;
  /**
   * The rows of {@link #batch} that every filter kept, in order: the first {@link #keptCount}
   * entries (grown once to the batch size, then reused). Without row transforms every row is
   * kept and the array is not used.
   */
  int[] keptRows;
  int keptCount;
  /** The epoch the records come from, and their serialized bytes. */
  public long epoch;
  public long recordBytes;
  /** The batch's index in its epoch, counting batches {@code skip} drops (for resuming). */
  public long batchInEpoch;
  /**
   * The source's checkpoint taken just before this unit's first record, when it took one since the
   * last unit it published; on an assembled batch, the last one before the batch's end.
   */
  public SourceCheckpoint checkpoint;
  /** On an assembled batch: rows the filters kept after {@link #checkpoint}, through this batch. */
  public long rowsAfterCheckpoint;
  /** Bytes of the memory budget this unit holds (its staged records or its parsed batch). */
  public long reservedBytes;
  /** 0 when published; 1 once a parse worker claimed it (see {@link #tryClaim}). */
  private volatile int claimed;
  /**
   * The sequence this unit was published as, once a parse worker finished it (parsed, failed, or
   * the end of the stream passed on): what the consumer waits for. A slot's stamp from an earlier
   * round never equals the sequence the consumer waits for, so it is never reset.
   */
  public volatile long finishedSequence = -1;
  public Throwable error;
  public String failedStage;
  public boolean end;

  /** @param readBuffers where the buffers of borrowed records go back to (see StagedRecords) */
  public WorkUnit(ByteBufAllocator allocator, DirectMemory readBuffers, int batchSize) {
    records = new StagedRecords(allocator, readBuffers, batchSize);
  }

  /** A slot for finished batches only (the assembled-batch ring): no records. */
  public WorkUnit() {
    records = null;
  }

  /** Called by the source before it publishes the unit: no worker has claimed it yet. */
  void openForClaims() {
    claimed = 0;
  }

  /** Whether the calling parse worker is the one that parses this unit: the first to ask is. */
  boolean tryClaim() {
    return CLAIMED.compareAndSet(this, 0, 1);
  }

  /** Gives back everything the unit holds (on shutdown). */
  public void releaseAll() {
    if (records != null) {
      records.release();
    }
    if (batch != null) {
      batch.release();
      batch = null;
    }
  }
}
