package dev.ingest.arrow;

import dev.ingest.Column;
import dev.ingest.DType;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;

/**
 * Copies the first rows of a {@link Column} into the Arrow vector of its field (as {@link
 * ArrowRowSchema} made it): numbers in one bulk copy of their little-endian bytes (Arrow's
 * buffers are little-endian too), byte strings one by one, list offsets row by row. Every value
 * is marked valid: a row file has no nulls.
 *
 * <p>Stateless; the caller confines each vector to one thread.
 */
final class ColumnToVector {
  private ColumnToVector() {}

  /** Replaces {@code vector}'s contents with rows {@code [0, rows)} of {@code column}. */
  static void copy(Column column, int rows, FieldVector vector) {
    if (vector instanceof ListVector list) {
      copyRagged(column, rows, list);
    } else if (vector instanceof FixedSizeListVector list) {
      int elements = list.getListSize();
      list.allocateNew();
      for (int row = 0; row < rows; row++) {
        list.startNewValue(row);
      }
      copyValues(column, 0, rows * elements, list.getDataVector());
      list.setValueCount(rows);
    } else {
      copyValues(column, 0, rows, vector);
    }
  }

  private static void copyRagged(Column column, int rows, ListVector list) {
    LongBuffer splits = column.rowSplits();
    long first = splits.get(0);
    list.allocateNew();
    for (int row = 0; row < rows; row++) {
      list.startNewValue(row);
      list.endValue(row, (int) (splits.get(row + 1) - splits.get(row)));
    }
    copyValues(column, (int) first, (int) (splits.get(rows) - first), list.getDataVector());
    list.setValueCount(rows);
  }

  /** Values {@code [first, first + count)} of {@code column} into a vector of primitives. */
  private static void copyValues(Column column, int first, int count, FieldVector vector) {
    if (column.dtype() == DType.BYTES) {
      copyByteStrings(column, first, count, (VarBinaryVector) vector);
      return;
    }
    BaseFixedWidthVector numbers = (BaseFixedWidthVector) vector;
    int width = column.dtype().width();
    numbers.allocateNew(count);
    ByteBuffer values = column.values();
    numbers.getDataBuffer().setBytes(0, values.slice(first * width, count * width));
    numbers.getValidityBuffer().setOne(0L, (count + 7) / 8);
    numbers.setValueCount(count);
  }

  private static void copyByteStrings(Column column, int first, int count, VarBinaryVector vector) {
    IntBuffer offsets = column.valueOffsets();
    ByteBuffer bytes = column.values();
    int firstByte = offsets.get(first);
    vector.allocateNew(Math.max(offsets.get(first + count) - firstByte, 1), Math.max(count, 1));
    for (int value = 0; value < count; value++) {
      int start = offsets.get(first + value);
      vector.setSafe(value, bytes, start, offsets.get(first + value + 1) - start);
    }
    vector.setValueCount(count);
  }
}
