package dev.ingest.runtime;

/**
 * Where one stage thread's time goes: elements handled, and nanoseconds busy, waiting for input
 * and waiting for output space.
 *
 * <p>Single writer: only the stage's own thread adds. The fields are volatile so that any thread
 * may read a recent value for a metrics snapshot; the writer's read-add-write is safe because no
 * other thread writes.
 */
final class StageClock {
  private volatile long elements;
  private volatile long busyNanos;
  private volatile long inputWaitNanos;
  private volatile long outputWaitNanos;
  /** When the stage's thread finished its work ({@link System#nanoTime()}); 0 while running. */
  private volatile long finishedAt;

  void addElements(long count) {
    elements = elements + count;
  }

  void addBusy(long nanos) {
    busyNanos = busyNanos + nanos;
  }

  void addInputWait(long nanos) {
    inputWaitNanos = inputWaitNanos + nanos;
  }

  void addOutputWait(long nanos) {
    outputWaitNanos = outputWaitNanos + nanos;
  }

  /** Marks the stage done: from now on it is neither busy nor waiting. */
  void finish() {
    finishedAt = System.nanoTime();
  }

  /** When the stage finished, or {@code now} while it runs. */
  long activeUntil(long now) {
    long finished = finishedAt;
    return finished == 0 ? now : finished;
  }

  long elements() {
    return elements;
  }

  long busyNanos() {
    return busyNanos;
  }

  long inputWaitNanos() {
    return inputWaitNanos;
  }

  long outputWaitNanos() {
    return outputWaitNanos;
  }
}
