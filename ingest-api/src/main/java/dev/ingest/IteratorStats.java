package dev.ingest;

/**
 * What a consumer has seen of a pipeline.
 *
 * @param batches batches handed out
 * @param records rows in those batches
 * @param firstBatchNanos from the iterator's creation to the first batch being ready
 * @param waitNanos time blocked waiting for batches after the first (the accelerator's idle time)
 */
public record IteratorStats(long batches, long records, long firstBatchNanos, long waitNanos) {}
