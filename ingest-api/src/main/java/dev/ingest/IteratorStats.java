package dev.ingest;

/**
 * What a consumer has seen of a pipeline.
 *
 * @param batches batches handed out
 * @param records rows in those batches
 * @param recordBytes serialized bytes of those records (as read from the files, uncompressed)
 * @param epoch the epoch (from 0) of the last batch handed out; -1 before the first
 * @param firstBatchNanos from the iterator's creation to the first batch being ready
 * @param waitNanos time blocked waiting for batches after the first (the accelerator's idle time)
 * @param skippedRecords corrupt records met under the {@code skip} policy, so far
 * @param skippedFiles files whose rest was skipped after a problem that lost the framing
 * @param memoryBudgetBytes the pipeline's memory budget (bytes in flight)
 * @param peakMemoryBytes the most bytes the pipeline held in flight at once, so far
 */
public record IteratorStats(
    long batches,
    long records,
    long recordBytes,
    long epoch,
    long firstBatchNanos,
    long waitNanos,
    long skippedRecords,
    long skippedFiles,
    long memoryBudgetBytes,
    long peakMemoryBytes) {

  /** Stats without memory figures (both 0). */
  public IteratorStats(long batches, long records, long recordBytes, long epoch,
      long firstBatchNanos, long waitNanos, long skippedRecords, long skippedFiles) {
    this(batches, records, recordBytes, epoch, firstBatchNanos, waitNanos, skippedRecords,
        skippedFiles, 0, 0);
  }
}
