package dev.ingest;

/**
 * Options of a whole pipeline.
 *
 * @param seed the root of all randomness (file order, shuffle): the same seed gives the same
 *     batches at any thread count
 * @param deterministic batches in the same order at any parallelism (the only mode today)
 * @param threads parse workers; 0 means one per available core
 */
public record PipelineOptions(long seed, boolean deterministic, int threads) {

  public PipelineOptions {
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be at least 0 (0: all cores), got " + threads);
    }
  }

  /** Seed 42, deterministic, one worker per core. */
  public static PipelineOptions defaults() {
    return new PipelineOptions(42, true, 0);
  }

  public PipelineOptions withSeed(long value) {
    return new PipelineOptions(value, deterministic, threads);
  }

  public PipelineOptions withThreads(int value) {
    return new PipelineOptions(seed, deterministic, value);
  }

  /** The parse workers to start: {@link #threads()}, or the available cores when it is 0. */
  public int workerThreads() {
    return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
  }
}
