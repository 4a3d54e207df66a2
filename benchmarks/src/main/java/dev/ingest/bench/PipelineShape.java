package dev.ingest.bench;

import dev.ingest.PipelineOptions;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * How a multi-threaded pipeline is set up, the same for ingest and for tf.data: batches kept ready
 * ahead of the consumer, and the threads given to it (ingest's parse workers, tf.data's {@code
 * num_parallel_calls} for reading and for parsing).
 */
@State(Scope.Benchmark)
public class PipelineShape {
  @Param({"8"})
  public int prefetch;

  /** Threads: 0 for one per core. */
  @Param({"0"})
  public int threads;

  /** The threads this shape gives, with 0 resolved to the machine's cores. */
  int workerThreads() {
    return PipelineOptions.defaults().withThreads(threads).workerThreads();
  }
}
