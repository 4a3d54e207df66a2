package dev.ingest.runtime.concurrent;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Lets a thread that waits for another to move a sequence sleep until that thread wakes it,
 * instead of waking itself on a timer: the consumer waiting for the stage that finishes its
 * batch. On a machine with few cores every timed wake-up of an idle thread takes a core from the
 * stages it waits for: waiting half a millisecond for a batch cost the consumer about 100 µs of
 * CPU in timed parks, one wake-up per batch costs a few.
 *
 * <p>Only for waits where the waker is not on a latency path: the source waiting for a free slot
 * is not woken this way, since the waker would be the consumer, and unparking a thread costs
 * {@code next()} about 10 µs and its tail far more (measured with a consumer that parks 5 ms a
 * batch: the median wait per batch rose from 23 to 33 µs and the 99th percentile from 110 to
 * 343 µs), where the source's timed parks cost only CPU that a full ring leaves idle anyway.
 *
 * <p>The waiter announces the sequence it waits for, looks once more, and parks; the thread that
 * moves the sequence calls {@link #ready} after moving it, which unparks the waiter if it waits
 * for that sequence or an earlier one. The announcement and the sequence are both written and
 * read with full fences (volatile), so either the waiter sees the sequence before parking or the
 * mover sees the announcement. The park still has a timeout, so the waiter looks at what else it
 * waits on (liveness, shutdown, the tuner's limit) now and then even if nobody calls.
 *
 * <p>A wake-up that races with the waiter finding its sequence on its own leaves the waiter's
 * thread a permit, so that thread's next {@code LockSupport.park} (in the caller's code, between
 * batches) may return at once. Park's contract allows that, and callers re-check their condition
 * (the simulated accelerators here park in a loop until their step's deadline).
 *
 * <p>One waiting thread per instance.
 */
public final class Wakeup {
  /** The longest the waiter sleeps without a wake-up before looking again. */
  static final long MAX_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long NOT_WAITING = Long.MAX_VALUE;

  private volatile Thread sleeper;
  private volatile long waitingFor = NOT_WAITING;

  /**
   * Called by the waiter, which found {@code sequence} not reached yet: announces it. The caller must then look again before {@link #sleep()}, and call {@link
   * #awake()} once it stops waiting.
   */
  public void announce(long sequence) {
    sleeper = Thread.currentThread();
    waitingFor = sequence;
  }

  /** Parks the waiter until {@link #ready} wakes it, or {@link #MAX_SLEEP_NANOS}. */
  public void sleep() {
    LockSupport.parkNanos(this, MAX_SLEEP_NANOS);
  }

  /** The waiter stopped waiting. */
  public void awake() {
    waitingFor = NOT_WAITING;
  }

  /**
   * Called by the mover after it moved the sequence to {@code sequence} with a volatile write:
   * wakes the waiter if it waits for it. Costs a volatile read when nobody waits.
   */
  public void ready(long sequence) {
    if (sequence >= waitingFor) {
      Thread thread = sleeper;
      if (thread != null) {
        LockSupport.unpark(thread);
      }
    }
  }
}
