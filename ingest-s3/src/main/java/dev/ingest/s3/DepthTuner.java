package dev.ingest.s3;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many blocks a channel keeps in flight: a fixed depth, or, for {@link
 * dev.ingest.spi.ReadAhead#AUTO}, one that starts at {@link #AUTO_START} and grows each time the
 * reader has to wait for a block that was asked ahead of it.
 *
 * <p>The growth follows Little's law: to never wait, the blocks in flight must cover the time a
 * block takes to arrive (W, from request to last byte, which holds the first-byte latency and
 * the transfer) at the rate the reader consumes blocks (λ, one per the reader's own time per
 * block, its waits left out): {@code depth = ceil(W / readerTimePerBlock) + 1}, the one extra
 * for the block being read. Both times are smoothed (EWMA, weight 1/4). A wait moves the depth
 * to that estimate, but by one at least (an estimate can lag behind a store that slowed down)
 * and at most to double (one slow block should not take the whole memory allowance), and never
 * past the maximum. The depth never shrinks: the memory of the maximum is counted against the
 * pipeline's budget anyway, and a depth that shrank would have to be relearnt by waiting again.
 *
 * <p>What one channel learnt, the next starts from: the channels of one file system share the
 * deepest depth any of them grew to ({@code learned}), so a pipeline that reads many objects of a
 * few blocks each (the common case: shards of tens of megabytes) does not wait at the start of
 * every object again to learn what the store's latency needs.
 *
 * <h2>Assumptions and guarantees</h2>
 * Pure policy, no clock: the channel passes the times it measures. Not thread-safe; its
 * channel's lock guards it.
 */
final class DepthTuner {
  /** The depth an adaptive tuner starts at. */
  static final int AUTO_START = 2;

  private final int maxDepth;
  private final boolean adaptive;
  private final AtomicInteger learned;
  private int depth;
  private double arrivalNanos;
  private double readerNanosPerBlock;

  /**
   * @param depth the fixed depth, ignored when adaptive
   * @param maxDepth the most an adaptive depth may reach
   * @param adaptive whether to start at {@link #AUTO_START} (or what {@code learned} holds, if
   *     more) and grow
   * @param learned the deepest depth the file system's adaptive channels grew to, shared by them
   */
  DepthTuner(int depth, int maxDepth, boolean adaptive, AtomicInteger learned) {
    this.maxDepth = maxDepth;
    this.adaptive = adaptive;
    this.learned = learned;
    this.depth = adaptive ? Math.min(Math.max(AUTO_START, learned.get()), maxDepth) : depth;
  }

  /** A tuner that learns alone. */
  DepthTuner(int depth, int maxDepth, boolean adaptive) {
    this(depth, maxDepth, adaptive, new AtomicInteger());
  }

  /** Blocks to keep in flight now, the one being read included. */
  int depth() {
    return depth;
  }

  /** A block arrived whole, {@code nanos} after it was asked. */
  void onBlockArrived(long nanos) {
    arrivalNanos = smooth(arrivalNanos, nanos);
  }

  /** The reader finished a block, having spent {@code nanos} on it besides waiting. */
  void onBlockConsumed(long nanos) {
    readerNanosPerBlock = smooth(readerNanosPerBlock, Math.max(1, nanos));
  }

  /** The reader waited for a block asked ahead of it. */
  void onReaderWaited() {
    if (!adaptive || depth >= maxDepth) {
      return;
    }
    long estimate = arrivalNanos > 0 && readerNanosPerBlock > 0
        ? (long) Math.ceil(arrivalNanos / readerNanosPerBlock) + 1
        : (long) depth * 2;
    long grown = Math.max(depth + 1, Math.min(estimate, (long) depth * 2));
    depth = (int) Math.min(grown, maxDepth);
    learned.accumulateAndGet(depth, Math::max);
  }

  private static double smooth(double average, long sample) {
    return average == 0 ? sample : average + (sample - average) / 4;
  }
}
