package dev.ingest.runtime.read;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Arrays;

/**
 * Consecutive records of one file, read ahead by a reader thread: their bytes back to back in one
 * pooled direct buffer, with each record's place, file offset and stored data CRC. The last block
 * of a file says how the file ended: cleanly, or with the failure the reader met after the
 * records before it. Blocks are reused: the reader fills one, the source thread consumes it and
 * hands it back.
 */
final class RecordBlock {
  /** Bytes of records a block gathers before it is handed over (one record may exceed it). */
  static final int TARGET_BYTES = 256 * 1024;

  private final ByteBufAllocator allocator;
  ByteBuf bytes;
  int count;
  int[] starts = new int[64];
  int[] lengths = new int[64];
  long[] offsets = new long[64];
  int[] dataCrcs = new int[64];
  /** Records of the file before this block's first. */
  long recordsBefore;
  /** The file ends after this block's records. */
  boolean last;
  /** On the last block: the reader skipped corrupt records somewhere in the file. */
  boolean problems;
  /** What ended the file early, thrown once the records before it were taken; or null. */
  Throwable failure;

  RecordBlock(ByteBufAllocator allocator) {
    this.allocator = allocator;
  }

  void clear(long recordsBefore) {
    count = 0;
    this.recordsBefore = recordsBefore;
    last = false;
    problems = false;
    failure = null;
    if (bytes != null) {
      bytes.clear();
    }
  }

  /** Whether the block holds its target of bytes (the reader then hands it over). */
  boolean full() {
    return bytes != null && bytes.writerIndex() >= TARGET_BYTES;
  }

  void add(ByteBuf source, int start, int length, long offset, int dataCrc) {
    if (bytes == null || bytes.writableBytes() < length) {
      grow(length);
    }
    if (count == starts.length) {
      int capacity = count * 2;
      starts = Arrays.copyOf(starts, capacity);
      lengths = Arrays.copyOf(lengths, capacity);
      offsets = Arrays.copyOf(offsets, capacity);
      dataCrcs = Arrays.copyOf(dataCrcs, capacity);
    }
    starts[count] = bytes.writerIndex();
    lengths[count] = length;
    offsets[count] = offset;
    dataCrcs[count] = dataCrc;
    bytes.writeBytes(source, start, length);
    count++;
  }

  private void grow(int length) {
    int needed = (bytes == null ? 0 : bytes.writerIndex()) + length;
    ByteBuf larger = allocator.directBuffer(Math.max(TARGET_BYTES, needed));
    if (bytes != null) {
      larger.writeBytes(bytes, 0, bytes.writerIndex());
      bytes.release();
    }
    bytes = larger;
  }

  void release() {
    if (bytes != null) {
      bytes.release();
      bytes = null;
    }
  }
}
