package dev.ingest.cli;

import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import java.util.NoSuchElementException;

/**
 * The first {@code limit} batches of a pipeline, for {@code run --max-batches}. Cutting the run
 * here instead of adding {@code take} to the spec keeps the spec (and so a saved state) the same
 * as the uninterrupted run's, so {@code --resume} can pick up where it stopped.
 *
 * <p>Delegates everything else; closing it closes the pipeline.
 */
final class FirstBatches extends ForwardingBatchIterator {
  private final long limit;
  private long taken;

  FirstBatches(BatchIterator batches, long limit) {
    super(batches);
    this.limit = limit;
  }

  @Override
  public boolean hasNext() {
    return taken < limit && super.hasNext();
  }

  @Override
  public Batch next() {
    if (taken >= limit) {
      throw new NoSuchElementException("--max-batches " + limit + " reached");
    }
    Batch batch = super.next();
    taken++;
    return batch;
  }
}
