package dev.ingest.runtime.stage;

import dev.ingest.Batch;
import dev.ingest.MutableBatch;
import dev.ingest.SourceCheckpoint;
import dev.ingest.runtime.memory.MemoryBudget;
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
 *
 * <p><b>Ownership</b>, in Netty's manner: whoever writes a unit hands it over whole by one of
 * {@link #loadRecords}, {@link #loadBatch}, {@link #markEnd} or {@link #markFailed} (each sets
 * every field its {@link Kind} is read by), and whoever reads it gives back what it holds by
 * {@link #takeBatch} (the consumer, which then owns the batch) or {@link #releaseBatch} (a stage
 * done with it). A unit holds the memory budget's bytes for what it carries ({@link
 * #reservedBytes}) until one of those two gives them back.
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

  /** What a published unit carries: what its reader looks at, and whether there is a batch. */
  public enum Kind {
    /** A batch: its serialized records until a worker parses them, then the parsed batch. */
    BATCH,
    /** The end of the stream: nothing more comes after it. */
    END,
    /** A stage failed: {@link WorkUnit#failedStage()} says which, {@link WorkUnit#error()} why. */
    FAILED
  }

  /** Where a unit's rows come from, and whether they go to a cache of rows. */
  public enum Rows {
    /** Parsed from its records (no cache of rows, or one that is done with filling). */
    PARSE,
    /** Parsed, and the rows that reach the cache's position copied into the cache too. */
    PARSE_AND_CACHE,
    /** Parsed into the cache only, never delivered: a fill before the first epoch it serves. */
    CACHE_ONLY,
    /** Gathered from the cache: its records are handles naming cached rows (see RowCache). */
    FROM_CACHE
  }

  /** The batch's records, copied into the unit's own reusable arena. */
  private StagedRecords records;
  private MutableBatch batch;
  /**
   * The rows of {@link #batch} that every filter kept, in order: the first {@link #keptCount}
   * entries (grown once to the batch size, then reused). Without row transforms every row is
   * kept and the array is not used.
   */
  private int[] keptRows;
  private int keptCount;
  /** Whether every row of the attached batch is kept still (no row transform ran on it yet). */
  private boolean keptAll = true;
  /** The epoch the records come from, and their serialized bytes. */
  private long epoch;
  private long recordBytes;
  /** The batch's index in its epoch, counting batches {@code skip} drops (for resuming). */
  private long batchInEpoch;
  /**
   * The source's checkpoint taken just before this unit's first record, when it took one since the
   * last unit it published; on an assembled batch, the last one before the batch's end.
   */
  private SourceCheckpoint checkpoint;
  /** On an assembled batch: rows the filters kept after {@link #checkpoint}, through this batch. */
  private long rowsAfterCheckpoint;
  /** Bytes of the memory budget this unit holds (its staged records or its parsed batch). */
  private long reservedBytes;
  /** 0 when published; 1 once a parse worker claimed it (see {@link #tryClaim}). */
  private volatile int claimed;
  /**
   * The sequence this unit was published as, once a parse worker finished it (parsed, failed, or
   * the end of the stream passed on): what the consumer waits for. A slot's stamp from an earlier
   * round never equals the sequence the consumer waits for, so it is never reset.
   */
  public volatile long finishedSequence = -1;
  private Kind kind = Kind.BATCH;
  private Rows rows = Rows.PARSE;
  /**
   * For a unit that fills a cache of rows: the rows that reached the cache's position, copied
   * out, and each one's origin (source file index in the cache, record index, offset). The
   * batch stage hands them to the cache.
   */
  private Batch cachedRows;
  private int[] cachedFiles;
  private long[] cachedRecords;
  private long[] cachedOffsets;
  private Throwable error;
  private String failedStage;

  /** @param readBuffers where the buffers of borrowed records go back to (see StagedRecords) */
  public WorkUnit(ByteBufAllocator allocator, DirectMemory readBuffers, int batchSize) {
    records = new StagedRecords(allocator, readBuffers, batchSize);
  }

  /** A slot for finished batches only (the assembled-batch ring): no records. */
  public WorkUnit() {
    records = null;
  }

  // ---- Written by the stage that publishes the unit, before it publishes it. ----

  /**
   * Where the unit's batch sits in the stream (for resuming and the consumer's position). Set
   * with {@link #loadRecords} or {@link #loadBatch}.
   *
   * @param rowsAfterCheckpoint rows kept after {@code checkpoint} through this batch (0 for a
   *     unit of records, whose checkpoint comes before its first record)
   */
  void markPosition(long epoch, long batchInEpoch, SourceCheckpoint checkpoint,
      long rowsAfterCheckpoint) {
    this.epoch = epoch;
    this.batchInEpoch = batchInEpoch;
    this.checkpoint = checkpoint;
    this.rowsAfterCheckpoint = rowsAfterCheckpoint;
  }

  /**
   * Makes this a unit of records to parse (the source's publish). The unit takes {@code staged}
   * and the {@code reservedBytes} of the budget the caller reserved for it and its parsed batch;
   * in exchange the caller owns the returned records, the unit's earlier arena (emptied by the
   * worker that parsed it), and fills them next.
   */
  StagedRecords loadRecords(StagedRecords staged, long reservedBytes) {
    return loadRecords(staged, reservedBytes, Rows.PARSE);
  }

  /** As {@link #loadRecords(StagedRecords, long)}, with where the unit's rows come from. */
  StagedRecords loadRecords(StagedRecords staged, long reservedBytes, Rows rows) {
    StagedRecords empty = records;
    this.rows = rows;
    cachedRows = null;
    this.reservedBytes = reservedBytes;
    recordBytes = staged.bytes();
    records = staged;
    batch = null;
    error = null;
    failedStage = null;
    kind = Kind.BATCH;
    return empty;
  }

  /**
   * Makes this a unit of a finished batch (the batch stage's publish): the unit takes ownership
   * of {@code batch} and charges its bytes to {@code budget} until it is taken.
   *
   * @param recordBytes the serialized bytes the batch was parsed from
   */
  void loadBatch(MutableBatch batch, long recordBytes, MemoryBudget budget) {
    // Never waits for room (only the source does): the ring the unit belongs to bounds these.
    reservedBytes = batch.memoryBytes();
    budget.adjust(reservedBytes);
    this.batch = batch;
    this.recordBytes = recordBytes;
    error = null;
    failedStage = null;
    kind = Kind.BATCH;
  }

  /**
   * Makes this the end of the stream. The unit holds no batch and no budget: a batch it still
   * names was taken by the consumer, which owns it, and is only forgotten here.
   */
  void markEnd() {
    batch = null;
    reservedBytes = 0;
    error = null;
    failedStage = null;
    kind = Kind.END;
  }

  /**
   * Makes this a failure of {@code stage}. Like {@link #markEnd}, the unit holds no batch and no
   * budget afterwards; a parse worker gives back what the unit held first ({@link
   * #releaseBatch}).
   */
  void markFailed(String stage, Throwable error) {
    batch = null;
    reservedBytes = 0;
    this.error = error;
    failedStage = stage;
    kind = Kind.FAILED;
  }

  /** Called by the source before it publishes the unit: no worker has claimed it yet. */
  void openForClaims() {
    claimed = 0;
  }

  // ---- The parse worker that claimed the unit. ----

  /** Whether the calling parse worker is the one that parses this unit: the first to ask is. */
  boolean tryClaim() {
    return CLAIMED.compareAndSet(this, 0, 1);
  }

  /** The staged records, still owned by the unit: the caller reads them, and keeps no reference. */
  StagedRecords records() {
    return records;
  }

  /**
   * Takes ownership of the batch parsed from the unit's records, every row kept until {@link
   * #applyRowTransforms} says otherwise. The worker attaches it before running any transform, so
   * a failure from then on gives it back with the unit ({@link #releaseBatch}).
   */
  void attachParsed(MutableBatch parsed) {
    batch = parsed;
    keptCount = parsed == null ? 0 : parsed.rows();
    keptAll = true;
  }

  /**
   * Drops rows of the attached batch before any row transform runs: rows whose records were not
   * valid Examples. The filters' machinery then carries the rest, so the batch stage refills the
   * batch as it does after a filter.
   *
   * @param dropped the rows to drop, ascending: the first {@code count} entries
   */
  void dropRows(int[] dropped, int count) {
    int rows = batch.rows();
    ensureKeptRows(rows);
    int kept = 0;
    int next = 0;
    for (int r = 0; r < rows; r++) {
      if (next < count && dropped[next] == r) {
        next++;
      } else {
        keptRows[kept++] = r;
      }
    }
    keptCount = kept;
    keptAll = false;
  }

  /** Runs the row transforms on the attached batch; the unit remembers which rows they kept. */
  void applyRowTransforms(TransformChain transforms) {
    applyRowTransforms(transforms, 0, transforms.rowTransformCount(), null);
  }

  /**
   * Runs row transforms {@code [from, to)} on the rows kept so far (all of them, first). A
   * transform that throws names the record of row r: {@code recordOfRow[r]} of the unit's
   * records, or record r when that is {@code null}.
   */
  void applyRowTransforms(TransformChain transforms, int from, int to, int[] recordOfRow) {
    if (batch == null) {
      return;
    }
    ensureKeptRows(batch.rows());
    if (keptAll) {
      for (int r = 0; r < batch.rows(); r++) {
        keptRows[r] = r;
      }
      keptCount = batch.rows();
      keptAll = false;
    }
    keptCount = transforms.applyToRows(from, to, batch, records.records(), recordOfRow, keptRows,
        keptCount);
  }

  /** Grows {@link #keptRows} once to hold every row of a batch or a unit's records. */
  private void ensureKeptRows(int rows) {
    if (keptRows == null || keptRows.length < rows) {
      keptRows = new int[Math.max(rows, records == null ? 0 : records.size())];
    }
  }

  /** Where this unit's rows come from, and whether they go to the cache too. */
  public Rows rows() {
    return rows;
  }

  /** Whether the unit's rows are to be delivered (all but a cache-only fill's). */
  boolean delivered() {
    return rows != Rows.CACHE_ONLY;
  }

  /**
   * The origin arrays a worker fills for {@link #keepCachedRows}, made once per slot; at least
   * {@code size} long.
   */
  int[] cachedFiles(int size) {
    if (cachedFiles == null || cachedFiles.length < size) {
      cachedFiles = new int[size];
      cachedRecords = new long[size];
      cachedOffsets = new long[size];
    }
    return cachedFiles;
  }

  long[] cachedRecords() {
    return cachedRecords;
  }

  long[] cachedOffsets() {
    return cachedOffsets;
  }

  /** Takes ownership of the rows copied for the cache (origins already in the arrays). */
  void keepCachedRows(Batch rows) {
    cachedRows = rows;
  }

  /**
   * The rows copied for the cache, or {@code null}; the caller owns them from here (it hands them
   * to the cache, or releases them).
   */
  Batch takeCachedRows() {
    Batch taken = cachedRows;
    cachedRows = null;
    return taken;
  }

  /**
   * The staged records are done with: from here the unit's reservation is its parsed batch's
   * true size instead of the estimate the source reserved for the records and the batch.
   */
  void chargeParsedBatch(MemoryBudget budget) {
    long parsedBytes = batch == null ? 0 : batch.memoryBytes();
    budget.observeParsed(recordBytes, parsedBytes);
    budget.adjust(parsedBytes - reservedBytes);
    reservedBytes = parsedBytes;
  }

  // ---- Whoever reads the published unit. ----

  /** What the unit carries; the rest of its fields mean something only for what this says. */
  public Kind kind() {
    return kind;
  }

  /** On a {@link Kind#FAILED} unit: the stage that failed, and why. */
  public String failedStage() {
    return failedStage;
  }

  public Throwable error() {
    return error;
  }

  public long epoch() {
    return epoch;
  }

  public long batchInEpoch() {
    return batchInEpoch;
  }

  /** The checkpoint the unit carries, or {@code null} when the one in effect still holds. */
  public SourceCheckpoint checkpoint() {
    return checkpoint;
  }

  public long rowsAfterCheckpoint() {
    return rowsAfterCheckpoint;
  }

  /** The serialized bytes the unit's batch was parsed from. */
  public long recordBytes() {
    return recordBytes;
  }

  /** The budget's bytes the unit holds now. */
  public long reservedBytes() {
    return reservedBytes;
  }

  /** The parsed batch, still owned by the unit: the caller reads it, and keeps no reference. */
  Batch batch() {
    return batch;
  }

  /** How many of the parsed batch's rows every filter kept. */
  int keptCount() {
    return keptCount;
  }

  /** The index in the parsed batch of the {@code i}th row every filter kept. */
  int keptRow(int i) {
    return keptAll ? i : keptRows[i];
  }

  /**
   * The consumer's take: the caller owns the returned batch and must release it; the unit holds
   * neither it nor any budget afterwards (a taken batch no longer counts against the pipeline's
   * budget).
   */
  public Batch takeBatch(MemoryBudget budget) {
    budget.release(reservedBytes);
    reservedBytes = 0;
    Batch taken = batch;
    batch = null;
    return taken;
  }

  /**
   * The batch stage's take of a parsed chunk that is a whole batch as it is: the caller owns the
   * returned batch; the unit holds neither it nor any budget afterwards.
   */
  MutableBatch takeParsed(MemoryBudget budget) {
    budget.release(reservedBytes);
    reservedBytes = 0;
    MutableBatch taken = batch;
    batch = null;
    return taken;
  }

  /**
   * Gives back the batch, if any, and the budget the unit holds: its reader (the batch stage
   * once it copied the kept rows, or a parse worker that failed) is done with them.
   */
  void releaseBatch(MemoryBudget budget) {
    if (batch != null) {
      batch.release();
      batch = null;
    }
    if (cachedRows != null) {
      cachedRows.release();
      cachedRows = null;
    }
    budget.release(reservedBytes);
    reservedBytes = 0;
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
    if (cachedRows != null) {
      cachedRows.release();
      cachedRows = null;
    }
  }
}
