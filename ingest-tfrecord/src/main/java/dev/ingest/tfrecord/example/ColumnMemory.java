package dev.ingest.tfrecord.example;

import dev.ingest.tfrecord.DirectMemory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Where a parser's (or an assembler's) column buffers come from and where they go back when
 * their batch is released. {@link #of(ByteBufAllocator)} takes them from a Netty allocator and
 * releases them to it; a pipeline may keep and reuse them instead (the engine's
 * {@code RecycledColumns}), since handing large buffers back to Netty's arena from the consumer's
 * thread is costly.
 *
 * <p>Implementations are called from any thread: the parsing thread allocates, and whichever
 * thread releases a batch last frees its columns.
 */
public interface ColumnMemory extends DirectMemory {
  /** Buffers from {@code allocator}, released to it when freed. */
  static ColumnMemory of(ByteBufAllocator allocator) {
    return new ColumnMemory() {
      @Override
      public ByteBuf allocate(int bytes) {
        return allocator.directBuffer(bytes, bytes);
      }

      @Override
      public void free(ByteBuf buffer) {
        buffer.release();
      }
    };
  }
}
