package dev.ingest.bench;

import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import dev.ingest.Dataset;
import dev.ingest.PipelineState;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The cost of resuming: the time from {@code iterator(state)} to the first batch (and closing
 * it), against a fresh {@code iterator()}'s first batch, for a state saved at a fraction of the
 * way through an epoch. A training-like pipeline: 8 shards, shuffle buffer of 10,000 records,
 * batch 256. A resumed pipeline starts from the state's source checkpoint: it seeks each open
 * file to its offset, re-reads the shuffle buffer's records from their positions, and reads
 * (without parsing) the records between the checkpoint and the position, so the cost is bounded by
 * the shuffle buffer, not the position; compressed shards ({@code -p compression=gzip}) must be
 * decompressed up to each offset instead of seeking.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ResumeBenchmark extends BenchmarkDefaults {
  static final int SHUFFLE_RECORDS = 10_000;
  static final int BATCH_ROWS = 256;

  /** A state saved this far through epoch 0 (in batches). */
  @State(Scope.Benchmark)
  public static class SavedState {
    @Param({"0.1", "0.5", "0.9"})
    public double position;

    Dataset dataset;
    PipelineState state;
    int stateBytes;

    @Setup(Level.Trial)
    public void save(SampleShards data) {
      dataset = Dataset.tfrecord(data.folder())
          .parseExample(data.spec())
          .shuffle(SHUFFLE_RECORDS)
          .batch(BATCH_ROWS, true)
          .repeat(2);
      long batchesPerEpoch = data.records() / BATCH_ROWS;
      long stopAfter = Math.max(1, (long) (batchesPerEpoch * position));
      try (BatchIterator iterator = dataset.iterator()) {
        for (long i = 0; i < stopAfter; i++) {
          iterator.next().close();
        }
        state = iterator.state();
      }
      stateBytes = state.toBytes().length;
      System.out.printf("%nstate at batch %d of %d: %d bytes%n", stopAfter, batchesPerEpoch,
          stateBytes);
    }
  }

  @Benchmark
  public long fresh(SavedState saved) {
    try (BatchIterator iterator = saved.dataset.iterator(); Batch batch = iterator.next()) {
      return batch.rows();
    }
  }

  @Benchmark
  public long resumed(SavedState saved) {
    try (BatchIterator iterator = saved.dataset.iterator(saved.state);
        Batch batch = iterator.next()) {
      return batch.rows();
    }
  }
}
