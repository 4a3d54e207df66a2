package dev.ingest.bench;

import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * A training step without a model: the consumer takes batches of {@code batchSize} records and
 * spends {@code stepMicros} on each. A real accelerator step leaves the host CPU free, so the
 * step parks the thread rather than spinning, and the pipeline keeps every core. The parks are
 * {@linkplain CompensatedPark compensated} for waking late, so a step takes what was asked on
 * average and the consumer asks for the rate it says.
 */
@State(Scope.Thread)
public class SimulatedAccelerator {
  /** Step time per batch, µs: the consumer's speed. */
  @Param({"250", "1000", "4000"})
  public long stepMicros;

  @Param({"256"})
  public int batchSize;

  private final CompensatedPark park = new CompensatedPark();

  /** Runs one step; returns the nanoseconds it took. */
  long step() {
    return park.step(stepMicros * 1000);
  }
}
