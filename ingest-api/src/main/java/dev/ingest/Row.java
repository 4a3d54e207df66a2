package dev.ingest;

import java.nio.ByteBuffer;

/**
 * One record of a batch being built, as a {@link RowMapper} or {@link RowFilter} sees it: its
 * parsed feature values, before batching and padding, read and written in place in the batch's
 * off-heap columns.
 *
 * <pre>{@code
 * RowMapper normalize = row -> {
 *   for (int i = 0; i < row.length("features"); i++) {
 *     row.setFloat("features", i, row.getFloat("features", i) / 255f);
 *   }
 * };
 * RowFilter labelled = row -> row.getLong("label", 0) >= 0;
 * }</pre>
 *
 * <h2>Ownership</h2>
 *
 * A row is a flyweight: the runtime moves one view from record to record, so a function sees a
 * valid row only during its call and must not keep it (or a buffer it returned) afterwards. No
 * object is created per record unless the function creates one.
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * A view is confined to the thread that calls the function. Writes change the value the batch
 * hands to the trainer; a row's length (values per feature) cannot change.
 */
public interface Row {

  /** Values of {@code feature} in this row; {@link IllegalArgumentException} for an unknown name. */
  int length(String feature);

  /** The {@code index}-th value of a float32 feature. */
  float getFloat(String feature, int index);

  /** The {@code index}-th value of an int64 feature. */
  long getLong(String feature, int index);

  /** The {@code index}-th byte string of a bytes feature: a read-only view, valid during the call. */
  ByteBuffer getBytes(String feature, int index);

  /** Replaces the {@code index}-th value of a float32 feature. */
  void setFloat(String feature, int index, float value);

  /** Replaces the {@code index}-th value of an int64 feature. */
  void setLong(String feature, int index, long value);
}
