package dev.ingest.bench;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Waits out a step by parking, so that steps take the asked time on average although every park
 * wakes late. Under load a park returns tens of microseconds after it was due (the timer's slack,
 * then a core to run on): on 2 busy cores a 400 µs park took about 540 µs, so a consumer asking
 * for 90% of the pipeline's rate asked for 70%. This one learns how late its parks wake (a moving
 * average) and asks for that much less; a step ends once what is left is within that lateness.
 *
 * <p>A step shorter than the lateness cannot be had by parking: it takes one shortest park, and
 * {@link #step} says how long that was. One thread per instance.
 */
final class CompensatedPark {
  /** The shortest park asked for. */
  static final long SHORTEST_PARK_NANOS = 1_000;
  /** The weight of the newest lateness in the average: 1/8. */
  private static final int AVERAGE_SHIFT = 3;

  /** Parks the calling thread for about the nanoseconds given. */
  interface Parker {
    void park(long nanos);
  }

  private final LongSupplier clock;
  private final Parker parker;
  private long lateNanos;

  CompensatedPark() {
    this(System::nanoTime, LockSupport::parkNanos);
  }

  CompensatedPark(LongSupplier clock, Parker parker) {
    this.clock = clock;
    this.parker = parker;
  }

  /** Parks for about {@code stepNanos}; returns the nanoseconds it took (0 for no step). */
  long step(long stepNanos) {
    if (stepNanos <= 0) {
      return 0;
    }
    long start = clock.getAsLong();
    long deadline = start + stepNanos;
    long left = stepNanos;
    do {
      long asked = Math.max(SHORTEST_PARK_NANOS, left - lateNanos);
      long parked = clock.getAsLong();
      parker.park(asked);
      long now = clock.getAsLong();
      long late = now - parked - asked;
      // A park that returned early (a stray permit) says nothing of how late parks wake.
      if (late >= 0) {
        lateNanos += (late - lateNanos) >> AVERAGE_SHIFT;
      }
      left = deadline - now;
    } while (left > lateNanos);
    return clock.getAsLong() - start;
  }

  /** How late a park wakes, as learnt so far. */
  long lateNanos() {
    return lateNanos;
  }
}
