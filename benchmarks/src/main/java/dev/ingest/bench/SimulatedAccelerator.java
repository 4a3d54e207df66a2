package dev.ingest.bench;

import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * A training step without a model: the consumer takes batches of {@code batchSize} records and
 * spends {@code stepMicros} on each. A real accelerator step leaves the host CPU free, so the
 * step parks the thread rather than spinning, and the pipeline keeps every core.
 */
@State(Scope.Thread)
public class SimulatedAccelerator {
  /** Step time per batch, µs: the consumer's speed. */
  @Param({"250", "1000", "4000"})
  public long stepMicros;

  @Param({"256"})
  public int batchSize;

  /**
   * Runs one step: parks until {@code stepMicros} have passed (a park may wake early, so it parks
   * again for what is left). Returns the nanoseconds the step took, which the timer's slack makes
   * somewhat longer than asked; the idle fraction uses what it took.
   */
  long step() {
    long start = System.nanoTime();
    long deadline = start + stepMicros * 1000;
    for (long left = deadline - start; left > 0; left = deadline - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
    return System.nanoTime() - start;
  }
}
