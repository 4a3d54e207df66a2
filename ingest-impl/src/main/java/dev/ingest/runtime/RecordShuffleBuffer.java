package dev.ingest.runtime;

import io.netty.buffer.ByteBuf;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * tf.data's shuffle buffer over serialized records: it fills up to its capacity, then each
 * record that comes in sends out a uniformly chosen one from the buffer; at the end of the epoch
 * the rest drain in random order. Every record comes out exactly once. Shuffling the serialized
 * records before parsing gives the same batches as shuffling parsed examples (parsing is one
 * record to one row), with the serialized bytes as the memory cost.
 *
 * <p>The buffer owns the record buffers it holds (each record copied into its own pooled buffer
 * by the caller, so that no read buffer stays pinned by a record waiting here) and hands that
 * ownership on with each record it sends out; {@link #releaseAll()} gives back what is left.
 *
 * <p>For checkpoints, {@link #sortByPosition()} puts the records in (file, offset) order, and the
 * generator's state, with the records' positions, is what a resumed run restores (through {@link
 * #restore}) to continue with exactly the same choices. Confined to the source thread.
 */
final class RecordShuffleBuffer {
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

  // The record last sent out.
  private ByteBuf outRecord;
  private Path outFile;
  private long outOffset;
  private long outIndex;
  private int outDataCrc;

  RecordShuffleBuffer(int capacity) {
    records = new ByteBuf[capacity];
    fileIndexes = new int[capacity];
    files = new Path[capacity];
    offsets = new long[capacity];
    indexes = new long[capacity];
    dataCrcs = new int[capacity];
  }

  /** Starts an epoch with its own random stream; the buffer must be empty. */
  void startEpoch(ShuffleRandom epochRandom) {
    if (size != 0) {
      throw new IllegalStateException("the shuffle buffer still holds " + size + " records");
    }
    random = epochRandom;
  }

  /**
   * Takes a record, with where it came from and its stored masked data CRC (which travels with it
   * unchecked, for the parse worker); returns true when that sent one out (see {@link
   * #outRecord()}), false while the buffer is still filling.
   */
  boolean offer(ByteBuf record, int fileIndex, Path file, long offset, long index, int dataCrc) {
    if (size < records.length) {
      put(size++, record, fileIndex, file, offset, index, dataCrc);
      return false;
    }
    int chosen = random.nextInt(size);
    takeOut(chosen);
    put(chosen, record, fileIndex, file, offset, index, dataCrc);
    return true;
  }

  /**
   * Puts a record back where a checkpoint had it: records are restored in the checkpoint's order,
   * into a buffer just started for the epoch, whose generator then takes the checkpoint's state.
   */
  void restore(ByteBuf record, int fileIndex, Path file, long offset, long index, int dataCrc) {
    if (size == records.length) {
      throw new IllegalStateException("the checkpoint holds more records than the buffer");
    }
    put(size++, record, fileIndex, file, offset, index, dataCrc);
  }

  /** Continues the epoch's random choices from a checkpoint's generator state. */
  void restoreRandom(long state) {
    random = new ShuffleRandom(state);
  }

  int size() {
    return size;
  }

  /** The generator's state, for a checkpoint. */
  long randomState() {
    return random == null ? 0 : random.state();
  }

  int fileIndex(int slot) {
    return fileIndexes[slot];
  }

  long offset(int slot) {
    return offsets[slot];
  }

  long index(int slot) {
    return indexes[slot];
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
  void sortByPosition() {
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
        put(hole, records[from], fileIndexes[from], files[from], offsets[from], indexes[from],
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
    put(a, records[b], fileIndexes[b], files[b], offsets[b], indexes[b], dataCrcs[b]);
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
    put(slot, heldRecord, heldFileIndex, heldFile, heldOffset, heldIndex, heldDataCrc);
    heldRecord = null;
    heldFile = null;
  }

  /** Sends out one of the remaining records at the end of an epoch; false when empty. */
  boolean drain() {
    if (size == 0) {
      return false;
    }
    int chosen = random.nextInt(size);
    takeOut(chosen);
    size--;
    if (chosen != size) {
      put(chosen, records[size], fileIndexes[size], files[size], offsets[size], indexes[size],
          dataCrcs[size]);
    }
    records[size] = null;
    files[size] = null;
    return true;
  }

  ByteBuf outRecord() {
    return outRecord;
  }

  Path outFile() {
    return outFile;
  }

  long outOffset() {
    return outOffset;
  }

  long outIndex() {
    return outIndex;
  }

  int outDataCrc() {
    return outDataCrc;
  }

  /** Releases every record still held. */
  void releaseAll() {
    for (int i = 0; i < size; i++) {
      records[i].release();
      records[i] = null;
      files[i] = null;
    }
    size = 0;
  }

  private void takeOut(int slot) {
    outRecord = records[slot];
    outFile = files[slot];
    outOffset = offsets[slot];
    outIndex = indexes[slot];
    outDataCrc = dataCrcs[slot];
  }

  private void put(int slot, ByteBuf record, int fileIndex, Path file, long offset, long index,
      int dataCrc) {
    records[slot] = record;
    fileIndexes[slot] = fileIndex;
    files[slot] = file;
    offsets[slot] = offset;
    indexes[slot] = index;
    dataCrcs[slot] = dataCrc;
  }
}
