package dev.ingest.tfrecord;

import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * A pooled direct allocator without thread caches, so that every buffer given back is counted
 * back by its arena at once: {@link #liveBuffers()} is then exactly the number of buffers
 * allocated and not yet released. Tests use it to prove that nothing leaks, deterministically,
 * rather than hoping a garbage collection lets Netty's leak detector notice.
 */
final class CountingAllocator extends PooledByteBufAllocator {

  CountingAllocator() {
    super(true, 0, 1, 8192, 9, 0, 0, false);
  }

  long liveBuffers() {
    long live = 0;
    for (PoolArenaMetric arena : metric().directArenas()) {
      live += arena.numActiveAllocations();
    }
    return live;
  }
}
