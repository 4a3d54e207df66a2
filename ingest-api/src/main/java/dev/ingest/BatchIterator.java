package dev.ingest;

import java.util.Iterator;

/**
 * The batches of a running pipeline, in order. The consumer (a training loop) calls {@link
 * #hasNext()} and {@link #next()}; the pipeline runs ahead on its own threads.
 *
 * <pre>{@code
 * try (BatchIterator batches = dataset.iterator()) {
 *   while (batches.hasNext()) {
 *     try (Batch batch = batches.next()) {
 *       step(batch);
 *     }
 *   }
 * }
 * }</pre>
 *
 * <h2>Ownership</h2>
 *
 * Each batch {@link #next()} returns belongs to the caller, who must close it. {@link #close()}
 * stops every pipeline thread and releases every batch not yet handed out; batches already
 * handed out stay valid until their owners close them.
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * One consumer thread calls {@code hasNext}, {@code next} and {@code close}. A failure in any
 * stage surfaces from the next {@code hasNext()} or {@code next()} as an {@link
 * IngestException} naming the stage. The time the consumer spends blocked in {@code hasNext} and
 * {@code next} is its idle time, reported by {@link #stats()}.
 */
public interface BatchIterator extends Iterator<Batch>, AutoCloseable {

  /** What the consumer has seen so far; cheap, for the consumer thread. */
  IteratorStats stats();

  /**
   * Where the pipeline's time goes, per stage, and which stage limits it. For the consumer
   * thread; the figures are read without stopping the pipeline, so they are approximate.
   */
  PipelineMetrics metrics();

  /**
   * Where the consumer stands now, after the last batch {@link #next()} returned: a small,
   * immutable, serialisable position from which {@link Dataset#iterator(PipelineState)} yields
   * exactly the batches this iterator would yield next. Batches prefetched but not yet delivered
   * are not part of it.
   *
   * @throws IllegalStateException for a pipeline with {@code deterministic: false}, whose order
   *     depends on timing and so cannot be resumed exactly
   */
  PipelineState state();

  /** Stops the pipeline and releases what it holds. Idempotent. */
  @Override
  void close();
}
