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
