package dev.ingest;

/**
 * Options of a whole pipeline.
 *
 * @param seed the root of all randomness (file order, shuffle): the same seed gives the same
 *     batches at any thread count
 * @param deterministic batches in the same order at any parallelism (default); {@code false}
 *     lets a batch a worker finished early pass one still being parsed: the same batches per
 *     epoch, in an order that depends on timing
 * @param threads parse workers; 0 means one per available core; {@link Dataset#AUTO} lets the
 *     tuner choose while the pipeline runs, from 1 up to {@code cpuBudget} (see docs/engine.md)
 * @param memoryBudget the most bytes the pipeline holds in flight (records staged for parsing,
 *     records in the shuffle buffer, parsed batches not yet taken by the consumer); producers
 *     wait when it is reached. 0 means {@link #AUTO_MEMORY_BUDGET_FRACTION} of the JVM's maximum
 *     direct memory.
 * @param cpuBudget the most parse workers the tuner may run under {@code threads} {@link
 *     Dataset#AUTO}; 0 (the default) means all available cores. Fixed thread counts ignore it.
 * @param storage how files outside the local disk are reached (object stores): their settings
 *     and read-ahead
 */
public record PipelineOptions(long seed, boolean deterministic, int threads, long memoryBudget,
    int cpuBudget, StorageOptions storage) {
  /** The share of the JVM's maximum direct memory an automatic budget takes. */
  public static final double AUTO_MEMORY_BUDGET_FRACTION = 0.5;

  public PipelineOptions {
    if (threads < 0 && threads != Dataset.AUTO) {
      throw new IllegalArgumentException(
          "threads must be at least 0 (0: all cores) or AUTO (-1), got " + threads);
    }
    if (cpuBudget < 0) {
      throw new IllegalArgumentException(
          "cpu_budget must be at least 0 (0: all cores), got " + cpuBudget);
    }
    if (memoryBudget < 0) {
      throw new IllegalArgumentException(
          "memory_budget must be at least 0 (0: automatic), got " + memoryBudget);
    }
    if (storage == null) {
      throw new IllegalArgumentException("storage options are required (StorageOptions.defaults())");
    }
  }

  /** Options with the default storage options. */
  public PipelineOptions(
      long seed, boolean deterministic, int threads, long memoryBudget, int cpuBudget) {
    this(seed, deterministic, threads, memoryBudget, cpuBudget, StorageOptions.defaults());
  }

  /** Options with an automatic memory budget. */
  public PipelineOptions(long seed, boolean deterministic, int threads) {
    this(seed, deterministic, threads, 0);
  }

  /** Options whose CPU budget is all cores. */
  public PipelineOptions(long seed, boolean deterministic, int threads, long memoryBudget) {
    this(seed, deterministic, threads, memoryBudget, 0);
  }

  /** Seed 42, deterministic, one worker per core, automatic memory budget. */
  public static PipelineOptions defaults() {
    return new PipelineOptions(42, true, 0, 0, 0);
  }

  public PipelineOptions withSeed(long value) {
    return new PipelineOptions(value, deterministic, threads, memoryBudget, cpuBudget, storage);
  }

  public PipelineOptions withThreads(int value) {
    return new PipelineOptions(seed, deterministic, value, memoryBudget, cpuBudget, storage);
  }

  /** Ordered output ({@code true}, the default) or batches as soon as they are ready. */
  public PipelineOptions withDeterministic(boolean value) {
    return new PipelineOptions(seed, value, threads, memoryBudget, cpuBudget, storage);
  }

  /** The most bytes in flight; 0 for automatic. */
  public PipelineOptions withMemoryBudget(long bytes) {
    return new PipelineOptions(seed, deterministic, threads, bytes, cpuBudget, storage);
  }

  /** The most parse workers {@link Dataset#AUTO} threads may use; 0 for all cores. */
  public PipelineOptions withCpuBudget(int cores) {
    return new PipelineOptions(seed, deterministic, threads, memoryBudget, cores, storage);
  }

  /** How files outside the local disk are reached; see {@link StorageOptions}. */
  public PipelineOptions withStorage(StorageOptions value) {
    return new PipelineOptions(seed, deterministic, threads, memoryBudget, cpuBudget, value);
  }

  /** Whether the tuner chooses the parse workers ({@code threads} is {@link Dataset#AUTO}). */
  public boolean autoThreads() {
    return threads == Dataset.AUTO;
  }

  /** The CPU budget in cores: {@link #cpuBudget()}, or the available cores when it is 0. */
  public int cpuCores() {
    return cpuBudget > 0 ? cpuBudget : Runtime.getRuntime().availableProcessors();
  }

  /**
   * The parse workers to start: {@link #threads()}, the available cores when it is 0, or the
   * CPU budget under {@link Dataset#AUTO} (the tuner then keeps only some of them active).
   */
  public int workerThreads() {
    if (autoThreads()) {
      return cpuCores();
    }
    return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
  }
}
