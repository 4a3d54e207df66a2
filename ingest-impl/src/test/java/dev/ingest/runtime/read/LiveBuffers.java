package dev.ingest.runtime.read;

import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * A pooled direct allocator without thread caches, so that every buffer given back is counted
 * back by its arena at once: {@link #count()} is exactly the buffers allocated and not yet
 * released, from any thread, which proves that nothing leaks without waiting on a collection.
 */
final class LiveBuffers extends PooledByteBufAllocator {

  LiveBuffers() {
    super(true, 0, 1, 8192, 9, 0, 0, false);
  }

  long count() {
    long live = 0;
    for (PoolArenaMetric arena : metric().directArenas()) {
      live += arena.numActiveAllocations();
    }
    return live;
  }
}
