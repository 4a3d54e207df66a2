package dev.ingest;

/**
 * Options of a whole pipeline.
 *
 * @param seed the root of all randomness (file order, shuffle): the same seed gives the same
 *     batches at any thread count
 * @param deterministic batches in the same order at any parallelism (default); {@code false}
 *     lets a batch a worker finished early pass one still being parsed: the same batches per
 *     epoch, in an order that depends on timing
 * @param threads parse workers; 0 means one per available core
 * @param memoryBudget the most bytes the pipeline holds in flight (records staged for parsing,
 *     records in the shuffle buffer, parsed batches not yet taken by the consumer); producers
 *     wait when it is reached. 0 means {@link #AUTO_MEMORY_BUDGET_FRACTION} of the JVM's maximum
 *     direct memory.
 */
public record PipelineOptions(long seed, boolean deterministic, int threads, long memoryBudget) {
  /** The share of the JVM's maximum direct memory an automatic budget takes. */
  public static final double AUTO_MEMORY_BUDGET_FRACTION = 0.5;

  public PipelineOptions {
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be at least 0 (0: all cores), got " + threads);
    }
    if (memoryBudget < 0) {
      throw new IllegalArgumentException(
          "memory_budget must be at least 0 (0: automatic), got " + memoryBudget);
    }
  }

  /** Options with an automatic memory budget. */
  public PipelineOptions(long seed, boolean deterministic, int threads) {
    this(seed, deterministic, threads, 0);
  }

  /** Seed 42, deterministic, one worker per core, automatic memory budget. */
  public static PipelineOptions defaults() {
    return new PipelineOptions(42, true, 0, 0);
  }

  public PipelineOptions withSeed(long value) {
    return new PipelineOptions(value, deterministic, threads, memoryBudget);
  }

  public PipelineOptions withThreads(int value) {
    return new PipelineOptions(seed, deterministic, value, memoryBudget);
  }

  /** Ordered output ({@code true}, the default) or batches as soon as they are ready. */
  public PipelineOptions withDeterministic(boolean value) {
    return new PipelineOptions(seed, value, threads, memoryBudget);
  }

  /** The most bytes in flight; 0 for automatic. */
  public PipelineOptions withMemoryBudget(long bytes) {
    return new PipelineOptions(seed, deterministic, threads, bytes);
  }

  /** The parse workers to start: {@link #threads()}, or the available cores when it is 0. */
  public int workerThreads() {
    return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
  }
}
