package dev.ingest.runtime.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Where one stage thread's time goes: elements handled, and nanoseconds busy, waiting for input
 * and waiting for output space.
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * Single writer: only the stage's own thread adds, so its read-add-write needs no atomics. Each
 * add is an ordered write (release: a store with a Store/Store barrier, a plain store on x86)
 * and each getter an acquire read, so any thread may read a recent value for a metrics
 * snapshot. A volatile write here, once per record on the source thread, cost a full fence per
 * record; a snapshot does not need one.
 */
public final class StageClock {
  private static final VarHandle ELEMENTS = field("elements");
  private static final VarHandle BUSY_NANOS = field("busyNanos");
  private static final VarHandle INPUT_WAIT_NANOS = field("inputWaitNanos");
  private static final VarHandle OUTPUT_WAIT_NANOS = field("outputWaitNanos");

  // Written with release by the owner only; the owner's plain reads see its own writes.
  private long elements;
  private long busyNanos;
  private long inputWaitNanos;
  private long outputWaitNanos;
  /** When the stage's thread finished its work ({@link System#nanoTime()}); 0 while running. */
  private volatile long finishedAt;

  public void addElements(long count) {
    ELEMENTS.setRelease(this, elements + count);
  }

  public void addBusy(long nanos) {
    BUSY_NANOS.setRelease(this, busyNanos + nanos);
  }

  public void addInputWait(long nanos) {
    INPUT_WAIT_NANOS.setRelease(this, inputWaitNanos + nanos);
  }

  public void addOutputWait(long nanos) {
    OUTPUT_WAIT_NANOS.setRelease(this, outputWaitNanos + nanos);
  }

  /** Marks the stage done: from now on it is neither busy nor waiting. */
  public void finish() {
    finishedAt = System.nanoTime();
  }

  /** Whether {@link #finish()} was called. */
  public boolean finished() {
    return finishedAt != 0;
  }

  /** When the stage finished, or {@code now} while it runs. */
  public long activeUntil(long now) {
    long finished = finishedAt;
    return finished == 0 ? now : finished;
  }

  public long elements() {
    return (long) ELEMENTS.getAcquire(this);
  }

  public long busyNanos() {
    return (long) BUSY_NANOS.getAcquire(this);
  }

  public long inputWaitNanos() {
    return (long) INPUT_WAIT_NANOS.getAcquire(this);
  }

  public long outputWaitNanos() {
    return (long) OUTPUT_WAIT_NANOS.getAcquire(this);
  }

  private static VarHandle field(String name) {
    try {
      return MethodHandles.lookup().findVarHandle(StageClock.class, name, long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
