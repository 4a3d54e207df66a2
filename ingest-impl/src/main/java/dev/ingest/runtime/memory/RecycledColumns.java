package dev.ingest.runtime.memory;

import dev.ingest.tfrecord.DirectMemory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The column buffers of a pipeline's batches, kept for the next batches instead of given back to
 * Netty when a batch is released; and its readers' read buffers, kept from one file to the next
 * (a 256 KiB buffer per file open, which an image pipeline over 4 MiB shards opens hundreds of
 * times a second, each a fresh 4 MiB chunk for Netty when the last one was freed).
 *
 * <p>Why: a batch's columns are mostly larger than the 32 KiB Netty's thread caches keep, so
 * releasing them went to the arena, under its lock, on the consumer's thread, tens of
 * microseconds per batch of 256 image or text records ({@code PipelineBenchmark}). Worse, Netty destroys a 4 MiB chunk whose last buffer
 * is freed (unless it is among its newest chunks) and the next batch's worker maps a new one: a
 * text pipeline churned about 40 chunks a second that way. Kept here, a release is a push on a
 * stack and the next allocation of that size a pop: the buffer given back last is the likeliest
 * to be in a cache still (see {@link KeptBuffers}).
 *
 * <p>Sizes from {@link #SMALLEST_KEPT} to {@link #LARGEST_KEPT} are rounded up to one of four
 * sizes per power of two (at most a quarter more), so that a column whose size varies a little
 * from batch to batch (text) still finds a kept buffer. Each size keeps at most {@code
 * keptPerSize} buffers; a buffer beyond that, or freed after {@link #close()}, goes back to Netty.
 * Smaller buffers go straight to Netty, whose thread caches serve them well; larger ones too.
 *
 * <p>Thread-safe: workers allocate, and the consumer (or whoever releases a batch last) frees.
 */
public final class RecycledColumns implements DirectMemory, AutoCloseable {
  static final int SMALLEST_KEPT = 32 * 1024;
  static final int LARGEST_KEPT = 64 * 1024 * 1024;
  private static final int SMALLEST_SHIFT = Integer.numberOfTrailingZeros(SMALLEST_KEPT);
  private static final int SIZES_PER_DOUBLING = 4;
  private static final int SIZES =
      (Integer.numberOfTrailingZeros(LARGEST_KEPT) - SMALLEST_SHIFT) * SIZES_PER_DOUBLING + 1;

  private final ByteBufAllocator allocator;
  private final int keptPerSize;
  private final AtomicReferenceArray<KeptBuffers> kept =
      new AtomicReferenceArray<>(SIZES);
  private volatile boolean closed;

  /**
   * @param keptPerSize the most buffers kept of any one size: the ring's slots times the most
   *     buffers a batch has bounds what is ever in flight
   */
  public RecycledColumns(ByteBufAllocator allocator, int keptPerSize) {
    if (keptPerSize < 1) {
      throw new IllegalArgumentException("keptPerSize must be at least 1, got " + keptPerSize);
    }
    this.allocator = allocator;
    this.keptPerSize = keptPerSize;
  }

  @Override
  public ByteBuf allocate(int bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must be at least 0, got " + bytes);
    }
    if (bytes < SMALLEST_KEPT || bytes > LARGEST_KEPT) {
      return allocator.directBuffer(bytes, bytes);
    }
    int size = sizeFor(bytes);
    ByteBuf reused = kept(size).poll();
    if (reused != null) {
      return reused;
    }
    int rounded = bytesOf(size);
    return allocator.directBuffer(rounded, rounded);
  }

  @Override
  public void free(ByteBuf buffer) {
    int capacity = buffer.capacity();
    if (closed || capacity < SMALLEST_KEPT || capacity > LARGEST_KEPT) {
      buffer.release();
      return;
    }
    int size = sizeFor(capacity);
    if (bytesOf(size) != capacity || !kept(size).offer(buffer)) {
      buffer.release();
      return;
    }
    if (closed) {
      releaseKept(); // close() may have emptied the stacks before this offer
    }
  }

  /** Gives every kept buffer back to Netty; later frees go straight to it. */
  @Override
  public void close() {
    closed = true;
    releaseKept();
  }

  /** How many buffers are kept now, of all sizes. */
  int keptCount() {
    int count = 0;
    for (int size = 0; size < SIZES; size++) {
      KeptBuffers stack = kept.get(size);
      count += stack == null ? 0 : stack.size();
    }
    return count;
  }

  private void releaseKept() {
    for (int size = 0; size < SIZES; size++) {
      KeptBuffers stack = kept.get(size);
      if (stack != null) {
        for (ByteBuf buffer = stack.poll(); buffer != null; buffer = stack.poll()) {
          buffer.release();
        }
      }
    }
  }

  private KeptBuffers kept(int size) {
    KeptBuffers stack = kept.get(size);
    if (stack == null) {
      kept.compareAndSet(size, null, new KeptBuffers(keptPerSize));
      stack = kept.get(size);
    }
    return stack;
  }

  /**
   * The smallest kept size holding {@code bytes} (from SMALLEST_KEPT to LARGEST_KEPT): size 0 is
   * 32 KiB, then 40, 48, 56, 64, 80, ... KiB (2^k and 1.25, 1.5, 1.75 times 2^k).
   */
  static int sizeFor(int bytes) {
    int exponent = 31 - Integer.numberOfLeadingZeros(bytes - 1); // bytes in (2^e, 2^(e+1)]
    if (exponent < SMALLEST_SHIFT) {
      return 0;
    }
    int quarter = 1 << (exponent - 2);
    int quarters = (bytes - 1 - (1 << exponent)) / quarter + 1; // 1..4 quarters above 2^e
    return (exponent - SMALLEST_SHIFT) * SIZES_PER_DOUBLING + quarters;
  }

  /** The bytes of kept size {@code size}. */
  static int bytesOf(int size) {
    int exponent = SMALLEST_SHIFT + size / SIZES_PER_DOUBLING;
    return (1 << exponent) + (size % SIZES_PER_DOUBLING) * (1 << (exponent - 2));
  }

  /**
   * The buffers kept of one size, the last given back taken first: it was written or read most
   * recently, so its memory is the likeliest to be in a cache still. Taken oldest first (a
   * queue), an image pipeline's parse workers spent 1.3 to 1.7 times the CPU per record, copying
   * into columns gone cold, and its source 4-29% more, reading into cold buffers (docs/engine.md,
   * "Memory"). A lock: a few thousand takes and gives a second, from two or three threads.
   */
  private static final class KeptBuffers {
    private final ByteBuf[] buffers;
    private int count;

    KeptBuffers(int capacity) {
      buffers = new ByteBuf[capacity];
    }

    /** Keeps {@code buffer}; false when as many as allowed are kept already. */
    synchronized boolean offer(ByteBuf buffer) {
      if (count == buffers.length) {
        return false;
      }
      buffers[count++] = buffer;
      return true;
    }

    /** The buffer kept last, or {@code null} when none is. */
    synchronized ByteBuf poll() {
      if (count == 0) {
        return null;
      }
      ByteBuf buffer = buffers[--count];
      buffers[count] = null;
      return buffer;
    }

    synchronized int size() {
      return count;
    }
  }
}
