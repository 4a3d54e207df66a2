package dev.ingest;

/**
 * The built-in {@code burn_cpu} map: keeps a core busy for a fixed time per record and changes
 * nothing. It models an augmentation's cost in tests, benchmarks and capacity planning (how many
 * cores does a 200 µs/record transform need to keep the accelerator busy?). YAML: {@code map:
 * {fn: burn_cpu, micros_per_record: 50}}.
 *
 * <p>Busy work, not sleeping: a real transform occupies its core. Thread-safe and stateless.
 */
public final class BurnCpu implements RowMapper {
  /** The name YAML pipelines use. */
  public static final String NAME = "burn_cpu";

  private final long nanosPerRecord;

  public BurnCpu(double microsPerRecord) {
    if (!(microsPerRecord >= 0) || microsPerRecord > 1_000_000) {
      throw new IllegalArgumentException(
          "micros_per_record must be in [0, 1000000], got " + microsPerRecord);
    }
    this.nanosPerRecord = Math.round(microsPerRecord * 1_000);
  }

  public long nanosPerRecord() {
    return nanosPerRecord;
  }

  @Override
  public void apply(Row row) {
    burn(nanosPerRecord);
  }

  /** Spins for {@code nanos}; the clock reads keep the JIT from removing the loop. */
  private static void burn(long nanos) {
    long start = System.nanoTime();
    while (System.nanoTime() - start < nanos) {
      Thread.onSpinWait();
    }
  }
}
