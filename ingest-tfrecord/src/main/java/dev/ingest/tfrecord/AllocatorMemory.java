package dev.ingest.tfrecord;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Objects;

/** {@link DirectMemory#of}: a Netty allocator's buffers, released to it. Thread-safe. */
record AllocatorMemory(ByteBufAllocator allocator) implements DirectMemory {
  AllocatorMemory {
    Objects.requireNonNull(allocator, "allocator");
  }

  @Override
  public ByteBuf allocate(int bytes) {
    return allocator.directBuffer(bytes, bytes);
  }

  @Override
  public void free(ByteBuf buffer) {
    buffer.release();
  }
}
