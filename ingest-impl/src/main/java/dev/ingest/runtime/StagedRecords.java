package dev.ingest.runtime;

import dev.ingest.tfrecord.example.SerializedRecords;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The serialized records of one batch, copied back to back into one pooled direct buffer (the
 * arena) that is kept and reused batch after batch. Copying each record once here, on the source
 * thread, lets the readers reuse their read buffers at once and keeps memory proportional to the
 * batches in flight; holding zero-copy slices instead pins whole read buffers for as long as any
 * of their records waits, which made Netty's pool allocate and free chunks continuously.
 *
 * <p>Owned by one slot of the ring and handed between threads with the slot; {@link #release()}
 * gives the arena back at shutdown.
 */
final class StagedRecords {
  private final ByteBufAllocator allocator;
  private final SerializedRecords records;
  private ByteBuf arena;
  private int[] starts;
  private int[] lengths;
  private Path[] files;
  private long[] offsets;
  private long[] indexes;
  private int size;

  StagedRecords(ByteBufAllocator allocator, int batchSize) {
    this.allocator = allocator;
    this.records = new SerializedRecords(batchSize);
    this.arena = allocator.directBuffer(64 * 1024);
    starts = new int[batchSize];
    lengths = new int[batchSize];
    files = new Path[batchSize];
    offsets = new long[batchSize];
    indexes = new long[batchSize];
  }

  /** Copies {@code length} bytes of {@code source} from {@code start} in as the next record. */
  void add(ByteBuf source, int start, int length, Path file, long offset, long index) {
    if (size == starts.length) {
      int capacity = size * 2;
      starts = Arrays.copyOf(starts, capacity);
      lengths = Arrays.copyOf(lengths, capacity);
      files = Arrays.copyOf(files, capacity);
      offsets = Arrays.copyOf(offsets, capacity);
      indexes = Arrays.copyOf(indexes, capacity);
    }
    // The arena grows by doubling (Netty copies on growth); indexes, not slices, point into it.
    arena.ensureWritable(length);
    starts[size] = arena.writerIndex();
    lengths[size] = length;
    files[size] = file;
    offsets[size] = offset;
    indexes[size] = index;
    arena.writeBytes(source, start, length);
    size++;
  }

  int size() {
    return size;
  }

  /** Serialized bytes of the records added since the last {@link #clear()}. */
  long bytes() {
    return arena.writerIndex();
  }

  /** The records as the parser takes them; valid until {@link #clear()}. */
  SerializedRecords records() {
    records.clear();
    for (int i = 0; i < size; i++) {
      records.add(arena, starts[i], lengths[i], files[i], offsets[i], indexes[i]);
    }
    return records;
  }

  /** Forgets the records; the arena stays for the next batch. */
  void clear() {
    records.clear();
    Arrays.fill(files, 0, size, null);
    size = 0;
    arena.clear();
  }

  void release() {
    clear();
    arena.release();
  }
}
