package dev.ingest;

/**
 * How one stage of a running pipeline spent its time, as fractions of the time since the
 * pipeline started, averaged over the stage's threads (the run report's {@code stages} entries).
 *
 * <p>A map or filter on records runs fused on the parse workers, and is measured as a stage of
 * its own, listed right after {@code parse_example} in pipeline order: {@code map NAME} or {@code
 * filter NAME} (a built-in without its parameters, e.g. {@code map burn_cpu}; a second transform
 * of the same name gets {@code #2}). Its parallelism is the parse workers', its elements the rows
 * it saw, its busy fraction the workers' time inside it; its waits are the workers' (the same
 * threads), and {@code parse_example}'s busy fraction is then the parsing alone, so the rows add up
 * to the workers' busy time.
 *
 * @param name the stage ({@code read}, {@code parse_example}, {@code map NAME}, {@code filter
 *     NAME}, {@code batch}, {@code consumer})
 * @param parallelism threads running it
 * @param elements records (for {@code read}), rows (for a map or filter) or batches it handled
 * @param busyFraction time doing its own work
 * @param inputWaitFraction time waiting for the stage before it
 * @param outputWaitFraction time waiting for room in the stage after it
 * @param latencyP50Micros median time per element (for the consumer: its wait per batch; for a
 *     map or filter: per chunk of rows), in microseconds; 0 where not measured
 * @param latencyP99Micros 99th percentile of the same
 * @param queueFill how full the stage's input queue was on average, from 0 (empty: the stage
 *     waits for input) to 1 (full: the stage is behind); sampled at each batch the consumer takes
 */
public record StageMetrics(
    String name,
    int parallelism,
    long elements,
    double busyFraction,
    double inputWaitFraction,
    double outputWaitFraction,
    double latencyP50Micros,
    double latencyP99Micros,
    double queueFill) {

  /** Metrics without latencies and queue fill (all 0). */
  public StageMetrics(String name, int parallelism, long elements, double busyFraction,
      double inputWaitFraction, double outputWaitFraction) {
    this(name, parallelism, elements, busyFraction, inputWaitFraction, outputWaitFraction, 0, 0,
        0);
  }
}
