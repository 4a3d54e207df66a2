package dev.ingest.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the simulated accelerator saw in one iteration, reported by JMH as is ({@code EVENTS}):
 * {@code idleFraction} = wait / (wait + step), as the run report's contract defines it, {@code
 * waitMicrosPerBatch} (how long {@code next()} blocked, on average) and {@code stepMicrosPerBatch}
 * (the step as it happened, a little over the asked time because of the timer's slack). Only
 * measured batches count (see {@link PassCounters#measured}). One consumer thread per state.
 *
 * <p>JMH sums {@code EVENTS} counters over iterations in its console summary and in the JSON's
 * {@code score}, which makes no sense for a fraction; each iteration's own value is in the JSON's
 * {@code rawData}, and that is what {@link PipelineReport} reads.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class IdleCounters {
  private long waitNanos;
  private long stepNanos;
  private long batches;

  @Setup(Level.Iteration)
  public void reset() {
    waitNanos = 0;
    stepNanos = 0;
    batches = 0;
  }

  void add(boolean measured, long batchWaitNanos, long batchStepNanos) {
    if (measured) {
      waitNanos += batchWaitNanos;
      stepNanos += batchStepNanos;
      batches++;
    }
  }

  public double idleFraction() {
    long total = waitNanos + stepNanos;
    return total == 0 ? 0 : (double) waitNanos / total;
  }

  public double waitMicrosPerBatch() {
    return batches == 0 ? 0 : waitNanos / 1e3 / batches;
  }

  public double stepMicrosPerBatch() {
    return batches == 0 ? 0 : stepNanos / 1e3 / batches;
  }
}
