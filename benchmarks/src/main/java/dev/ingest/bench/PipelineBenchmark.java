package dev.ingest.bench;

import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import dev.ingest.Dataset;
import dev.ingest.PipelineOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.Control;

/**
 * End to end on page-cache data: read, check CRCs, parse, batch 256, prefetch, as a trainer
 * receives it. ingest's pipeline at 1 parse thread and at all cores, against tf.data's C++
 * runtime with the same threads ({@link TfDataPipeline}) and a naive single-threaded Java loader
 * (buffered stream, CRC32C, {@code Example.parseFrom}, values copied into arrays). One operation is one pass over all the shards; records/s and bytes/s come from the
 * counters. No shuffle, so both do the same work. ingest's pipeline runs continuously (repeat
 * forever) and a pass takes one epoch's worth of batches from it, so a pass ends on a batch
 * boundary that drifts across epochs: every pass still handles the same number of records.
 */
public class PipelineBenchmark extends BenchmarkDefaults {
  static final int BATCH_ROWS = 256;
  static final int PREFETCH = 8;

  /** Threads given to a pipeline: ingest's parse workers, tf.data's parallel calls. */
  @State(Scope.Benchmark)
  public static class Parallelism {
    /** 1, or 0 for one per core. */
    @Param({"1", "0"})
    public int threads;

    /** ingest's interleave reader threads ({@code num_parallel_calls}); 0: the source reads. */
    @Param({"0"})
    public int readers;

    int workerThreads() {
      return PipelineOptions.defaults().withThreads(threads).workerThreads();
    }
  }

  /**
   * A running pipeline over the shards, repeated forever, so that each pass measures steady
   * state, as a training job sees it after its first batch: starting threads and filling the
   * pools is paid once per iteration, outside the measured passes.
   */
  @State(Scope.Thread)
  public static class RunningPipeline {
    BatchIterator batches;

    @Setup(Level.Iteration)
    public void start(SampleShards data, Parallelism parallelism) {
      batches = Dataset.tfrecord(data.folder())
          .shuffleFiles(false)
          .interleave(4, 16, parallelism.readers)
          .parseExample(data.spec())
          .batch(BATCH_ROWS, false)
          .prefetch(PREFETCH)
          .repeat(-1)
          .withOptions(PipelineOptions.defaults().withThreads(parallelism.threads))
          .iterator();
    }

    @TearDown(Level.Iteration)
    public void stop() {
      batches.close();
    }
  }

  /**
   * tf.data's pipeline ({@link TfDataPipeline}) over the same shards, with the same threads,
   * batch and prefetch, repeated forever. Started once per trial, not per iteration: destroying
   * a tf.data iterator can block for seconds, and its first batches would be the slowest. Before
   * it starts, one epoch is read to check that tf.data reads every record.
   */
  @State(Scope.Thread)
  public static class RunningTfData {
    TfDataPipeline pipeline;

    @Setup(Level.Trial)
    public void start(SampleShards data, Parallelism parallelism) {
      TfDataPipeline.checkReadsEveryRecord(
          data, BATCH_ROWS, PREFETCH, parallelism.workerThreads());
      pipeline = TfDataPipeline.start(data.files(), data.sampleKind(), BATCH_ROWS, PREFETCH,
          parallelism.workerThreads(), -1);
      pipeline.next();
    }

    @TearDown(Level.Trial)
    public void stop() {
      pipeline.close();
    }
  }

  /** One pass: an epoch's worth of batches from the running pipeline. */
  @Benchmark
  public void ingest(SampleShards data, RunningPipeline pipeline, PassCounters counters,
      Blackhole bh, Control control) {
    boolean measured = PassCounters.measured(control);
    long rows = 0;
    while (rows < data.records()) {
      try (Batch batch = pipeline.batches.next()) {
        rows += batch.rows();
        bh.consume(batch.column("label").longs().get(0));
      }
    }
    check(data, rows);
    counters.add(measured, data.bytes(), rows);
  }

  /** One pass: an epoch's worth of records from tf.data's running pipeline. */
  @Benchmark
  public void tfData(SampleShards data, RunningTfData tfData, PassCounters counters,
      Blackhole bh, Control control) {
    boolean measured = PassCounters.measured(control);
    long rows = 0;
    while (rows < data.records()) {
      long batch = tfData.pipeline.next();
      if (batch < 0) {
        throw new IllegalStateException("tf.data ended a pipeline that repeats forever");
      }
      rows += batch;
    }
    bh.consume(rows);
    counters.add(measured, data.bytes(), rows);
  }

  @Benchmark
  public void naiveJava(SampleShards data, PassCounters counters, Blackhole bh, Control control)
      throws Exception {
    boolean measured = PassCounters.measured(control);
    byte[][] batch = new byte[BATCH_ROWS][];
    int filled = 0;
    long rows = 0;
    try (NaiveRecordStream records = new NaiveRecordStream(data.files(), false)) {
      for (byte[] record = records.next(); record != null; record = records.next()) {
        batch[filled++] = record;
        if (filled == BATCH_ROWS) {
          byte[][] full = batch;
          bh.consume(NaiveLoader.batch(data.kind, 0, filled, i -> full[i]));
          rows += filled;
          filled = 0;
        }
      }
    }
    if (filled > 0) {
      byte[][] last = batch;
      bh.consume(NaiveLoader.batch(data.kind, 0, filled, i -> last[i]));
      rows += filled;
    }
    check(data, rows);
    counters.add(measured, data.bytes(), rows);
  }

  private static void check(SampleShards data, long rows) {
    if (rows != data.records()) {
      throw new IllegalStateException("a pass saw " + rows + " records, expected " + data.records());
    }
  }
}
