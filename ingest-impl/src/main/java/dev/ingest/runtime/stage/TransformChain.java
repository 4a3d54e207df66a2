package dev.ingest.runtime.stage;

import dev.ingest.BatchMapper;
import dev.ingest.MutableBatch;
import dev.ingest.RowFilter;
import dev.ingest.RowMapper;
import dev.ingest.Transform;
import dev.ingest.TransformException;
import dev.ingest.tfrecord.example.BatchRow;
import dev.ingest.tfrecord.example.SerializedRecords;
import java.util.ArrayList;
import java.util.List;

/**
 * A pipeline's user transforms, as one worker runs them: the row transforms (map, filter) on each
 * parsed row in the order given, element by element as tf.data applies them (a record a filter
 * drops is seen by no later transform), then the batch transforms on finished batches.
 *
 * <p>One instance per thread: it holds that thread's flyweight {@link BatchRow}. The user's
 * functions are shared between threads (their contract says they are thread-safe).
 */
public final class TransformChain {
  private final Transform[] rowTransforms;
  private final List<Transform.MapBatches> batchTransforms = new ArrayList<>();
  private final BatchRow row = new BatchRow();

  public TransformChain(List<Transform> transforms) {
    List<Transform> rows = new ArrayList<>();
    for (Transform transform : transforms) {
      if (transform instanceof Transform.MapBatches batches) {
        batchTransforms.add(batches);
      } else {
        rows.add(transform);
      }
    }
    rowTransforms = rows.toArray(new Transform[0]);
  }

  public boolean hasRowTransforms() {
    return rowTransforms.length > 0;
  }

  /**
   * Runs the row transforms on every row of {@code batch}, whose row r was parsed from record r
   * of {@code origin}; writes the indexes of the rows every filter kept into {@code kept} (at
   * least {@code batch.rows()} long), in order, and returns how many there are.
   *
   * @throws StageFailure naming the transform that threw, with a {@link TransformException}
   */
  int applyToRows(MutableBatch batch, SerializedRecords origin, int[] kept) {
    int keptCount = 0;
    for (int r = 0; r < batch.rows(); r++) {
      row.moveTo(batch, r);
      if (keepsAfterTransforms(origin, r)) {
        kept[keptCount++] = r;
      }
    }
    return keptCount;
  }

  private boolean keepsAfterTransforms(SerializedRecords origin, int r) {
    for (Transform transform : rowTransforms) {
      try {
        if (transform instanceof Transform.MapRows map) {
          RowMapper fn = map.fn();
          fn.apply(row);
        } else {
          RowFilter fn = ((Transform.FilterRows) transform).fn();
          if (!fn.keep(row)) {
            return false;
          }
        }
      } catch (RuntimeException | Error e) {
        throw new StageFailure(transform.name(), new TransformException(transform.name(),
            origin.file(r), origin.offset(r), origin.index(r), e));
      }
    }
    return true;
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
