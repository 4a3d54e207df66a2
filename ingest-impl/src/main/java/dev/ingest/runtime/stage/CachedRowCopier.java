package dev.ingest.runtime.stage;

import dev.ingest.ExampleSpec;
import dev.ingest.MutableBatch;
import dev.ingest.PaddingSpec;
import dev.ingest.runtime.cache.RowCache;
import dev.ingest.runtime.metrics.StageClock;
import dev.ingest.runtime.metrics.StageLatency;
import dev.ingest.tfrecord.DirectMemory;
import dev.ingest.tfrecord.example.BatchAssembler;
import dev.ingest.tfrecord.example.SerializedRecords;
import io.netty.buffer.ByteBuf;

/**
 * A parse worker's copies to and from the {@link RowCache}: the rows that reach the cache's
 * position out of a parsed chunk ({@link #copyOut}), and the cached rows a unit's handles name
 * into a fresh chunk ({@link #gather}). Both copy row by row into unpadded columns ({@link
 * BatchAssembler}); padding is the batch stage's.
 *
 * <p>One per worker, confined to its thread.
 */
public final class CachedRowCopier {
  private final RowCache cache;
  private final BatchAssembler segments;
  private final BatchAssembler chunks;
  /** For each row of the last gathered chunk, the index of the unit's record that named it. */
  private final int[] recordOfRow;
  /** This worker's clock of the stage {@code cache}: two clock reads per chunk, none per row. */
  private final StageClock clock;
  private final StageLatency latency;

  /**
   * @param segmentMemory where cached rows' columns come from: they stay for the pipeline's life,
   *     so not from the pool that recycles batches' columns
   * @param chunkMemory where gathered chunks' columns come from, as parsed chunks' do
   */
  public CachedRowCopier(RowCache cache, ExampleSpec features, int batchSize,
      DirectMemory segmentMemory, DirectMemory chunkMemory, StageClock clock,
      StageLatency latency) {
    this.clock = clock;
    this.latency = latency;
    this.cache = cache;
    this.segments = new BatchAssembler(features, PaddingSpec.none(), segmentMemory, batchSize);
    this.chunks = new BatchAssembler(features, PaddingSpec.none(), chunkMemory, batchSize);
    this.recordOfRow = new int[batchSize];
  }

  /**
   * Copies the kept rows of {@code unit}'s parsed chunk into a segment the unit then holds for the
   * cache, with each row's origin.
   */
  void copyOut(WorkUnit unit) {
    int kept = unit.keptCount();
    if (kept == 0) {
      return;
    }
    long start = System.nanoTime();
    SerializedRecords origin = unit.records().records();
    int[] files = unit.cachedFiles(kept);
    long[] records = unit.cachedRecords();
    long[] offsets = unit.cachedOffsets();
    try {
      for (int i = 0; i < kept; i++) {
        int row = unit.keptRow(i);
        segments.append(unit.batch(), row);
        files[i] = cache.indexOf(origin.file(row));
        records[i] = origin.index(row);
        offsets[i] = origin.offset(row);
      }
      unit.keepCachedRows(segments.finish());
    } finally {
      segments.abandon();
      measure(start, kept);
    }
  }

  /**
   * The cached rows the unit's handles name, in order, as a fresh chunk the caller owns; {@code
   * null} when every handle names a record a filter before the cache dropped.
   */
  MutableBatch gather(SerializedRecords handles) {
    long start = System.nanoTime();
    int rows = 0;
    try {
      for (int record = 0; record < handles.size(); record++) {
        ByteBuf buffer = handles.buffer(record);
        long id = buffer.getLongLE(handles.start(record));
        if (id != RowCache.DROPPED) {
          cache.appendRow(chunks, id);
          recordOfRow[rows++] = record;
        }
      }
      return rows == 0 ? null : chunks.finish();
    } finally {
      chunks.abandon();
      measure(start, rows);
    }
  }

  private void measure(long start, int rows) {
    long spent = System.nanoTime() - start;
    clock.addBusy(spent);
    clock.addElements(rows);
    latency.record(spent);
  }

  /** For each row of the last gathered chunk, the index of the record (handle) that named it. */
  int[] recordOfRow() {
    return recordOfRow;
  }
}
