package dev.ingest.runtime.tune;

/**
 * What one measurement window of a running pipeline showed the tuner: the consumer's throughput
 * and wait, and each stage's load, as fractions of the window's time.
 *
 * @param endMillis when the window ended, in milliseconds since the pipeline started
 * @param batches batches the consumer took in the window
 * @param batchesPerSecond the consumer's throughput, between its first and last take
 * @param consumerWaitFraction time the consumer waited for a batch
 * @param parseBusyFraction time the active parse workers were busy, averaged over them
 * @param sourceBusyFraction time the read stage worked (neither waiting for ring room nor for
 *     memory budget)
 * @param memoryUsedBytes bytes in flight at the window's end
 * @param memoryLimitBytes the memory budget
 * @param unitBytes the most bytes one unit in flight has held (its records and parsed batch)
 */
record TuningWindow(
    long endMillis,
    long batches,
    double batchesPerSecond,
    double consumerWaitFraction,
    double parseBusyFraction,
    double sourceBusyFraction,
    long memoryUsedBytes,
    long memoryLimitBytes,
    long unitBytes) {}
