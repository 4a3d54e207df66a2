package dev.ingest.runtime.concurrent;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How a thread waits for a condition another thread will make true without signalling it: spin
 * briefly (the condition is often met within microseconds when the pipeline keeps up), then
 * park for doubling times up to a cap. An idle wait then costs a few hundred wake-ups a second
 * instead of a core, and a wait that ends soon still ends within microseconds.
 *
 * <p>One instance per waiting thread; {@link #reset()} after the condition held.
 */
public final class Backoff {
  private static final int SPINS = 200;
  private static final long FIRST_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(5);

  private final long maxParkNanos;
  private int spins;
  private long parkNanos = FIRST_PARK_NANOS;

  public Backoff(long maxParkNanos) {
    this.maxParkNanos = maxParkNanos;
  }

  /** Waits a little before the caller checks its condition again. */
  public void idle() {
    if (spins < SPINS) {
      spins++;
      Thread.onSpinWait();
      return;
    }
    LockSupport.parkNanos(parkNanos);
    parkNanos = Math.min(parkNanos * 2, maxParkNanos);
  }

  public void reset() {
    spins = 0;
    parkNanos = FIRST_PARK_NANOS;
  }
}
