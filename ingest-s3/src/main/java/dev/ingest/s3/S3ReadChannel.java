package dev.ingest.s3;

import dev.ingest.s3.RangeFaults.ShortBodyException;
import dev.ingest.spi.ReadAhead;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * Reads one object with ranged GETs kept in flight ahead of the reader, so that a first byte's
 * latency is paid once per object (and once per seek), not once per read.
 *
 * <pre>
 *            position
 *               v
 *   | dropped | block 0 (read) | block 1 (arriving) | block 2 (asked) | ... up to depth
 *             ^ nothing behind the position's block is held      nextStart ^
 * </pre>
 *
 * <p>At open, and at each {@link #position(long)} outside the blocks held, the channel asks for
 * blocks of {@link ReadAhead#effectiveBlockBytes()} from the position on, up to the depth (never
 * past the object's end). Each block's body is copied as it arrives into a direct buffer of the
 * given allocator; {@link #read} copies from the block at the position, waits only when its
 * bytes have not arrived, releases blocks the position has passed and asks for the next so that
 * depth blocks stay held. The blocks held never exceed {@link ReadAhead#maxBytesInFlight()} bytes
 * ({@link #peakBytesHeld()} says how many were held at most). An adaptive depth is described in
 * {@link DepthTuner}.
 *
 * <p>A block whose GET fails transiently (see {@link RangeFaults}) is asked again from its first
 * missing byte after the policy's backoff, up to {@link RetryPolicy#maxAttempts()} attempts in
 * all; each attempt has the policy's request timeout, from request to last byte. A block that
 * fails for good makes the {@link #read} that reaches it throw an {@link ObjectReadException}
 * naming the URI, the first missing byte and the attempts made.
 *
 * <h2>Assumptions and guarantees</h2>
 * One reader at a time calls {@link #read} and {@link #position}; {@link #close()} may come from
 * any thread, also while a read waits (which then throws {@link AsynchronousCloseException}). The
 * bytes arrive on the SDK's event-loop threads and retries start on {@link StorageTimer}'s; the
 * channel starts no thread. One lock guards the blocks, taken briefly by each arriving piece (to
 * copy it) and by the reader (to copy out): the copies are the only work done under it besides
 * handing requests to the SDK, which sends them from its own event loop. {@link #close()} is
 * idempotent, cancels every request in flight and releases every buffer before it returns; bytes
 * that arrive after it are refused and their requests aborted.
 */
public final class S3ReadChannel implements SeekableByteChannel {
  private final S3AsyncClient client;
  private final String uri;
  private final String bucket;
  private final String key;
  private final long size;
  private final String eTag;
  private final int blockBytes;
  private final long maxBytesInFlight;
  private final RetryPolicy retries;
  private final ByteBufAllocator allocator;
  private final ScheduledExecutorService timer = StorageTimer.shared();
  private final RangeGet.Listener arrivals = new Arrivals();

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition progressed = lock.newCondition();
  private final ArrayDeque<ReadBlock> blocks = new ArrayDeque<>();
  private final DepthTuner depth;
  private long position;
  private long nextStart;
  private long bytesHeld;
  private long peakBytesHeld;
  private boolean open = true;
  private long readerEnteredBlockNanos;
  private long readerWaitedNanos;

  /**
   * @param client the store's client
   * @param uri the object's {@code s3://bucket/key}, for messages
   * @param bucket the object's bucket
   * @param key the object's key
   * @param size the object's size in bytes, as listed
   * @param eTag the object's ETag as listed (every range asks for it: an object replaced while it
   *     is read fails instead of mixing two versions), or null
   * @param readAhead block size and depth
   * @param retries how failed ranges are tried again
   * @param allocator where the blocks come from (pooled direct)
   */
  public S3ReadChannel(S3AsyncClient client, String uri, String bucket, String key, long size,
      String eTag, ReadAhead readAhead, RetryPolicy retries, ByteBufAllocator allocator) {
    this(client, uri, bucket, key, size, eTag, readAhead, retries, allocator,
        new AtomicInteger());
  }

  /**
   * As the constructor above, starting an adaptive depth from {@code learnedDepth}: the deepest
   * depth the channels sharing it grew to (see {@link DepthTuner}), which this one updates.
   */
  public S3ReadChannel(S3AsyncClient client, String uri, String bucket, String key, long size,
      String eTag, ReadAhead readAhead, RetryPolicy retries, ByteBufAllocator allocator,
      AtomicInteger learnedDepth) {
    this(client, uri, bucket, key, size, eTag, readAhead, retries, allocator, learnedDepth, 0);
  }

  /**
   * As the constructor above, with the position and the first request at {@code readFrom}
   * instead of the first byte (see {@link dev.ingest.spi.ReadFrom}).
   */
  public S3ReadChannel(S3AsyncClient client, String uri, String bucket, String key, long size,
      String eTag, ReadAhead readAhead, RetryPolicy retries, ByteBufAllocator allocator,
      AtomicInteger learnedDepth, long readFrom) {
    if (size < 0) {
      throw new IllegalArgumentException(uri + ": size must not be negative, not " + size);
    }
    this.client = client;
    this.uri = uri;
    this.bucket = bucket;
    this.key = key;
    this.size = size;
    this.eTag = eTag;
    this.blockBytes = readAhead.effectiveBlockBytes();
    this.maxBytesInFlight = readAhead.maxBytesInFlight();
    this.retries = retries;
    this.allocator = allocator;
    this.depth = new DepthTuner(readAhead.depth(), readAhead.maxDepth(),
        readAhead.adaptiveDepth(), learnedDepth);
    if (readFrom < 0) {
      throw new IllegalArgumentException(uri + ": a read starts at byte 0 or later, not "
          + readFrom);
    }
    lock.lock();
    try {
      restartAt(readFrom);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Copies the bytes at the position into {@code destination}: those of the position's block,
   * waiting for the first of them if it has not arrived, and then those of the following blocks
   * that have arrived.
   *
   * @throws ObjectReadException when the block at the position failed for good
   * @throws AsynchronousCloseException when the channel was closed while this read waited
   */
  @Override
  public int read(ByteBuffer destination) throws IOException {
    lock.lock();
    try {
      ensureOpen();
      if (position >= size) {
        return -1;
      }
      if (!destination.hasRemaining()) {
        return 0;
      }
      ReadBlock block = blocks.peekFirst();
      awaitArrival(block);
      int copied = 0;
      while (block != null && block.hasArrived(position) && destination.hasRemaining()) {
        int count = block.copyTo(position, destination);
        copied += count;
        position += count;
        if (position == block.end()) {
          finishBlock();
          block = blocks.peekFirst();
        }
      }
      return copied;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int write(ByteBuffer source) {
    throw new NonWritableChannelException();
  }

  @Override
  public long position() throws IOException {
    lock.lock();
    try {
      ensureOpen();
      return position;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Moves the position. Blocks held at and after the new position are kept (a seek inside the
   * read-ahead costs nothing); elsewhere every request in flight is cancelled and the read-ahead
   * starts again at {@code newPosition}. A position at or past the end asks for nothing.
   */
  @Override
  public SeekableByteChannel position(long newPosition) throws IOException {
    if (newPosition < 0) {
      throw new IllegalArgumentException(uri + ": position must not be negative, not "
          + newPosition);
    }
    lock.lock();
    try {
      ensureOpen();
      ReadBlock last = blocks.peekLast();
      if (last != null && newPosition >= blocks.peekFirst().start && newPosition < last.end()) {
        while (!blocks.peekFirst().contains(newPosition)) {
          release(blocks.pollFirst());
        }
        position = newPosition;
        topUp();
      } else {
        dropAll();
        restartAt(newPosition);
      }
      return this;
    } finally {
      lock.unlock();
    }
  }

  /** The object's size as listed. */
  @Override
  public long size() throws IOException {
    ensureOpen();
    return size;
  }

  @Override
  public SeekableByteChannel truncate(long size) {
    throw new NonWritableChannelException();
  }

  @Override
  public boolean isOpen() {
    lock.lock();
    try {
      return open;
    } finally {
      lock.unlock();
    }
  }

  /** Cancels every request in flight and releases every block; a second call does nothing. */
  @Override
  public void close() {
    lock.lock();
    try {
      if (!open) {
        return;
      }
      open = false;
      dropAll();
      progressed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The object's {@code s3://bucket/key}. */
  public String uri() {
    return uri;
  }

  /** Blocks kept in flight now (for an adaptive depth, what it has grown to). */
  public int depth() {
    lock.lock();
    try {
      return depth.depth();
    } finally {
      lock.unlock();
    }
  }

  /** Bytes of the object held now in blocks, arrived or on their way. */
  public long bytesHeld() {
    lock.lock();
    try {
      return bytesHeld;
    } finally {
      lock.unlock();
    }
  }

  /** The most bytes held at once since open: never more than the read-ahead's allowance. */
  public long peakBytesHeld() {
    lock.lock();
    try {
      return peakBytesHeld;
    } finally {
      lock.unlock();
    }
  }

  private void restartAt(long newPosition) {
    position = newPosition;
    nextStart = newPosition;
    readerEnteredBlockNanos = System.nanoTime();
    readerWaitedNanos = 0;
    topUp();
  }

  /** Waits until {@code block} has the byte at the position, failed, or the channel closed. */
  private void awaitArrival(ReadBlock block) throws IOException {
    if (block.hasArrived(position) || block.state() == ReadBlock.State.FAILED) {
      throwIfFailed(block);
      return;
    }
    if (block.readAhead) {
      depth.onReaderWaited();
      topUp();
    }
    long waitStart = System.nanoTime();
    // Each attempt ends within the request timeout and the next begins within the longest
    // backoff, so a wait that long with nothing changing (no byte, no attempt) means a lost
    // request: fail rather than hang.
    long stuckNanos = 2 * (retries.requestTimeout().toNanos() + retries.maxDelay().toNanos());
    try {
      while (open && !block.hasArrived(position) && block.state() == ReadBlock.State.ARRIVING) {
        long seenMissing = block.firstMissing();
        int seenAttempts = block.attempts();
        long left = progressed.awaitNanos(stuckNanos);
        if (left <= 0 && block.firstMissing() == seenMissing && block.attempts() == seenAttempts
            && block.state() == ReadBlock.State.ARRIVING) {
          throw new ObjectReadException(uri, block.firstMissing(), uri + ": no byte from offset "
              + block.firstMissing() + " arrived in " + TimeUnit.NANOSECONDS.toMillis(stuckNanos)
              + " ms (attempt " + block.attempts() + " of " + retries.maxAttempts() + ")", null);
        }
      }
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      close();
      throw new ClosedByInterruptException();
    } finally {
      readerWaitedNanos += System.nanoTime() - waitStart;
    }
    if (!open) {
      throw new AsynchronousCloseException();
    }
    throwIfFailed(block);
  }

  private void throwIfFailed(ReadBlock block) throws ObjectReadException {
    if (block.state() != ReadBlock.State.FAILED) {
      return;
    }
    Throwable cause = block.failure();
    long offset = block.firstMissing();
    String message = RangeFaults.objectChanged(cause)
        ? uri + ": the object changed while it was read (it no longer has ETag " + eTag
            + "); first byte not read: offset " + offset
        : uri + ": could not read from byte offset " + offset + " after " + block.attempts()
            + (block.attempts() == 1 ? " attempt: " : " attempts: ")
            + RangeFaults.describe(cause);
    throw new ObjectReadException(uri, offset, message, RangeFaults.unwrap(cause));
  }

  /** The reader has read the first block to its end: let it go and ask for the next. */
  private void finishBlock() {
    long now = System.nanoTime();
    depth.onBlockConsumed(now - readerEnteredBlockNanos - readerWaitedNanos);
    readerEnteredBlockNanos = now;
    readerWaitedNanos = 0;
    release(blocks.pollFirst());
    topUp();
  }

  /** Asks for blocks after the last held until depth are held (or the object ends). */
  private void topUp() {
    while (open && blocks.size() < depth.depth() && nextStart < size) {
      int length = (int) Math.min(blockBytes, size - nextStart);
      if (bytesHeld + length > maxBytesInFlight) {
        break;
      }
      ReadBlock block = new ReadBlock(nextStart, length,
          allocator.directBuffer(length, length), !blocks.isEmpty(), System.nanoTime());
      bytesHeld += length;
      peakBytesHeld = Math.max(peakBytesHeld, bytesHeld);
      blocks.addLast(block);
      nextStart += length;
      startAttempt(block);
    }
  }

  private void startAttempt(ReadBlock block) {
    block.nextAttempt(arrivals)
        .start(client, bucket, key, eTag, retries.requestTimeout(), timer);
  }

  private void dropAll() {
    while (!blocks.isEmpty()) {
      release(blocks.pollFirst());
    }
  }

  private void release(ReadBlock block) {
    block.drop();
    bytesHeld -= block.length;
  }

  private void ensureOpen() throws ClosedChannelException {
    if (!isOpen()) {
      throw new ClosedChannelException();
    }
  }

  /** The blocks' pieces of body and outcomes, on the SDK's threads and the timer's. */
  private final class Arrivals implements RangeGet.Listener {
    @Override
    public boolean onBody(RangeGet attempt, ByteBuffer piece) {
      lock.lock();
      try {
        ReadBlock block = blockOf(attempt);
        if (block == null) {
          return false;
        }
        int offered = piece.remaining();
        int taken = block.append(piece);
        if (block.state() == ReadBlock.State.ARRIVED) {
          depth.onBlockArrived(System.nanoTime() - block.askedNanos);
        }
        progressed.signalAll();
        // A body longer than its range (a server that ignored Range from byte 0) is cut here.
        return taken == offered;
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void onEnd(RangeGet attempt, Throwable failure) {
      lock.lock();
      try {
        ReadBlock block = blockOf(attempt);
        if (block == null) {
          return;
        }
        Throwable cause = failure != null ? failure : new ShortBodyException("the body ended "
            + (block.end() - block.firstMissing()) + " bytes short of its range");
        if (!RangeFaults.retryable(cause) || block.attempts() >= retries.maxAttempts()) {
          block.fail(cause);
          progressed.signalAll();
          return;
        }
        ScheduledFuture<?> retry = timer.schedule(() -> retry(block),
            retries.delayBefore(block.attempts()).toNanos(), TimeUnit.NANOSECONDS);
        block.awaitRetry(() -> retry.cancel(false));
        progressed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    private ReadBlock blockOf(RangeGet attempt) {
      for (ReadBlock block : blocks) {
        if (block.awaits(attempt)) {
          return block;
        }
      }
      return null;
    }

    private void retry(ReadBlock block) {
      lock.lock();
      try {
        if (open && block.state() == ReadBlock.State.ARRIVING && blocks.contains(block)) {
          startAttempt(block);
        }
      } finally {
        lock.unlock();
      }
    }
  }
}
