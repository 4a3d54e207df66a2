package dev.ingest.arrow;

import dev.ingest.Column;
import dev.ingest.DType;
import dev.ingest.FeatureSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;

/**
 * One feature of the chunk a {@link ArrowRowFileReader} read last, copied out of Arrow's vectors
 * into direct buffers of the {@link Column} layout: values 64-byte aligned, row splits as longs
 * (Arrow's list offsets are ints), value offsets as ints starting at zero. The buffers are kept
 * and reused for the next chunk, grown when a chunk needs more.
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * Written by the reader's thread in {@link #load}; read by whoever the chunk was handed to, until
 * the reader's next {@code next()} or {@code close()}, as the row file reader's contract says.
 */
final class ChunkColumn implements Column {
  private static final int ALIGNMENT = 64;

  private final FeatureSpec feature;
  private final List<Integer> rowShape;
  private ByteBuffer values = aligned(ALIGNMENT);
  private ByteBuffer rowSplits;
  private ByteBuffer valueOffsets;
  private int rows;
  private int valueCount;
  private int valueBytes;

  ChunkColumn(FeatureSpec feature) {
    this.feature = feature;
    this.rowShape = feature.varLen() ? List.of() : feature.shape();
    this.rowSplits = feature.varLen() ? direct(Long.BYTES) : null;
    this.valueOffsets = feature.dtype() == DType.BYTES ? direct(Integer.BYTES) : null;
  }

  /**
   * Copies the first {@code rows} rows of {@code vector} (this feature's field in a loaded record
   * batch) into this column.
   *
   * @throws IllegalArgumentException if the vector holds a null
   */
  void load(FieldVector vector, int rows) {
    if (vector.getNullCount() != 0) {
      throw new IllegalArgumentException(
          "column '" + feature.name() + "' holds " + vector.getNullCount() + " nulls");
    }
    this.rows = rows;
    FieldVector leaf;
    int first;
    int end;
    if (vector instanceof ListVector list) {
      leaf = list.getDataVector();
      ArrowBuf offsets = list.getOffsetBuffer();
      first = rows == 0 ? 0 : offsets.getInt(0);
      end = rows == 0 ? 0 : offsets.getInt((long) rows * Integer.BYTES);
      rowSplits = ensure(rowSplits, (rows + 1) * Long.BYTES, false);
      rowSplits.putLong(0, 0);
      for (int row = 1; row <= rows; row++) {
        rowSplits.putLong(row * Long.BYTES, offsets.getInt((long) row * Integer.BYTES) - first);
      }
    } else if (vector instanceof FixedSizeListVector list) {
      leaf = list.getDataVector();
      first = 0;
      end = rows * list.getListSize();
    } else {
      leaf = vector;
      first = 0;
      end = rows;
    }
    if (leaf.getNullCount() != 0) {
      throw new IllegalArgumentException(
          "values of column '" + feature.name() + "' hold " + leaf.getNullCount() + " nulls");
    }
    valueCount = end - first;
    if (feature.dtype() == DType.BYTES) {
      loadByteStrings((VarBinaryVector) leaf, first);
    } else {
      valueBytes = valueCount * feature.dtype().width();
      values = ensure(values, valueBytes, true);
      if (valueBytes > 0) {
        leaf.getDataBuffer().getBytes((long) first * feature.dtype().width(),
            values.slice(0, valueBytes));
      }
    }
  }

  private void loadByteStrings(VarBinaryVector leaf, int first) {
    valueOffsets = ensure(valueOffsets, (valueCount + 1) * Integer.BYTES, false);
    valueOffsets.putInt(0, 0);
    if (valueCount == 0) {
      // An empty binary vector may come with an empty offsets buffer: nothing to read.
      valueBytes = 0;
      return;
    }
    ArrowBuf offsets = leaf.getOffsetBuffer();
    int firstByte = offsets.getInt((long) first * Integer.BYTES);
    for (int value = 1; value <= valueCount; value++) {
      valueOffsets.putInt(value * Integer.BYTES,
          offsets.getInt((long) (first + value) * Integer.BYTES) - firstByte);
    }
    valueBytes = valueOffsets.getInt(valueCount * Integer.BYTES);
    values = ensure(values, valueBytes, true);
    if (valueBytes > 0) {
      leaf.getDataBuffer().getBytes(firstByte, values.slice(0, valueBytes));
    }
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
    return feature.varLen();
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
    Objects.checkIndex(row, rows);
    return rowLengthUnchecked(row);
  }

  private int rowLengthUnchecked(int row) {
    if (!feature.varLen()) {
      return feature.elementCount();
    }
    return (int) (rowSplits.getLong((row + 1) * Long.BYTES) - rowSplits.getLong(row * Long.BYTES));
  }

  @Override
  public ByteBuffer values() {
    return view(values, 0, valueBytes);
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
      throw new IllegalStateException(
          "feature '" + name() + "' is not ragged: it has no row splits");
    }
    return view(rowSplits, 0, (rows + 1) * Long.BYTES).asLongBuffer();
  }

  @Override
  public IntBuffer valueOffsets() {
    requireType(DType.BYTES);
    return view(valueOffsets, 0, (valueCount + 1) * Integer.BYTES).asIntBuffer();
  }

  @Override
  public ByteBuffer bytes(int row, int index) {
    requireType(DType.BYTES);
    Objects.checkIndex(row, rows);
    Objects.checkIndex(index, rowLengthUnchecked(row));
    int first = feature.varLen()
        ? (int) rowSplits.getLong(row * Long.BYTES)
        : row * feature.elementCount();
    int value = first + index;
    int start = valueOffsets.getInt(value * Integer.BYTES);
    return view(values, start, valueOffsets.getInt((value + 1) * Integer.BYTES) - start);
  }

  private void requireType(DType expected) {
    if (dtype() != expected) {
      throw new IllegalStateException(
          "feature '" + name() + "' is " + dtype().wireName() + ", not " + expected.wireName());
    }
  }

  /** A read-only little-endian view of {@code length} bytes from {@code start}. */
  private static ByteBuffer view(ByteBuffer buffer, int start, int length) {
    return buffer.slice(start, length).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** {@code buffer}, or a larger one (at least double) when it holds fewer than {@code bytes}. */
  private static ByteBuffer ensure(ByteBuffer buffer, int bytes, boolean alignToCacheLine) {
    if (buffer.capacity() >= bytes) {
      return buffer;
    }
    int capacity = (int) Math.min(Integer.MAX_VALUE - 2 * ALIGNMENT,
        Math.max((long) bytes, 2L * buffer.capacity()));
    return alignToCacheLine ? aligned(capacity) : direct(capacity);
  }

  /**
   * A direct buffer whose first byte is 64-byte aligned. {@link ByteBuffer#alignedSlice} moves
   * both ends inward to a multiple of the alignment, so one alignment more than the rounded-up
   * capacity is allocated.
   */
  private static ByteBuffer aligned(int capacity) {
    int rounded = (capacity + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    return ByteBuffer.allocateDirect(rounded + ALIGNMENT).alignedSlice(ALIGNMENT)
        .order(ByteOrder.LITTLE_ENDIAN);
  }

  private static ByteBuffer direct(int capacity) {
    return ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
  }
}
