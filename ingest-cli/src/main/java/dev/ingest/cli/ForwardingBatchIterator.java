package dev.ingest.cli;

import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import dev.ingest.IteratorStats;
import dev.ingest.PipelineMetrics;
import dev.ingest.PipelineState;

/**
 * A {@link BatchIterator} that hands every call to the pipeline's own; a subclass overrides the
 * calls it changes. Closing it closes the pipeline.
 */
abstract class ForwardingBatchIterator implements BatchIterator {
  private final BatchIterator batches;

  ForwardingBatchIterator(BatchIterator batches) {
    this.batches = batches;
  }

  @Override
  public boolean hasNext() {
    return batches.hasNext();
  }

  /** The caller owns the returned batch and must close it, as with the pipeline's own. */
  @Override
  public Batch next() {
    return batches.next();
  }

  @Override
  public IteratorStats stats() {
    return batches.stats();
  }

  @Override
  public PipelineMetrics metrics() {
    return batches.metrics();
  }

  @Override
  public PipelineState state() {
    return batches.state();
  }

  @Override
  public void close() {
    batches.close();
  }
}
