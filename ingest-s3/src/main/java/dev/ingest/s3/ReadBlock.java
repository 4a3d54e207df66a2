package dev.ingest.s3;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;

/**
 * One block of an object on its way to the reader: the bytes {@code [start, start + length)},
 * received into a direct buffer of exactly that size, in order, by one {@link RangeGet} at a time.
 *
 * <pre>
 *   start                      start + received          start + length
 *     |==== arrived, readable ====|------ still on its way ------|
 * </pre>
 *
 * <h2>Assumptions and guarantees</h2>
 * Not thread-safe: its channel's lock guards every field and every call. The block owns its
 * buffer from construction until {@link #drop()}, which releases it; after that no byte is
 * written into it (a late piece of body is refused) and nothing is read from it.
 */
final class ReadBlock {
  enum State { ARRIVING, ARRIVED, FAILED, DROPPED }

  final long start;
  final int length;
  /** Whether this block was asked ahead of the reader (not the first after an open or seek). */
  final boolean readAhead;
  final long askedNanos;
  private final ByteBuf buffer;
  private int received;
  private State state = State.ARRIVING;
  private int attempts;
  private RangeGet attempt;
  private Runnable cancelRetry;
  private Throwable failure;

  /** Takes ownership of {@code buffer}, which holds at least {@code length} writable bytes. */
  ReadBlock(long start, int length, ByteBuf buffer, boolean readAhead, long askedNanos) {
    this.start = start;
    this.length = length;
    this.buffer = buffer;
    this.readAhead = readAhead;
    this.askedNanos = askedNanos;
  }

  long end() {
    return start + length;
  }

  boolean contains(long offset) {
    return offset >= start && offset < end();
  }

  /** The first byte of the object not yet here. */
  long firstMissing() {
    return start + received;
  }

  State state() {
    return state;
  }

  int attempts() {
    return attempts;
  }

  Throwable failure() {
    return failure;
  }

  /** Whether the byte at {@code offset} (inside this block) has arrived. */
  boolean hasArrived(long offset) {
    return offset < start + received;
  }

  /** Whether {@code candidate} is the attempt this block waits on. */
  boolean awaits(RangeGet candidate) {
    return state == State.ARRIVING && attempt == candidate;
  }

  /** Begins attempt number {@link #attempts()} + 1, for the bytes not yet here. */
  RangeGet nextAttempt(RangeGet.Listener listener) {
    attempts++;
    cancelRetry = null;
    attempt = new RangeGet(firstMissing(), end() - 1, listener);
    return attempt;
  }

  /** Between attempts: how to call off the retry that is waiting out its backoff. */
  void awaitRetry(Runnable cancel) {
    attempt = null;
    cancelRetry = cancel;
  }

  /**
   * Appends what of {@code piece} fits in the block.
   *
   * @return the bytes taken; fewer than the piece holds when it runs past the block's end
   */
  int append(ByteBuffer piece) {
    int taken = Math.min(piece.remaining(), length - received);
    ByteBuffer fitting = piece.duplicate();
    fitting.limit(fitting.position() + taken);
    buffer.setBytes(received, fitting);
    received += taken;
    if (received == length) {
      state = State.ARRIVED;
      attempt = null;
    }
    return taken;
  }

  /**
   * Copies arrived bytes from {@code offset} into {@code destination}, as many as both allow.
   *
   * @return the bytes copied
   */
  int copyTo(long offset, ByteBuffer destination) {
    int from = (int) (offset - start);
    int count = Math.min(destination.remaining(), received - from);
    if (count > 0) {
      int limit = destination.limit();
      destination.limit(destination.position() + count);
      buffer.getBytes(from, destination);
      destination.limit(limit);
    }
    return count;
  }

  /** The range failed for good. */
  void fail(Throwable cause) {
    state = State.FAILED;
    failure = cause;
    attempt = null;
  }

  /** Cancels whatever is in flight for the block and releases its buffer. */
  void drop() {
    if (state == State.DROPPED) {
      return;
    }
    state = State.DROPPED;
    if (attempt != null) {
      attempt.cancel();
      attempt = null;
    }
    if (cancelRetry != null) {
      cancelRetry.run();
      cancelRetry = null;
    }
    buffer.release();
  }
}
