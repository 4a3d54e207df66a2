package dev.ingest.runtime.shuffle;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * tf.data's shuffle buffer over serialized records: it fills up to its capacity, then each
 * record that comes in replaces a uniformly chosen one, which goes out; at the end of the epoch
 * the rest go out in random order. Every record comes out exactly once. Shuffling the serialized
 * records before parsing gives the same batches as shuffling parsed examples (parsing is one
 * record to one row), with the serialized bytes as the memory cost.
 *
 * <p>Each slot keeps a pooled buffer of its own, and a record is copied into its slot's buffer
 * (so that no read buffer stays pinned by a record waiting here). The caller copies the chosen
 * record out ({@link #chooseOut()}, then {@link #record(int)} and its position) before it
 * {@link #put}s the new one in its place: the buffer is reused while it fits, and records of
 * about one size never allocate once the buffer is full. The buffer holds its slots' capacity
 * ({@link #capacityChange}) until {@link #releaseAll()}, slots emptied at the end of an epoch
 * included, which the next epoch fills again.
 *
 * <p>For checkpoints, {@link #sortByPosition()} puts the records in (file, offset) order, and the
 * generator's state, with the records' positions, is what a resumed run restores (through {@link
 * #put} and {@link #restoreRandom}) to continue with exactly the same choices. Confined to the
 * source thread.
 */
public final class RecordShuffleBuffer {
  /** The least capacity a slot's buffer is given, in bytes. */
  static final int MIN_SLOT_BYTES = 64;

  private final ByteBufAllocator allocator;
  /**
   * Each slot's buffer, the record in bytes [0, length) of the first {@link #size} slots; the
   * rest are empty slots' buffers kept for reuse, or {@code null}.
   */
  private final ByteBuf[] records;
  /** Index of each record's file in the epoch's file list. */
  private final int[] fileIndexes;
  private final Path[] files;
  private final long[] offsets;
  private final long[] indexes;
  private final int[] dataCrcs;
  private ShuffleRandom random;
  private int size;
  /** Scratch for {@link #sortByPosition}: packed (file, offset, slot) keys. */
  private long[] sortKeys;
  // A record held aside while sorting (see holdAside).
  private ByteBuf heldRecord;
  private int heldFileIndex;
  private Path heldFile;
  private long heldOffset;
  private long heldIndex;
  private int heldDataCrc;

  public RecordShuffleBuffer(int capacity, ByteBufAllocator allocator) {
    this.allocator = allocator;
    records = new ByteBuf[capacity];
    fileIndexes = new int[capacity];
    files = new Path[capacity];
    offsets = new long[capacity];
    indexes = new long[capacity];
    dataCrcs = new int[capacity];
  }

  /** Starts an epoch with its own random stream; the buffer must be empty. */
  public void startEpoch(ShuffleRandom epochRandom) {
    if (size != 0) {
      throw new IllegalStateException("the shuffle buffer still holds " + size + " records");
    }
    random = epochRandom;
  }

  /** Continues the epoch's random choices from a checkpoint's generator state. */
  public void restoreRandom(long state) {
    random = new ShuffleRandom(state);
  }

  public int size() {
    return size;
  }

  public boolean isFull() {
    return size == records.length;
  }

  /**
   * Chooses the record that goes out next, uniformly among those held: once the buffer is full,
   * the one the next record replaces; at the end of an epoch, the next to {@link #remove}.
   */
  public int chooseOut() {
    if (size == 0) {
      throw new IllegalStateException("the shuffle buffer is empty");
    }
    return random.nextInt(size);
  }

  /**
   * How many more bytes of buffer slot {@code slot} holds once a record of {@code length} bytes
   * is {@link #put} there: 0 when its buffer fits the record, negative when a smaller one
   * replaces it. The caller reserves the growth before the put, and gives the shrinkage back.
   */
  public long capacityChange(int slot, int length) {
    ByteBuf buffer = records[slot];
    if (fits(buffer, length)) {
      return 0;
    }
    return (long) capacityFor(length) - (buffer == null ? 0 : buffer.capacity());
  }

  /**
   * Copies a record into slot {@code slot}, with where it came from and its stored masked data
   * CRC (which travels with it unchecked, for the parse worker). A slot below {@link #size()}
   * must have had its record copied out already; slot {@link #size()} adds a record.
   */
  public void put(int slot, ByteBuf source, int start, int length, int fileIndex, Path file,
      long offset, long index, int dataCrc) {
    if (slot > size || slot == records.length) {
      throw new IllegalArgumentException("slot " + slot + " of a shuffle buffer holding " + size
          + " of " + records.length + " records");
    }
    ByteBuf buffer = records[slot];
    if (!fits(buffer, length)) {
      if (buffer != null) {
        buffer.release();
      }
      records[slot] = null; // a failed allocation leaves no released buffer behind
      buffer = allocator.directBuffer(capacityFor(length));
    }
    buffer.clear().writeBytes(source, start, length);
    place(slot, buffer, fileIndex, file, offset, index, dataCrc);
    if (slot == size) {
      size++;
    }
  }

  /**
   * Whether {@code buffer} can take a record of {@code length} bytes without wasting more than
   * half of it: records that shrink for good give their memory back.
   */
  private static boolean fits(ByteBuf buffer, int length) {
    return buffer != null && length <= buffer.capacity()
        && buffer.capacity() <= 2L * Math.max(length, MIN_SLOT_BYTES);
  }

  /**
   * A new slot buffer's capacity: the record's length rounded up to a quarter of its highest
   * power of two (at most 25% more), so that a slot takes records a little longer than its first.
   */
  static int capacityFor(int length) {
    if (length <= MIN_SLOT_BYTES) {
      return MIN_SLOT_BYTES;
    }
    long step = Integer.highestOneBit(length) >> 2;
    return (int) Math.min(Integer.MAX_VALUE, (length + step - 1) & -step);
  }

  /** The record in slot {@code slot}: a buffer whose readable bytes are the record's. */
  public ByteBuf record(int slot) {
    return records[slot];
  }

  public Path file(int slot) {
    return files[slot];
  }

  public int fileIndex(int slot) {
    return fileIndexes[slot];
  }

  public long offset(int slot) {
    return offsets[slot];
  }

  public long index(int slot) {
    return indexes[slot];
  }

  public int dataCrc(int slot) {
    return dataCrcs[slot];
  }

  /** The generator's state, for a checkpoint. */
  public long randomState() {
    return random == null ? 0 : random.state();
  }

  /**
   * Orders the buffered records by (file, offset). The buffer's contents stay the same, only
   * their slots change, so the shuffle stays as random; doing it at every checkpoint, in every
   * run, makes the checkpoint's order the sorted one, which it stores in a few bytes per record.
   *
   * <p>Positions are unique, so any sort gives the same order. When (file, offset, slot) packs
   * into a {@code long}, the keys are sorted as primitives and the records then moved once, along
   * the permutation's cycles; otherwise a quicksort swaps whole records (six arrays per swap).
   * With the packed sort a shuffled tabular source spent about as much CPU per record as a build
   * that skipped the sort (benchmarks README).
   */
  public void sortByPosition() {
    if (size < 2) {
      return;
    }
    int maxFile = 0;
    long maxOffset = 0;
    for (int i = 0; i < size; i++) {
      maxFile = Math.max(maxFile, fileIndexes[i]);
      maxOffset = Math.max(maxOffset, offsets[i]);
    }
    int slotBits = bitsFor(size - 1);
    int offsetBits = bitsFor(maxOffset);
    if (slotBits + offsetBits + bitsFor(maxFile) > 63) {
      sort(0, size - 1);
      return;
    }
    if (sortKeys == null) {
      sortKeys = new long[records.length];
    }
    for (int i = 0; i < size; i++) {
      sortKeys[i] = ((long) fileIndexes[i] << (offsetBits + slotBits)) | offsets[i] << slotBits | i;
    }
    Arrays.sort(sortKeys, 0, size);
    moveToSortedSlots((1L << slotBits) - 1);
  }

  /**
   * Puts the record of slot {@code sortKeys[i] & slotMask} into slot i, for every i, following
   * each cycle of that permutation with one record held aside.
   */
  private void moveToSortedSlots(long slotMask) {
    for (int start = 0; start < size; start++) {
      if ((sortKeys[start] & slotMask) == start) {
        continue; // in place, or placed already
      }
      holdAside(start);
      int hole = start;
      while (true) {
        int from = (int) (sortKeys[hole] & slotMask);
        sortKeys[hole] = (sortKeys[hole] & ~slotMask) | hole; // placed
        if (from == start) {
          putHeld(hole);
          break;
        }
        place(hole, records[from], fileIndexes[from], files[from], offsets[from], indexes[from],
            dataCrcs[from]);
        hole = from;
      }
    }
  }

  /** Bits needed to hold {@code value} (0 for 0). */
  private static int bitsFor(long value) {
    return Long.SIZE - Long.numberOfLeadingZeros(value);
  }

  /** Quicksort of the slots in [low, high] (insertion sort below a few records). */
  private void sort(int low, int high) {
    while (high - low > 16) {
      int middle = (low + high) >>> 1;
      int fileIndex = fileIndexes[middle];
      long offset = offsets[middle];
      int i = low;
      int j = high;
      while (i <= j) {
        while (before(i, fileIndex, offset)) {
          i++;
        }
        while (after(j, fileIndex, offset)) {
          j--;
        }
        if (i <= j) {
          swap(i++, j--);
        }
      }
      // Recurse into the smaller side, loop on the larger: the stack stays logarithmic.
      if (j - low < high - i) {
        sort(low, j);
        low = i;
      } else {
        sort(i, high);
        high = j;
      }
    }
    for (int i = low + 1; i <= high; i++) {
      for (int j = i; j > low && after(j - 1, fileIndexes[j], offsets[j]); j--) {
        swap(j - 1, j);
      }
    }
  }

  private boolean before(int slot, int fileIndex, long offset) {
    return fileIndexes[slot] < fileIndex || fileIndexes[slot] == fileIndex && offsets[slot] < offset;
  }

  private boolean after(int slot, int fileIndex, long offset) {
    return fileIndexes[slot] > fileIndex || fileIndexes[slot] == fileIndex && offsets[slot] > offset;
  }

  private void swap(int a, int b) {
    holdAside(a);
    place(a, records[b], fileIndexes[b], files[b], offsets[b], indexes[b], dataCrcs[b]);
    putHeld(b);
  }

  /** Keeps slot {@code slot}'s record aside while sorting moves others over it. */
  private void holdAside(int slot) {
    heldRecord = records[slot];
    heldFileIndex = fileIndexes[slot];
    heldFile = files[slot];
    heldOffset = offsets[slot];
    heldIndex = indexes[slot];
    heldDataCrc = dataCrcs[slot];
  }

  private void putHeld(int slot) {
    place(slot, heldRecord, heldFileIndex, heldFile, heldOffset, heldIndex, heldDataCrc);
    heldRecord = null;
    heldFile = null;
  }

  /**
   * Removes the record of slot {@code slot}, once copied out: the last record takes its slot, and
   * its buffer is kept for the next epoch.
   */
  public void remove(int slot) {
    if (slot >= size) {
      throw new IllegalArgumentException("slot " + slot + " of " + size + " records");
    }
    size--;
    ByteBuf emptied = records[slot];
    if (slot != size) {
      place(slot, records[size], fileIndexes[size], files[size], offsets[size], indexes[size],
          dataCrcs[size]);
      records[size] = emptied;
    }
    files[size] = null;
  }

  /** Bytes of buffer the slots hold, empty ones included. */
  long heldBytes() {
    long bytes = 0;
    for (ByteBuf buffer : records) {
      bytes += buffer == null ? 0 : buffer.capacity();
    }
    return bytes;
  }

  /** Releases every slot's buffer, empty ones included; returns how many bytes they held. */
  public long releaseAll() {
    long released = heldBytes();
    for (int i = 0; i < records.length; i++) {
      if (records[i] != null) {
        records[i].release();
        records[i] = null;
      }
      files[i] = null;
    }
    size = 0;
    return released;
  }

  private void place(int slot, ByteBuf record, int fileIndex, Path file, long offset, long index,
      int dataCrc) {
    records[slot] = record;
    fileIndexes[slot] = fileIndex;
    files[slot] = file;
    offsets[slot] = offset;
    indexes[slot] = index;
    dataCrcs[slot] = dataCrc;
  }
}
