package dev.ingest.runtime;

import io.netty.buffer.ByteBuf;
import java.nio.file.Path;
import java.util.SplittableRandom;

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
 * Confined to the source thread.
 */
final class RecordShuffleBuffer {
  private final ByteBuf[] records;
  private final Path[] files;
  private final long[] offsets;
  private final long[] indexes;
  private final int[] dataCrcs;
  private SplittableRandom random;
  private int size;

  // The record last sent out.
  private ByteBuf outRecord;
  private Path outFile;
  private long outOffset;
  private long outIndex;
  private int outDataCrc;

  RecordShuffleBuffer(int capacity) {
    records = new ByteBuf[capacity];
    files = new Path[capacity];
    offsets = new long[capacity];
    indexes = new long[capacity];
    dataCrcs = new int[capacity];
  }

  /** Starts an epoch with its own random stream; the buffer must be empty. */
  void startEpoch(SplittableRandom epochRandom) {
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
  boolean offer(ByteBuf record, Path file, long offset, long index, int dataCrc) {
    if (size < records.length) {
      put(size++, record, file, offset, index, dataCrc);
      return false;
    }
    int chosen = random.nextInt(size);
    takeOut(chosen);
    put(chosen, record, file, offset, index, dataCrc);
    return true;
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
      put(chosen, records[size], files[size], offsets[size], indexes[size], dataCrcs[size]);
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

  private void put(int slot, ByteBuf record, Path file, long offset, long index, int dataCrc) {
    records[slot] = record;
    files[slot] = file;
    offsets[slot] = offset;
    indexes[slot] = index;
    dataCrcs[slot] = dataCrc;
  }
}
