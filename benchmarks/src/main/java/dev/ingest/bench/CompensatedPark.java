package dev.ingest.bench;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Waits out a step by parking, so that steps take the asked time on average although every park
 * wakes late. Under load a park returns tens of microseconds after it was due (the timer's slack,
 * then a core to run on): on 2 busy cores a 400 µs park took about 540 µs, so a consumer asking
 * for 90% of the pipeline's rate asked for 70%. This one learns by how much its steps overran
 * (a moving average of step taken minus step asked, an integral controller) and asks its park to
 * wake that much earlier. It corrects the step as a whole, not each park: a park's lateness
 * varies, and re-parking whenever one woke early still left steps 11% long on 225 µs steps.
 *
 * <p>A step shorter than the lateness cannot be had by parking: it takes one shortest park, and
 * {@link #step} says how long that was. A park cut short by a stray permit is parked again. One
 * thread per instance.
 */
final class CompensatedPark {
  /** The shortest park asked for. */
  static final long SHORTEST_PARK_NANOS = 1_000;
  /** The weight of the newest overrun in the average: 1/8. */
  private static final int AVERAGE_SHIFT = 3;

  /** Parks the calling thread for about the nanoseconds given. */
  interface Parker {
    void park(long nanos);
  }

  private final LongSupplier clock;
  private final Parker parker;
  /** How much earlier than the step's end the park is asked to wake, in [0, the step]. */
  private long earlyNanos;

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
    long wake = start + Math.max(SHORTEST_PARK_NANOS, stepNanos - earlyNanos);
    long now = start;
    do {
      parker.park(Math.max(SHORTEST_PARK_NANOS, wake - now));
      now = clock.getAsLong();
    } while (now < wake); // a park returns early only for a stray permit
    long took = now - start;
    earlyNanos += (took - stepNanos) >> AVERAGE_SHIFT;
    earlyNanos = Math.max(0, Math.min(stepNanos, earlyNanos));
    return took;
  }

  /** How much earlier than the step's end the park is asked to wake, as learnt so far. */
  long earlyNanos() {
    return earlyNanos;
  }
}
