package dev.ingest.runtime.stage;

import dev.ingest.BatchMapper;
import dev.ingest.MutableBatch;
import dev.ingest.RowFilter;
import dev.ingest.RowMapper;
import dev.ingest.Transform;
import dev.ingest.TransformException;
import dev.ingest.runtime.metrics.FusedTransformClocks;
import dev.ingest.runtime.metrics.StageClock;
import dev.ingest.runtime.metrics.StageLatency;
import dev.ingest.tfrecord.example.BatchRow;
import dev.ingest.tfrecord.example.SerializedRecords;
import java.util.ArrayList;
import java.util.List;

/**
 * A pipeline's user transforms, as one worker runs them: the row transforms (map, filter) on each
 * chunk of parsed rows in the order given, then the batch transforms on finished batches.
 *
 * <p>A chunk goes through the row transforms one transform at a time: the first over every row,
 * the next over the rows the filters before it kept, and so on. For the functions the contract
 * allows (pure per row, thread-safe) that yields exactly what tf.data's element-by-element order
 * yields: each row sees the transforms in order, and a row a filter drops is seen by no later
 * transform. What it buys: each transform is timed over the whole chunk, two clock reads per
 * transform per chunk ({@link FusedTransformClocks}), and its loop stays hot. What differs: when
 * two rows of one chunk would both fail, in different transforms, the error that surfaces is the
 * earlier transform's (element by element it was the earlier row's).
 *
 * <p>One instance per thread: it holds that thread's flyweight {@link BatchRow} and writes that
 * worker's clocks. The user's functions are shared between threads (their contract says they are
 * thread-safe).
 */
public final class TransformChain {
  private final Transform[] rowTransforms;
  private final StageClock[] rowClocks;
  private final StageLatency[] rowLatencies;
  private final List<Transform.MapBatches> batchTransforms = new ArrayList<>();
  private final BatchRow row = new BatchRow();

  /** A chain whose row transforms are not measured (batch transforms only, or a plan check). */
  public TransformChain(List<Transform> transforms) {
    this(transforms, FusedTransformClocks.of(transforms, 1), 0);
  }

  /**
   * @param clocks the row transforms' clocks, {@link FusedTransformClocks#of} over the same
   *     {@code transforms}
   * @param worker the worker running this chain: it writes {@code clockOf(worker)}
   */
  public TransformChain(List<Transform> transforms, List<FusedTransformClocks> clocks,
      int worker) {
    List<Transform> rows = new ArrayList<>();
    for (Transform transform : transforms) {
      if (transform instanceof Transform.MapBatches batches) {
        batchTransforms.add(batches);
      } else {
        rows.add(transform);
      }
    }
    if (clocks.size() != rows.size()) {
      throw new IllegalArgumentException(rows.size() + " row transforms but " + clocks.size()
          + " clocks");
    }
    rowTransforms = rows.toArray(new Transform[0]);
    rowClocks = new StageClock[rowTransforms.length];
    rowLatencies = new StageLatency[rowTransforms.length];
    for (int t = 0; t < rowTransforms.length; t++) {
      rowClocks[t] = clocks.get(t).clockOf(worker);
      rowLatencies[t] = clocks.get(t).latency();
    }
  }

  public boolean hasRowTransforms() {
    return rowTransforms.length > 0;
  }

  /**
   * Runs the row transforms on every row of {@code batch}, whose row r was parsed from record r
   * of {@code origin}; writes the indexes of the rows every filter kept into {@code kept} (at
   * least {@code batch.rows()} long), in order, and returns how many there are. {@code kept} is
   * also the work list between transforms, so a chunk allocates nothing.
   *
   * @throws StageFailure naming the transform that threw, with a {@link TransformException}
   */
  int applyToRows(MutableBatch batch, SerializedRecords origin, int[] kept) {
    int keptCount = batch.rows();
    for (int r = 0; r < keptCount; r++) {
      kept[r] = r;
    }
    return applyToRows(0, rowTransforms.length, batch, origin, null, kept, keptCount);
  }

  /** The row transforms (maps and filters) in the chain. */
  int rowTransformCount() {
    return rowTransforms.length;
  }

  /**
   * Runs row transforms {@code [from, to)} over the rows {@code kept[0..count)}; returns how many
   * of them every one kept (compacted in place). A transform that throws names the record of row
   * r: {@code recordOfRow[r]} of {@code origin}, or record r when that is {@code null} (rows
   * gathered from a cache skip the records a filter before it dropped).
   */
  int applyToRows(int from, int to, MutableBatch batch, SerializedRecords origin,
      int[] recordOfRow, int[] kept, int count) {
    int keptCount = count;
    for (int t = from; t < to && keptCount > 0; t++) {
      long start = System.nanoTime();
      int seen = keptCount;
      keptCount = apply(rowTransforms[t], batch, origin, recordOfRow, kept, keptCount);
      long spent = System.nanoTime() - start;
      rowClocks[t].addBusy(spent);
      rowClocks[t].addElements(seen);
      rowLatencies[t].record(spent);
    }
    return keptCount;
  }

  /** Runs one transform over the rows {@code rows[0..count)}; returns how many it kept there. */
  private int apply(Transform transform, MutableBatch batch, SerializedRecords origin,
      int[] recordOfRow, int[] rows, int count) {
    int r = -1;
    try {
      if (transform instanceof Transform.MapRows map) {
        RowMapper fn = map.fn();
        for (int i = 0; i < count; i++) {
          r = rows[i];
          fn.apply(row.moveTo(batch, r));
        }
        return count;
      }
      RowFilter fn = ((Transform.FilterRows) transform).fn();
      int kept = 0;
      for (int i = 0; i < count; i++) {
        r = rows[i];
        if (fn.keep(row.moveTo(batch, r))) {
          rows[kept++] = r;
        }
      }
      return kept;
    } catch (RuntimeException | Error e) {
      int record = recordOfRow == null ? r : recordOfRow[r];
      throw new StageFailure(transform.name(), new TransformException(transform.name(),
          origin.file(record), origin.offset(record), origin.index(record), e));
    }
  }

  /**
   * Runs the batch transforms on a finished batch.
   *
   * @throws StageFailure naming the transform that threw, with its exception as the cause
   */
  void applyToBatch(MutableBatch batch) {
    for (Transform.MapBatches transform : batchTransforms) {
      BatchMapper fn = transform.fn();
      try {
        fn.apply(batch);
      } catch (RuntimeException | Error e) {
        throw new StageFailure(transform.name(), e);
      }
    }
  }
}
