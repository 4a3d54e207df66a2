package dev.ingest.tfrecord.example;

import dev.ingest.Column;
import dev.ingest.DType;
import dev.ingest.FeatureSpec;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.List;

/**
 * A {@link Column} over {@link ColumnBuffer}s. Owns its buffers; its batch releases them.
 * Immutable once built (see {@link Column} for the threading contract).
 */
final class OffHeapColumn implements Column {
  private final FeatureSpec feature;
  private final List<Integer> rowShape;
  private final int rows;
  private final int valueCount;
  private final int valueBytes;
  private final ColumnBuffer values;
  private final ColumnBuffer rowSplits;
  private final ColumnBuffer valueOffsets;

  /**
   * @param rowSplits {@code rows + 1} longs for a ragged column, else {@code null}
   * @param valueOffsets {@code valueCount + 1} ints for a bytes column, else {@code null}
   */
  OffHeapColumn(
      FeatureSpec feature,
      List<Integer> rowShape,
      int rows,
      int valueCount,
      int valueBytes,
      ColumnBuffer values,
      ColumnBuffer rowSplits,
      ColumnBuffer valueOffsets) {
    this.feature = feature;
    this.rowShape = List.copyOf(rowShape);
    this.rows = rows;
    this.valueCount = valueCount;
    this.valueBytes = valueBytes;
    this.values = values;
    this.rowSplits = rowSplits;
    this.valueOffsets = valueOffsets;
  }

  @Override
  public String name() {
    return feature.name();
  }

  @Override
  public DType dtype() {
    return feature.dtype();
  }

  @Override
  public List<Integer> rowShape() {
    return rowShape;
  }

  @Override
  public boolean ragged() {
    return rowSplits != null;
  }

  @Override
  public int rows() {
    return rows;
  }

  @Override
  public int valueCount() {
    return valueCount;
  }

  @Override
  public int rowLength(int row) {
    java.util.Objects.checkIndex(row, rows);
    if (rowSplits == null) {
      return valueCount / Math.max(rows, 1);
    }
    ByteBuffer splits = rowSplits.view((rows + 1) * Long.BYTES);
    return (int) (splits.getLong((row + 1) * Long.BYTES) - splits.getLong(row * Long.BYTES));
  }

  @Override
  public ByteBuffer values() {
    return values.view(valueBytes);
  }

  @Override
  public FloatBuffer floats() {
    requireType(DType.FLOAT32);
    return values().asFloatBuffer();
  }

  @Override
  public LongBuffer longs() {
    requireType(DType.INT64);
    return values().asLongBuffer();
  }

  @Override
  public LongBuffer rowSplits() {
    if (rowSplits == null) {
      throw new IllegalStateException("feature '" + name() + "' is not ragged: it has no row splits");
    }
    return rowSplits.view((rows + 1) * Long.BYTES).asLongBuffer();
  }

  @Override
  public IntBuffer valueOffsets() {
    requireType(DType.BYTES);
    return valueOffsets.view((valueCount + 1) * Integer.BYTES).asIntBuffer();
  }

  @Override
  public ByteBuffer bytes(int row, int index) {
    requireType(DType.BYTES);
    java.util.Objects.checkIndex(row, rows);
    int first = rowSplits == null
        ? row * (valueCount / Math.max(rows, 1))
        : (int) rowSplits.buffer().getLongLE(rowSplits.base() + row * Long.BYTES);
    java.util.Objects.checkIndex(index, rowLength(row));
    int value = first + index;
    int start = valueOffsets.buffer().getIntLE(valueOffsets.base() + value * Integer.BYTES);
    int end = valueOffsets.buffer().getIntLE(valueOffsets.base() + (value + 1) * Integer.BYTES);
    return values.view(valueBytes).position(start).limit(end).slice()
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
  }

  /** The values' buffer, for the runtime's in-place transforms and for assembling batches. */
  ColumnBuffer valuesBuffer() {
    return values;
  }

  /** Index of row {@code row}'s first value (a value, not a byte). */
  int firstValue(int row) {
    if (rowSplits == null) {
      return row * (valueCount / Math.max(rows, 1));
    }
    return (int) rowSplits.buffer().getLongLE(rowSplits.base() + row * Long.BYTES);
  }

  /** Values in {@code row}, unchecked: for callers that already checked the row. */
  int valuesIn(int row) {
    if (rowSplits == null) {
      return valueCount / Math.max(rows, 1);
    }
    return firstValue(row + 1) - firstValue(row);
  }

  /** Byte index in the values of byte string {@code value} of a bytes column. */
  int byteOffset(int value) {
    return valueOffsets.buffer().getIntLE(valueOffsets.base() + value * Integer.BYTES);
  }

  /** A writable little-endian view of the values, for a {@link dev.ingest.BatchMapper}. */
  ByteBuffer writableValues() {
    return values.buffer().nioBuffer(values.base(), valueBytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
  }

  FeatureSpec feature() {
    return feature;
  }

  void release() {
    values.release();
    if (rowSplits != null) {
      rowSplits.release();
    }
    if (valueOffsets != null) {
      valueOffsets.release();
    }
  }

  private void requireType(DType expected) {
    if (dtype() != expected) {
      throw new IllegalStateException(
          "feature '" + name() + "' is " + dtype().wireName() + ", not " + expected.wireName());
    }
  }
}
