package dev.ingest.cli;

import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import dev.ingest.IteratorStats;
import dev.ingest.PipelineMetrics;
import dev.ingest.PipelineState;
import java.util.NoSuchElementException;

/**
 * The first {@code limit} batches of a pipeline, for {@code run --max-batches}. Cutting the run
 * here instead of adding {@code take} to the spec keeps the spec (and so a saved state) the same
 * as the uninterrupted run's, so {@code --resume} can pick up where it stopped.
 *
 * <p>Delegates everything else; closing it closes the pipeline.
 */
final class FirstBatches implements BatchIterator {
  private final BatchIterator batches;
  private final long limit;
  private long taken;

  FirstBatches(BatchIterator batches, long limit) {
    this.batches = batches;
    this.limit = limit;
  }

  @Override
  public boolean hasNext() {
    return taken < limit && batches.hasNext();
  }

  @Override
  public Batch next() {
    if (taken >= limit) {
      throw new NoSuchElementException("--max-batches " + limit + " reached");
    }
    Batch batch = batches.next();
    taken++;
    return batch;
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
