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
 */
public record StageMetrics(
    String name,
    int parallelism,
    long elements,
    double busyFraction,
    double inputWaitFraction,
    double outputWaitFraction) {}
