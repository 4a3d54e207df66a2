package dev.ingest.tfrecord.example;

import dev.ingest.DType;
import dev.ingest.FeatureSpec;
import dev.ingest.PaddingSpec;
import dev.ingest.tfrecord.DirectMemory;
import io.netty.buffer.ByteBuf;
import io.netty.util.internal.PlatformDependent;
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
  private final DirectMemory memory;
  private final boolean ragged;
  private final boolean bytes;
  private final int width;
  /** The spec's element count, computed once: the spec derives it from its shape list. */
  private final int elementCount;
  private final byte[][] defaultBytes;
  /** Padded length ({@link PaddingSpec#LONGEST} for the batch's longest row); -2 when unpadded. */
  private final int paddedLength;
  private final Object paddingValue;
  private final byte[] paddingBytes;

  private ColumnBuffer values;
  private ColumnBuffer rowSplits;
  private ColumnBuffer valueOffsets;
  private int rows;
  private int row;
  private int valueCount;
  private int valueBytes;
  private int rowStart;
  /** Where the row being parsed started (see {@link #markRow}). */
  private int markedRow;
  private int markedValueCount;
  private int markedValueBytes;
  private int expectedValueBytes;
  private int expectedValueCount;

  static final int UNPADDED = -2;

  private static final boolean LITTLE_ENDIAN_NATIVE =
      java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN;

  /**
   * @param paddedLength for a var-len feature that {@code padded_batch} makes dense, the length
   *     of every row or {@link PaddingSpec#LONGEST}; else {@link #UNPADDED}
   * @param paddingValue the value that fills padded rows ({@code null}: zero, or empty bytes)
   */
  ColumnBuilder(
      FeatureSpec feature, int paddedLength, Object paddingValue, DirectMemory memory) {
    this.feature = feature;
    this.memory = memory;
    this.ragged = feature.varLen();
    this.bytes = feature.dtype() == DType.BYTES;
    this.width = feature.dtype().width();
    this.elementCount = feature.elementCount();
    this.defaultBytes = encodeDefaults(feature);
    this.paddedLength = paddedLength;
    this.paddingValue =
        paddingValue != null ? paddingValueOf(feature, paddingValue) : zeroOf(feature.dtype());
    this.paddingBytes = bytes ? ((String) this.paddingValue).getBytes(StandardCharsets.UTF_8) : null;
  }

  /** The length every row of a fixed {@code padded_batch} length has; -1 otherwise. */
  int fixedPaddedLength() {
    return paddedLength >= 0 ? paddedLength : -1;
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
    int fixedValues = ragged ? 0 : rows * elementCount;
    int valueGuess = Math.max(expectedValueCount, fixedValues);
    int byteGuess = bytes ? expectedValueBytes : valueGuess * width;
    values = new ColumnBuffer(memory, byteGuess);
    rowSplits = ragged ? new ColumnBuffer(memory, (rows + 1) * Long.BYTES) : null;
    valueOffsets = bytes ? new ColumnBuffer(memory, (valueGuess + 1) * Integer.BYTES) : null;
    if (ragged) {
      rowSplits.buffer().setLongLE(rowSplits.base(), 0);
    }
    if (bytes) {
      valueOffsets.buffer().setIntLE(valueOffsets.base(), 0);
    }
  }

  /** Values per row of a fixed feature. */
  int elementCount() {
    return elementCount;
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

  /** Appends {@code count} little-endian values of this column's width with one bulk copy. */
  void addValues(ByteBuf source, int index, int count) {
    int byteCount = count * width;
    values.ensureCapacity(valueCount * width + byteCount, valueCount * width);
    values.buffer().setBytes(values.base() + valueCount * width, source, index, byteCount);
    valueCount += count;
  }

  void addLong(long value) {
    values.ensureCapacity((valueCount + 1) * Long.BYTES, valueCount * Long.BYTES);
    values.buffer().setLongLE(values.base() + valueCount * Long.BYTES, value);
    valueCount++;
  }

  /**
   * Appends the packed varints in {@code [from, to)} of {@code source} as int64 values. This is
   * the hot loop of token-like features (hundreds of values per record), so when both buffers
   * expose their memory address it decodes and stores through raw addresses, with the bounds
   * checked once for the whole run instead of twice per value.
   *
   * @throws WireReader.MalformedWireException if a varint runs past {@code to} or past 10 bytes
   */
  void addPackedVarints(ByteBuf source, int from, int to) {
    int maxValues = to - from;
    values.ensureCapacity((valueCount + maxValues) * Long.BYTES, valueCount * Long.BYTES);
    ByteBuf target = values.buffer();
    if (source.hasMemoryAddress() && target.hasMemoryAddress()) {
      java.util.Objects.checkFromToIndex(from, to, source.capacity());
      long address = source.memoryAddress() + from;
      long end = source.memoryAddress() + to;
      long out = target.memoryAddress() + values.base() + (long) valueCount * Long.BYTES;
      int decoded = 0;
      while (address < end) {
        if (end - address >= Long.BYTES) {
          // Eight bytes at once: the varint is the bytes up to the first without its high bit.
          long word = PlatformDependent.getLong(address);
          if (!LITTLE_ENDIAN_NATIVE) {
            word = Long.reverseBytes(word);
          }
          // The high bit of each byte that ends a varint is clear: one bit per varint that ends
          // in these eight bytes. Each is gathered from the word already loaded, so the loop
          // waits on one load per word, not on each varint's length in turn.
          long lastBytes = ~word & 0x8080_8080_8080_8080L;
          if (lastBytes == TWO_BYTE_VARINTS) {
            // Four two-byte varints (values 128 to 16383, e.g. token ids of a vocabulary under
            // 16K): each 16-bit lane packs its two seven-bit groups, with no loop over the ends.
            long lanes = (word & 0x007F_007F_007F_007FL) | ((word & 0x7F00_7F00_7F00_7F00L) >>> 1);
            storeLong(out, lanes & 0x3FFF);
            storeLong(out + 8, (lanes >>> 16) & 0x3FFF);
            storeLong(out + 16, (lanes >>> 32) & 0x3FFF);
            storeLong(out + 24, lanes >>> 48);
            out += 4 * Long.BYTES;
            decoded += 4;
            address += Long.BYTES;
            continue;
          }
          if (lastBytes == ONE_BYTE_VARINTS) {
            // Eight one-byte varints (values below 128: labels, small counts): each byte is one.
            for (int i = 0; i < Long.BYTES; i++) {
              storeLong(out + (long) i * Long.BYTES, (word >>> (i * Byte.SIZE)) & 0x7F);
            }
            out += Long.BYTES * Long.BYTES;
            decoded += Long.BYTES;
            address += Long.BYTES;
            continue;
          }
          if (lastBytes != 0) {
            int startBit = 0;
            do {
              int endBit = Long.numberOfTrailingZeros(lastBytes) + 1; // a multiple of 8
              long value = gatherSevenBitGroups(
                  (word & (-1L >>> (Long.SIZE - endBit))) >>> startBit);
              PlatformDependent.putLong(out, LITTLE_ENDIAN_NATIVE ? value : Long.reverseBytes(value));
              out += Long.BYTES;
              decoded++;
              startBit = endBit;
              lastBytes &= lastBytes - 1;
            } while (lastBytes != 0);
            address += startBit >>> 3;
            continue;
          }
          // Nine or ten bytes long: byte by byte, below.
        }
        long value = 0;
        int shift = 0;
        byte b;
        do {
          if (address >= end) {
            throw new WireReader.MalformedWireException("packed varint cut short");
          }
          if (shift >= 64) {
            throw new WireReader.MalformedWireException("packed varint longer than 10 bytes");
          }
          b = PlatformDependent.getByte(address++);
          value |= (long) (b & 0x7F) << shift;
          shift += 7;
        } while (b < 0);
        PlatformDependent.putLong(out, LITTLE_ENDIAN_NATIVE ? value : Long.reverseBytes(value));
        out += Long.BYTES;
        decoded++;
      }
      valueCount += decoded;
      return;
    }
    int index = from;
    while (index < to) {
      long value = 0;
      int shift = 0;
      byte b;
      do {
        if (index >= to) {
          throw new WireReader.MalformedWireException("packed varint cut short");
        }
        if (shift >= 64) {
          throw new WireReader.MalformedWireException("packed varint longer than 10 bytes");
        }
        b = source.getByte(index++);
        value |= (long) (b & 0x7F) << shift;
        shift += 7;
      } while (b < 0);
      target.setLongLE(values.base() + valueCount * Long.BYTES, value);
      valueCount++;
    }
  }

  /** Where a word holds four two-byte varints: the second byte of each pair ends one. */
  private static final long TWO_BYTE_VARINTS = 0x8000_8000_8000_8000L;
  /** Where a word holds eight one-byte varints: every byte ends one. */
  private static final long ONE_BYTE_VARINTS = 0x8080_8080_8080_8080L;

  private static void storeLong(long address, long value) {
    PlatformDependent.putLong(address, LITTLE_ENDIAN_NATIVE ? value : Long.reverseBytes(value));
  }

  /**
   * The value of a varint of up to eight bytes, given as a little-endian word holding just its
   * bytes: the low seven bits of each byte, packed together (two bytes to 14 bits, then four to
   * 28, then eight to 56), without a loop or a branch per byte.
   */
  private static long gatherSevenBitGroups(long bytes) {
    long v = bytes & 0x7F7F_7F7F_7F7F_7F7FL;
    v = (v & 0x007F_007F_007F_007FL) | ((v & 0x7F00_7F00_7F00_7F00L) >>> 1);
    v = (v & 0x0000_3FFF_0000_3FFFL) | ((v & 0x3FFF_0000_3FFF_0000L) >>> 2);
    return (v & 0x0000_0000_0FFF_FFFFL) | ((v & 0x0FFF_FFFF_0000_0000L) >>> 4);
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
    int count = elementCount;
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

  /**
   * Remembers where the next row starts, so that {@link #rewindToMark} can take back a row that
   * turned out bad part way through (or after it ended, when a later feature of the same record
   * was the bad one).
   */
  void markRow() {
    markedRow = row;
    markedValueCount = valueCount;
    markedValueBytes = valueBytes;
  }

  /** Forgets everything appended since {@link #markRow}: the next values overwrite it. */
  void rewindToMark() {
    row = markedRow;
    valueCount = markedValueCount;
    valueBytes = markedValueBytes;
    rowStart = valueCount;
  }

  /**
   * Ends a row that stands in for a rejected record, so that rows keep their records' positions:
   * no values in a var-len feature; zeros, or empty strings, in a fixed one.
   */
  void addPlaceholderRow() {
    if (!ragged) {
      if (bytes) {
        for (int i = 0; i < elementCount; i++) {
          appendOffset(valueBytes);
        }
      } else {
        int from = valueCount * width;
        int length = elementCount * width;
        values.ensureCapacity(from + length, from);
        values.buffer().setZero(values.base() + from, length);
        valueCount += elementCount;
      }
    }
    endRow();
  }

  /** Closes the current row. */
  void endRow() {
    row++;
    rowStart = valueCount;
    if (ragged) {
      rowSplits.buffer().setLongLE(rowSplits.base() + row * Long.BYTES, valueCount);
    }
  }

  /** Ends the batch after the rows ended so far, fewer than {@link #start(int)} planned. */
  void endBatchEarly() {
    rows = row;
  }

  /** Hands the buffers to a new column (which then owns them) and forgets them. */
  OffHeapColumn finish() {
    if (row != rows) {
      throw new IllegalStateException("finished after " + row + " of " + rows + " rows");
    }
    int byteCount = bytes ? valueBytes : valueCount * width;
    expectedValueCount = valueCount;
    expectedValueBytes = byteCount;
    OffHeapColumn column;
    if (paddedLength != UNPADDED) {
      column = padded();
      abandon();
      return column;
    }
    List<Integer> shape = ragged ? List.of() : feature.shape();
    column =
        new OffHeapColumn(feature, shape, rows, valueCount, byteCount, values, rowSplits, valueOffsets);
    values = null;
    rowSplits = null;
    valueOffsets = null;
    return column;
  }

  /**
   * Lays the ragged rows out densely, each row followed by padding up to the padded length (one
   * more copy of the values: the length is known only once the whole batch is parsed).
   */
  private OffHeapColumn padded() {
    int length = paddedLength;
    if (length == PaddingSpec.LONGEST) {
      length = 0;
      for (int r = 0; r < rows; r++) {
        length = Math.max(length, (int) (split(r + 1) - split(r)));
      }
    }
    for (int r = 0; r < rows; r++) {
      // The parser refuses such a row with its record named; this guards the layout below,
      // which would write a longer row into the next row's place.
      if (split(r + 1) - split(r) > length) {
        throw new IllegalStateException("row " + r + " of '" + feature.name() + "' has "
            + (split(r + 1) - split(r)) + " values, more than its padded length " + length);
      }
    }
    long total = (long) rows * length;
    if (total > Integer.MAX_VALUE / 8) {
      throw new IllegalStateException(
          "padding '" + feature.name() + "' to " + length + " values over " + rows + " rows is too large");
    }
    int count = (int) total;
    if (!bytes) {
      ColumnBuffer dense = new ColumnBuffer(memory, count * width);
      ByteBuf out = dense.buffer();
      for (int r = 0; r < rows; r++) {
        int first = (int) split(r);
        int used = (int) split(r + 1) - first;
        int rowIndex = dense.base() + r * length * width;
        out.setBytes(rowIndex, values.buffer(), values.base() + first * width, used * width);
        for (int i = used; i < length; i++) {
          if (feature.dtype() == DType.FLOAT32) {
            out.setFloatLE(rowIndex + i * width, (Float) paddingValue);
          } else {
            out.setLongLE(rowIndex + i * width, (Long) paddingValue);
          }
        }
      }
      return new OffHeapColumn(feature, List.of(length), rows, count, count * width, dense, null, null);
    }
    int padBytes = rows * length * paddingBytes.length;
    ColumnBuffer blob = new ColumnBuffer(memory, valueBytes + padBytes);
    ColumnBuffer offsets = new ColumnBuffer(memory, (count + 1) * Integer.BYTES);
    int written = 0;
    int value = 0;
    offsets.buffer().setIntLE(offsets.base(), 0);
    for (int r = 0; r < rows; r++) {
      int first = (int) split(r);
      int used = (int) split(r + 1) - first;
      for (int i = 0; i < length; i++) {
        if (i < used) {
          int start = offset(first + i);
          int size = offset(first + i + 1) - start;
          blob.buffer().setBytes(blob.base() + written, values.buffer(), values.base() + start, size);
          written += size;
        } else {
          blob.buffer().setBytes(blob.base() + written, paddingBytes);
          written += paddingBytes.length;
        }
        value++;
        offsets.buffer().setIntLE(offsets.base() + value * Integer.BYTES, written);
      }
    }
    return new OffHeapColumn(feature, List.of(length), rows, count, written, blob, null, offsets);
  }

  private long split(int row) {
    return rowSplits.buffer().getLongLE(rowSplits.base() + row * Long.BYTES);
  }

  private int offset(int value) {
    return valueOffsets.buffer().getIntLE(valueOffsets.base() + value * Integer.BYTES);
  }

  /**
   * {@code value} as the feature's Java type: a YAML reader hands over an {@code Integer} or a
   * {@code Double} where the feature wants a {@code Long} or a {@code Float}. A number converts
   * when it means the same value (an int64 takes no fraction); anything else is refused.
   *
   * @throws IllegalArgumentException naming the feature, when the value does not fit its type
   */
  static Object paddingValueOf(FeatureSpec feature, Object value) {
    DType dtype = feature.dtype();
    if (dtype == DType.FLOAT32 && value instanceof Number number) {
      return number.floatValue();
    }
    if (dtype == DType.INT64 && value instanceof Number number) {
      double asDouble = number.doubleValue();
      boolean integral = value instanceof Long || value instanceof Integer
          || value instanceof Short || value instanceof Byte
          || asDouble == Math.rint(asDouble) && Math.abs(asDouble) < 0x1p63;
      if (integral) {
        return number.longValue();
      }
    }
    if (dtype == DType.BYTES && value instanceof String) {
      return value;
    }
    throw new IllegalArgumentException("padding value " + value + " of '" + feature.name()
        + "' is not a " + dtype.wireName());
  }

  private static Object zeroOf(DType dtype) {
    switch (dtype) {
      case FLOAT32:
        return 0f;
      case INT64:
        return 0L;
      default:
        return "";
    }
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
