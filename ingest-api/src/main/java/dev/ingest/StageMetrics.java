package dev.ingest;

/**
 * How one stage of a running pipeline spent its time, as fractions of the time since the
 * pipeline started, averaged over the stage's threads (the run report's {@code stages} entries).
 *
 * @param name the stage ({@code read}, {@code parse_example}, {@code consumer})
 * @param parallelism threads running it
 * @param elements records (for {@code read}) or batches it handled
 * @param busyFraction time doing its own work
 * @param inputWaitFraction time waiting for the stage before it
 * @param outputWaitFraction time waiting for room in the stage after it
 * @param latencyP50Micros median time per element (for the consumer: its wait per batch), in
 *     microseconds; 0 where not measured
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
