package dev.ingest.tfrecord.example;

import dev.ingest.DType;
import dev.ingest.FeatureSpec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Appends one feature's values, row by row, straight into off-heap column buffers, then hands
 * them over as an {@link OffHeapColumn}. One builder per feature per parser; confined to the
 * parser's thread.
 *
 * <p>Every row appends its values and then {@link #endRow()}; a fixed feature's row must end
 * with exactly {@link FeatureSpec#elementCount()} values, which {@link #rowValueCount()} lets
 * the parser check. Buffers start at the size the previous batch needed, so steady state does
 * not grow them.
 */
final class ColumnBuilder {
  private final FeatureSpec feature;
  private final ByteBufAllocator allocator;
  private final boolean ragged;
  private final boolean bytes;
  private final int width;
  private final byte[][] defaultBytes;

  private ColumnBuffer values;
  private ColumnBuffer rowSplits;
  private ColumnBuffer valueOffsets;
  private int rows;
  private int row;
  private int valueCount;
  private int valueBytes;
  private int rowStart;
  private int expectedValueBytes;
  private int expectedValueCount;

  ColumnBuilder(FeatureSpec feature, ByteBufAllocator allocator) {
    this.feature = feature;
    this.allocator = allocator;
    this.ragged = feature.varLen();
    this.bytes = feature.dtype() == DType.BYTES;
    this.width = feature.dtype().width();
    this.defaultBytes = encodeDefaults(feature);
  }

  FeatureSpec feature() {
    return feature;
  }

  /** Allocates the buffers for a batch of {@code rows} rows. */
  void start(int rows) {
    this.rows = rows;
    row = 0;
    valueCount = 0;
    valueBytes = 0;
    rowStart = 0;
    int fixedValues = ragged ? 0 : rows * feature.elementCount();
    int valueGuess = Math.max(expectedValueCount, fixedValues);
    int byteGuess = bytes ? expectedValueBytes : valueGuess * width;
    values = new ColumnBuffer(allocator, byteGuess);
    rowSplits = ragged ? new ColumnBuffer(allocator, (rows + 1) * Long.BYTES) : null;
    valueOffsets = bytes ? new ColumnBuffer(allocator, (valueGuess + 1) * Integer.BYTES) : null;
    if (ragged) {
      rowSplits.buffer().setLongLE(rowSplits.base(), 0);
    }
    if (bytes) {
      valueOffsets.buffer().setIntLE(valueOffsets.base(), 0);
    }
  }

  /** Values appended to the current row so far. */
  int rowValueCount() {
    return valueCount - rowStart;
  }

  void addFloat(float value) {
    values.ensureCapacity((valueCount + 1) * Float.BYTES, valueCount * Float.BYTES);
    values.buffer().setFloatLE(values.base() + valueCount * Float.BYTES, value);
    valueCount++;
  }

  /** Appends {@code count} little-endian floats from {@code source} with one bulk copy. */
  void addFloats(ByteBuf source, int index, int count) {
    int byteCount = count * Float.BYTES;
    values.ensureCapacity(valueCount * Float.BYTES + byteCount, valueCount * Float.BYTES);
    values.buffer().setBytes(values.base() + valueCount * Float.BYTES, source, index, byteCount);
    valueCount += count;
  }

  void addLong(long value) {
    values.ensureCapacity((valueCount + 1) * Long.BYTES, valueCount * Long.BYTES);
    values.buffer().setLongLE(values.base() + valueCount * Long.BYTES, value);
    valueCount++;
  }

  /** Appends one byte string: {@code length} bytes of {@code source} from {@code index}. */
  void addBytes(ByteBuf source, int index, int length) {
    values.ensureCapacity(valueBytes + length, valueBytes);
    values.buffer().setBytes(values.base() + valueBytes, source, index, length);
    appendOffset(valueBytes + length);
  }

  /** Appends the spec's default values (one value repeated, or one per element). */
  void addDefault() {
    List<?> defaults = feature.defaultValue();
    int count = feature.elementCount();
    for (int i = 0; i < count; i++) {
      int which = defaults.size() == 1 ? 0 : i;
      switch (feature.dtype()) {
        case FLOAT32:
          addFloat((Float) defaults.get(which));
          break;
        case INT64:
          addLong((Long) defaults.get(which));
          break;
        default:
          byte[] value = defaultBytes[which];
          values.ensureCapacity(valueBytes + value.length, valueBytes);
          values.buffer().setBytes(values.base() + valueBytes, value);
          appendOffset(valueBytes + value.length);
      }
    }
  }

  /** Closes the current row. */
  void endRow() {
    row++;
    rowStart = valueCount;
    if (ragged) {
      rowSplits.buffer().setLongLE(rowSplits.base() + row * Long.BYTES, valueCount);
    }
  }

  /** Hands the buffers to a new column (which then owns them) and forgets them. */
  OffHeapColumn finish() {
    if (row != rows) {
      throw new IllegalStateException("finished after " + row + " of " + rows + " rows");
    }
    int byteCount = bytes ? valueBytes : valueCount * width;
    expectedValueCount = valueCount;
    expectedValueBytes = byteCount;
    List<Integer> shape = ragged ? List.of() : feature.shape();
    OffHeapColumn column =
        new OffHeapColumn(feature, shape, rows, valueCount, byteCount, values, rowSplits, valueOffsets);
    values = null;
    rowSplits = null;
    valueOffsets = null;
    return column;
  }

  /** Gives back the buffers of a batch that failed; safe to call when nothing is held. */
  void abandon() {
    if (values != null) {
      values.release();
    }
    if (rowSplits != null) {
      rowSplits.release();
    }
    if (valueOffsets != null) {
      valueOffsets.release();
    }
    values = null;
    rowSplits = null;
    valueOffsets = null;
  }

  private void appendOffset(int end) {
    valueOffsets.ensureCapacity((valueCount + 2) * Integer.BYTES, (valueCount + 1) * Integer.BYTES);
    valueCount++;
    valueOffsets.buffer().setIntLE(valueOffsets.base() + valueCount * Integer.BYTES, end);
    valueBytes = end;
  }

  private static byte[][] encodeDefaults(FeatureSpec feature) {
    if (feature.dtype() != DType.BYTES || feature.defaultValue() == null) {
      return new byte[0][];
    }
    return feature.defaultValue().stream()
        .map(value -> ((String) value).getBytes(StandardCharsets.UTF_8))
        .toArray(byte[][]::new);
  }
}
