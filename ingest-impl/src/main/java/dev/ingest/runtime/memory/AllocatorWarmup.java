package dev.ingest.runtime.memory;

import dev.ingest.runtime.concurrent.ThreadStop;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Starts Netty's pooled allocator on a helper thread when a JVM starts its first pipeline, while
 * the caller lists the files, digests them and builds the stages' metrics. In a fresh JVM the
 * allocator's first buffer is the largest single part of the time to the first batch (its classes
 * loaded and initialized, the platform probed, its logger found; {@code FirstBatchProbe} in
 * benchmarks measures it); on a second core most of it no longer adds to the rest.
 *
 * <p>The caller touches no Netty class before {@link #allocator()} returns: two threads, each
 * initializing a class that needs one the other is initializing, would deadlock, so the caller
 * waits for the helper to be done instead of racing it. Later pipelines in the same JVM find the
 * helper done and start none.
 */
public final class AllocatorWarmup {
  /** A buffer size from the allocator's small size classes, the ones records and columns use. */
  private static final int FIRST_BUFFER_BYTES = 1024;
  private static final AllocatorWarmup NETTY = new AllocatorWarmup(
      () -> PooledByteBufAllocator.DEFAULT.directBuffer(FIRST_BUFFER_BYTES).release());

  private final Runnable warm;
  /** The helper, once one was started; it ends as soon as {@link #warm} returns. */
  private final AtomicReference<Thread> helper = new AtomicReference<>();

  /** A warm-up that runs {@code warm} once, on a helper thread; tests give their own. */
  AllocatorWarmup(Runnable warm) {
    this.warm = warm;
  }

  /** Starts warming Netty's allocator up, unless a pipeline of this JVM did already. */
  public static void begin() {
    NETTY.start();
  }

  /** Netty's pooled allocator, once the helper (if one was started) is done with it. */
  public static ByteBufAllocator allocator() {
    NETTY.awaitDone();
    return PooledByteBufAllocator.DEFAULT;
  }

  /** Returns once the helper (if one was started) is done. */
  public static void awaitHelper() {
    NETTY.awaitDone();
  }

  /** Starts the helper, unless this warm-up started one already. */
  void start() {
    if (helper.get() != null) {
      return;
    }
    Thread thread = new Thread(this::runWarm, "ingest-warmup");
    thread.setDaemon(true);
    if (helper.compareAndSet(null, thread)) {
      thread.start();
    }
  }

  /**
   * Returns once the helper is done, or at once when none was started. An interrupt does not cut
   * the wait short (the helper's work is bounded and must not be raced); it is passed on.
   */
  void awaitDone() {
    Thread thread = helper.get();
    if (thread != null) {
      ThreadStop.joinAll(List.of(thread));
    }
  }

  private void runWarm() {
    try {
      warm.run();
    } catch (RuntimeException | LinkageError e) {
      // The caller's own first use of the allocator meets the same failure and reports it.
    }
  }
}
