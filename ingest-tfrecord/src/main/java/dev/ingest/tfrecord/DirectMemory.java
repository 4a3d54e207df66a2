package dev.ingest.tfrecord;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Where direct buffers come from, and where they go back once nothing uses them: straight from
 * and to a Netty allocator ({@link #of(ByteBufAllocator)}), or through a pool that keeps them for
 * the next user (the engine keeps its readers' buffers and its batches' columns this way: see
 * {@link TFRecordReaderOptions#readBuffers()}).
 *
 * <p>Why not just an allocator: buffers above the 32 KiB Netty's thread caches hold go back to
 * its arena when released, and Netty destroys a 4 MiB chunk whose last buffer is released. A
 * reader's 256 KiB buffer, released at the end of each file, made an image pipeline over 4 MiB
 * shards allocate 357 chunks in a 9-second run (11 with the buffers kept).
 *
 * <p>Implementations say from which threads they may be called; the users say from which they
 * call (a parser's columns are freed by whichever thread releases their batch last).
 */
public interface DirectMemory {
  /**
   * A direct buffer with at least {@code bytes} of capacity; its maximum capacity is its
   * capacity. Its content is undefined.
   */
  ByteBuf allocate(int bytes);

  /**
   * Takes back a buffer {@link #allocate(int)} gave, which nothing uses any more: its holder
   * owns the only reference.
   */
  void free(ByteBuf buffer);

  /**
   * The caller is done with {@code buffer}, which may have other holders: frees it here if the
   * caller holds its only reference, else releases the caller's reference (the last holder's
   * release may then give it to Netty rather than here, when two let go at once).
   */
  default void giveBack(ByteBuf buffer) {
    if (buffer.refCnt() == 1) {
      free(buffer);
    } else {
      buffer.release();
    }
  }

  /** Buffers from {@code allocator}, released to it when freed. */
  static DirectMemory of(ByteBufAllocator allocator) {
    return new AllocatorMemory(allocator);
  }
}
