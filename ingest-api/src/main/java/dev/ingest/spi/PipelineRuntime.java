package dev.ingest.spi;

import dev.ingest.BatchIterator;
import dev.ingest.PipelineSpec;
import dev.ingest.PipelineState;

/**
 * Runs pipeline specs. The API finds the implementation with {@link java.util.ServiceLoader}, so
 * the user-facing module depends on no runtime; {@code ingest-impl} provides one.
 */
public interface PipelineRuntime {

  /** Starts {@code spec} and returns its batches; the caller owns the iterator and closes it. */
  BatchIterator start(PipelineSpec spec);

  /**
   * Starts {@code spec} from {@code state} (which the caller has checked belongs to it): the
   * batches an uninterrupted run would yield after that point.
   */
  BatchIterator start(PipelineSpec spec, PipelineState state);
}
