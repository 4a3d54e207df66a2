package dev.ingest.tfrecord.example;

import dev.ingest.tfrecord.DirectMemory;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A growable off-heap byte array whose first byte sits at a 64-byte aligned address, the
 * alignment TensorFlow's C core needs to use memory without copying it.
 *
 * <pre>
 *   pooled direct ByteBuf:  [ pad (0..63 bytes) | byte 0 (aligned) ... size-1 | spare ]
 *                                                ^ base
 * </pre>
 *
 * Indexes given to the accessors are relative to {@code base}. Growing moves the bytes to a new
 * aligned buffer (doubling), so callers hold indexes, never addresses.
 *
 * <p>Owns one buffer of its {@link DirectMemory}; {@link #release()} gives it back. Confined to
 * one thread while it is written; read-only views of it may then be published.
 */
final class ColumnBuffer {
  static final int ALIGNMENT = 64;

  private final DirectMemory memory;
  private ByteBuf buffer;
  private int base;
  private int capacity;

  ColumnBuffer(DirectMemory memory, int initialCapacity) {
    this.memory = memory;
    allocate(Math.max(initialCapacity, 0));
  }

  /** Makes room for {@code bytes} bytes from index 0, keeping the first {@code keep} bytes. */
  void ensureCapacity(int bytes, int keep) {
    if (bytes <= capacity) {
      return;
    }
    long grown = Math.max((long) bytes, 2L * capacity);
    int target = (int) Math.min(grown, Integer.MAX_VALUE - 2L * ALIGNMENT);
    if (target < bytes) {
      throw new IllegalStateException("a column cannot hold more than 2 GiB, needed " + bytes);
    }
    ByteBuf old = buffer;
    int oldBase = base;
    allocate(target);
    buffer.setBytes(base, old, oldBase, keep);
    memory.free(old);
  }

  ByteBuf buffer() {
    return buffer;
  }

  /** Index in {@link #buffer()} of byte 0. */
  int base() {
    return base;
  }

  int capacity() {
    return capacity;
  }

  /** A read-only little-endian view of bytes {@code [0, length)}; aligned at byte 0. */
  ByteBuffer view(int length) {
    return buffer.nioBuffer(base, length).order(ByteOrder.LITTLE_ENDIAN).asReadOnlyBuffer()
        .order(ByteOrder.LITTLE_ENDIAN);
  }

  void release() {
    memory.free(buffer);
  }

  private void allocate(int bytes) {
    int total = bytes + ALIGNMENT - 1;
    buffer = memory.allocate(total);
    // The address of index 0 modulo 64 decides how far to step to the next aligned byte.
    long misalignment = buffer.nioBuffer(0, total).alignmentOffset(0, ALIGNMENT);
    base = (int) ((ALIGNMENT - misalignment) % ALIGNMENT);
    // A reused buffer may be larger than asked for: all of it past base is room.
    capacity = buffer.capacity() - base;
  }
}
