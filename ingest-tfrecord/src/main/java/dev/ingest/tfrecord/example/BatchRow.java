package dev.ingest.tfrecord.example;

import dev.ingest.Batch;
import dev.ingest.DType;
import dev.ingest.Row;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * The flyweight {@link Row} the runtime hands to row transforms: one object per thread, moved
 * over the rows of unpadded batches that {@link ExampleParser} built, reading and writing their
 * off-heap columns in place. Nothing is allocated per row (except the views {@link
 * #getBytes(String, int)} returns).
 *
 * <p>Confined to one thread. Valid between {@link #moveTo(Batch, int)} and the batch's release.
 */
public final class BatchRow implements Row {
  private List<OffHeapColumn> columns = List.of();
  private int row;

  /** Points the view at {@code row} of {@code batch}, a batch built by {@link ExampleParser}. */
  public BatchRow moveTo(Batch batch, int row) {
    OffHeapBatch offHeap = (OffHeapBatch) batch;
    Objects.checkIndex(row, offHeap.rows());
    this.columns = offHeap.offHeapColumns();
    this.row = row;
    return this;
  }

  /** The row the view points at. */
  public int row() {
    return row;
  }

  @Override
  public int length(String feature) {
    return column(feature).valuesIn(row);
  }

  @Override
  public float getFloat(String feature, int index) {
    OffHeapColumn column = typed(feature, DType.FLOAT32);
    ColumnBuffer values = column.valuesBuffer();
    return values.buffer().getFloatLE(values.base() + value(column, index) * Float.BYTES);
  }

  @Override
  public long getLong(String feature, int index) {
    OffHeapColumn column = typed(feature, DType.INT64);
    ColumnBuffer values = column.valuesBuffer();
    return values.buffer().getLongLE(values.base() + value(column, index) * Long.BYTES);
  }

  @Override
  public ByteBuffer getBytes(String feature, int index) {
    OffHeapColumn column = typed(feature, DType.BYTES);
    return column.bytes(row, index);
  }

  @Override
  public void setFloat(String feature, int index, float value) {
    OffHeapColumn column = typed(feature, DType.FLOAT32);
    ColumnBuffer values = column.valuesBuffer();
    values.buffer().setFloatLE(values.base() + value(column, index) * Float.BYTES, value);
  }

  @Override
  public void setLong(String feature, int index, long value) {
    OffHeapColumn column = typed(feature, DType.INT64);
    ColumnBuffer values = column.valuesBuffer();
    values.buffer().setLongLE(values.base() + value(column, index) * Long.BYTES, value);
  }

  private int value(OffHeapColumn column, int index) {
    Objects.checkIndex(index, column.valuesIn(row));
    return column.firstValue(row) + index;
  }

  private OffHeapColumn typed(String feature, DType dtype) {
    OffHeapColumn column = column(feature);
    if (column.dtype() != dtype) {
      throw new IllegalStateException("feature '" + feature + "' is "
          + column.dtype().wireName() + ", not " + dtype.wireName());
    }
    return column;
  }

  private OffHeapColumn column(String feature) {
    // A handful of features: a scan beats a map, and identical literals match at the first test.
    for (int i = 0; i < columns.size(); i++) {
      OffHeapColumn column = columns.get(i);
      String name = column.name();
      if (name == feature || name.equals(feature)) {
        return column;
      }
    }
    throw new IllegalArgumentException("the row has no feature '" + feature + "'");
  }
}
