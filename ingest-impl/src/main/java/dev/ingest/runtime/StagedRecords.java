package dev.ingest.runtime;

import dev.ingest.tfrecord.example.SerializedRecords;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.file.Path;

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
  private final SerializedRecords records;
  private final ByteBuf arena;

  StagedRecords(ByteBufAllocator allocator, int batchSize) {
    this.records = new SerializedRecords(batchSize);
    this.arena = allocator.directBuffer(64 * 1024);
  }

  /** Copies {@code length} bytes of {@code source} from {@code start} in as the next record. */
  void add(ByteBuf source, int start, int length, Path file, long offset, long index) {
    // Growing keeps the arena object and moves its memory, so the records' indexes stay valid.
    arena.ensureWritable(length);
    records.add(arena, arena.writerIndex(), length, file, offset, index);
    arena.writeBytes(source, start, length);
  }

  int size() {
    return records.size();
  }

  /** Serialized bytes of the records added since the last {@link #clear()}. */
  long bytes() {
    return arena.writerIndex();
  }

  /** The records as the parser takes them; valid until {@link #clear()}. */
  SerializedRecords records() {
    return records;
  }

  /** Forgets the records; the arena stays for the next batch. */
  void clear() {
    records.clear();
    arena.clear();
  }

  void release() {
    clear();
    arena.release();
  }
}
