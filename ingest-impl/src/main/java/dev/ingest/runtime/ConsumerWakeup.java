package dev.ingest.runtime;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Lets the consumer sleep while it waits for a batch and be woken by the stage that finishes it,
 * instead of waking itself on a timer. On a machine with few cores every timed wake-up of an idle
 * consumer takes a core from the stages it waits for: waiting half a millisecond for a batch
 * cost the consumer about 100 µs of CPU in timed parks (about a tenth of a core at 400,000
 * records/s), one wake-up per batch costs a few.
 *
 * <p>The consumer announces the sequence it waits for, looks once more, and parks; a stage that
 * has made a sequence ready calls {@link #ready}, which unparks the consumer if it waits for that
 * sequence or an earlier one. The announcement and the stage's sequence are both written and read
 * with full fences, so either the consumer sees the sequence before parking or the stage sees the
 * announcement. The park still has a timeout, so the consumer looks at the stages' liveness and
 * its own interrupt now and then even if no stage ever calls.
 */
final class ConsumerWakeup {
  /** The longest the consumer sleeps without a wake-up before looking again. */
  static final long MAX_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long NOT_WAITING = Long.MAX_VALUE;

  private volatile Thread sleeper;
  private volatile long waitingFor = NOT_WAITING;

  /**
   * Called by the consumer, which found {@code sequence} not ready: announces it. The caller must
   * then look again before {@link #sleep()}, and call {@link #awake()} once it stops waiting.
   */
  void announce(long sequence) {
    sleeper = Thread.currentThread();
    waitingFor = sequence;
  }

  /** Parks the consumer until a stage makes its sequence ready, or {@link #MAX_SLEEP_NANOS}. */
  void sleep() {
    LockSupport.parkNanos(this, MAX_SLEEP_NANOS);
  }

  /** The consumer stopped waiting. */
  void awake() {
    waitingFor = NOT_WAITING;
  }

  /**
   * Called by a stage after it made {@code sequence} ready (with a volatile write): wakes the
   * consumer if it waits for it. Costs a volatile read when the consumer is not waiting.
   */
  void ready(long sequence) {
    if (sequence >= waitingFor) {
      Thread thread = sleeper;
      if (thread != null) {
        LockSupport.unpark(thread);
      }
    }
  }
}
