package dev.ingest;

import java.util.Arrays;

/**
 * Where the records a shuffle buffer holds at a checkpoint lie: for each, its file (an index in
 * the epoch's file list), its byte offset and its index in that file, in (file, offset) order.
 * Kept as they are stored in a state: three unsigned varints a record, the file minus the
 * previous record's, then the offset and the index each minus the previous record's when the
 * file is the same (absolute when it changed).
 *
 * <p>Why not three arrays: the source takes a checkpoint every two shuffle buffers' worth of
 * records, and arrays of 20 bytes a position were most of the heap a shuffled pipeline allocated
 * per record (about 10 of its 18 bytes on text); deltas take a few bytes each. The positions are
 * decoded once, when first read (a resumed run reads them all, in order).
 *
 * <p>Immutable and thread-safe.
 */
public final class ShufflePositions {
  /** No records: a pipeline without a shuffle buffer, or one that is empty. */
  public static final ShufflePositions NONE = new ShufflePositions(0, new byte[0]);

  private final int count;
  private final byte[] varints;
  /** The positions decoded, once read; published whole through the volatile write. */
  private volatile Decoded decoded;

  private record Decoded(int[] files, long[] offsets, long[] indexes) {}

  private ShufflePositions(int count, byte[] varints) {
    this.count = count;
    this.varints = varints;
  }

  /**
   * The positions of {@code files}, {@code offsets} and {@code indexes} (one record per index,
   * sorted by file, then offset).
   *
   * @throws IllegalArgumentException when the arrays differ in length, or are not sorted
   */
  public static ShufflePositions of(int[] files, long[] offsets, long[] indexes) {
    if (offsets.length != files.length || indexes.length != files.length) {
      throw new IllegalArgumentException("positions of " + files.length + " files, "
          + offsets.length + " offsets and " + indexes.length + " indexes");
    }
    Writer writer = new Writer();
    for (int i = 0; i < files.length; i++) {
      writer.add(files[i], offsets[i], indexes[i]);
    }
    return writer.finish();
  }

  /**
   * Positions from their stored form: {@code count} records' varints, as {@link #varints()}
   * gives them; takes ownership of the array (a state's, just inflated). Reads them all, so a
   * damaged or short form fails here.
   *
   * @throws IllegalArgumentException naming what is wrong with them
   */
  static ShufflePositions parse(int count, byte[] varints) {
    // A record takes three varints of a byte at least: a count above that is no state's, and is
    // refused before arrays of that many positions are allocated.
    if (count < 0 || count > varints.length / 3) {
      throw new IllegalArgumentException("the state's shuffle line counts " + count
          + " records, and its positions hold " + varints.length + " bytes");
    }
    ShufflePositions positions = new ShufflePositions(count, varints);
    positions.decoded();
    return positions;
  }

  /** Records in the buffer. */
  public int size() {
    return count;
  }

  /** The file of record {@code i}: an index in the epoch's file list. */
  public int file(int i) {
    return decoded().files()[i];
  }

  /** The byte offset of record {@code i} in its file (in the decompressed stream). */
  public long offset(int i) {
    return decoded().offsets()[i];
  }

  /** How many records of its file come before record {@code i}. */
  public long index(int i) {
    return decoded().indexes()[i];
  }

  /** The stored form: the varints, as described in the class comment. */
  byte[] varints() {
    return varints.clone();
  }

  private Decoded decoded() {
    Decoded positions = decoded;
    if (positions == null) {
      positions = decode();
      decoded = positions;
    }
    return positions;
  }

  private Decoded decode() {
    int[] files = new int[count];
    long[] offsets = new long[count];
    long[] indexes = new long[count];
    int[] at = {0};
    for (int i = 0; i < count; i++) {
      long file = (i == 0 ? 0 : files[i - 1]) + readVarint(at);
      if (file < 0 || file > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("the state's shuffle positions name file " + file);
      }
      files[i] = (int) file;
      boolean sameFile = i > 0 && files[i] == files[i - 1];
      offsets[i] = (sameFile ? offsets[i - 1] : 0) + readVarint(at);
      // The source saves them sorted by (file, offset), each record at its own offset: a state
      // whose positions repeat or wrap around is damaged, refused here rather than by the read.
      if (offsets[i] < 0 || sameFile && offsets[i] <= offsets[i - 1]) {
        throw new IllegalArgumentException("the state's shuffle positions are not in order at"
            + " record " + i + " (file " + files[i] + ", offset " + offsets[i] + ")");
      }
      indexes[i] = (sameFile ? indexes[i - 1] : 0) + readVarint(at);
    }
    if (at[0] != varints.length) {
      throw new IllegalArgumentException("the state's shuffle positions hold "
          + (varints.length - at[0]) + " bytes more than " + count + " records need");
    }
    return new Decoded(files, offsets, indexes);
  }

  private long readVarint(int[] at) {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (at[0] >= varints.length) {
        throw new IllegalArgumentException("the state's shuffle positions end in the middle");
      }
      byte b = varints[at[0]++];
      value |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return value;
      }
    }
    throw new IllegalArgumentException("the state's shuffle positions hold a malformed number");
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ShufflePositions that && count == that.count
        && Arrays.equals(varints, that.varints);
  }

  @Override
  public int hashCode() {
    return 31 * count + Arrays.hashCode(varints);
  }

  @Override
  public String toString() {
    return "ShufflePositions[" + count + " records, " + varints.length + " bytes]";
  }

  /**
   * Builds positions record by record, in (file, offset) order; reusable: {@link #finish()}
   * starts it over, keeping its scratch buffer, so a source that takes checkpoint after checkpoint
   * allocates only each result.
   */
  public static final class Writer {
    private byte[] bytes = new byte[256];
    private int length;
    private int count;
    private int previousFile;
    private long previousOffset;
    private long previousIndex;

    /**
     * Appends the next record's position.
     *
     * @throws IllegalArgumentException when it is negative, or does not come after the previous
     *     record's (a later file, or a later offset and no earlier index in the same file)
     */
    public void add(int file, long offset, long index) {
      boolean sameFile = count > 0 && file == previousFile;
      if (file < 0 || offset < 0 || index < 0 || count > 0 && (file < previousFile
          || sameFile && (offset <= previousOffset || index < previousIndex))) {
        throw new IllegalArgumentException("shuffle position (file " + file + ", offset " + offset
            + ", index " + index + ") is not after (file " + previousFile + ", offset "
            + previousOffset + ", index " + previousIndex + ")");
      }
      writeVarint(file - (count == 0 ? 0 : previousFile));
      writeVarint(offset - (sameFile ? previousOffset : 0));
      writeVarint(index - (sameFile ? previousIndex : 0));
      previousFile = file;
      previousOffset = offset;
      previousIndex = index;
      count++;
    }

    /** The positions appended since the last {@code finish()}; the writer starts over. */
    public ShufflePositions finish() {
      ShufflePositions positions = count == 0 ? NONE
          : new ShufflePositions(count, Arrays.copyOf(bytes, length));
      length = 0;
      count = 0;
      return positions;
    }

    private void writeVarint(long value) {
      if (bytes.length - length < 10) {
        bytes = Arrays.copyOf(bytes, bytes.length * 2);
      }
      while ((value & ~0x7FL) != 0) {
        bytes[length++] = (byte) ((value & 0x7F) | 0x80);
        value >>>= 7;
      }
      bytes[length++] = (byte) value;
    }
  }
}
