package dev.ingest.bench;

import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import dev.ingest.Dataset;
import dev.ingest.PipelineOptions;
import java.io.IOException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.Control;

/**
 * Accelerator idle time (data stall): a simulated accelerator takes a batch, runs a step of
 * {@code stepMicros} by parking, and asks for the next; the time it spends blocked in {@code
 * next()} is idle time. One operation is one batch, so the primary score is batches/s; {@link
 * IdleCounters} reports the idle fraction and the wait per batch.
 *
 * <p>Three feeds, the same files and batch size:
 *
 * <ul>
 *   <li>{@code ingest}: the pipeline on its own threads (read, CRCs, parse, batch, prefetch);
 *   <li>{@code tfData}: tf.data's C++ runtime through TensorFlow Java ({@link TfDataPipeline}),
 *       with the same threads and prefetch;
 *   <li>{@code naive}: no pipeline: the consumer itself reads and parses each batch ({@link
 *       NaiveRecordStream}, {@link NaiveLoader}) between steps, one thread, no prefetch, so it
 *       waits for all of read and parse: what the pipelines are for.
 * </ul>
 *
 * The pipelines are started once per trial and repeat the files forever; starting them and
 * taking the first batch happen in setup, and stopping them in teardown, outside the timings (a
 * tf.data iterator can take seconds to destroy).
 */
public class IdleTimeBenchmark extends BenchmarkDefaults {

  /** ingest's pipeline, running. */
  @State(Scope.Thread)
  public static class IngestFeed {
    BatchIterator batches;

    @Setup(Level.Trial)
    public void start(SampleShards data, PipelineShape shape, SimulatedAccelerator accelerator) {
      batches = start(data, shape, accelerator.batchSize);
    }

    /** The pipeline, started and past its first batch: the same files forever. */
    static BatchIterator start(SampleShards data, PipelineShape shape, int batchSize) {
      BatchIterator batches = Dataset.tfrecord(data.folder())
          .shuffleFiles(false)
          .interleave(4, 16)
          .parseExample(data.spec())
          .batch(batchSize, false)
          .prefetch(shape.prefetch)
          .repeat(-1)
          .withOptions(PipelineOptions.defaults().withThreads(shape.threads))
          .iterator();
      batches.next().close();
      return batches;
    }

    @TearDown(Level.Trial)
    public void stop() {
      batches.close();
    }
  }

  /** tf.data's pipeline, running. */
  @State(Scope.Thread)
  public static class TfDataFeed {
    TfDataPipeline pipeline;

    @Setup(Level.Trial)
    public void start(SampleShards data, PipelineShape shape, SimulatedAccelerator accelerator) {
      TfDataPipeline.checkReadsEveryRecord(
          data, accelerator.batchSize, shape.prefetch, shape.workerThreads());
      pipeline = TfDataPipeline.start(data.files(), data.sampleKind(), accelerator.batchSize,
          shape.prefetch, shape.workerThreads(), -1);
      pipeline.next();
    }

    @TearDown(Level.Trial)
    public void stop() {
      pipeline.close();
    }
  }

  /** The records of the shards, read again and again by the consumer's own thread. */
  @State(Scope.Thread)
  public static class NaiveFeed {
    NaiveRecordStream records;
    byte[][] batch;

    @Setup(Level.Trial)
    public void open(SampleShards data, SimulatedAccelerator accelerator) {
      records = new NaiveRecordStream(data.files(), true);
      batch = new byte[accelerator.batchSize][];
    }

    /** Reads and parses one batch. */
    Object next(String kind) throws Exception {
      for (int row = 0; row < batch.length; row++) {
        batch[row] = records.next();
      }
      return NaiveLoader.batch(kind, 0, batch.length, row -> batch[row]);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      records.close();
    }
  }

  @Benchmark
  public void ingest(IngestFeed feed, SimulatedAccelerator accelerator, IdleCounters idle,
      Blackhole bh, Control control) {
    boolean measured = PassCounters.measured(control);
    long asked = System.nanoTime();
    Batch batch = feed.batches.next();
    long wait = System.nanoTime() - asked;
    try (batch) {
      bh.consume(batch.rows());
      idle.add(measured, wait, accelerator.step());
    }
  }

  @Benchmark
  public void tfData(TfDataFeed feed, SimulatedAccelerator accelerator, IdleCounters idle,
      Blackhole bh, Control control) {
    boolean measured = PassCounters.measured(control);
    long asked = System.nanoTime();
    long rows = feed.pipeline.next();
    long wait = System.nanoTime() - asked;
    bh.consume(rows);
    idle.add(measured, wait, accelerator.step());
  }

  @Benchmark
  public void naive(SampleShards data, NaiveFeed feed, SimulatedAccelerator accelerator,
      IdleCounters idle, Blackhole bh, Control control) throws Exception {
    boolean measured = PassCounters.measured(control);
    long asked = System.nanoTime();
    bh.consume(feed.next(data.kind));
    long wait = System.nanoTime() - asked;
    idle.add(measured, wait, accelerator.step());
  }
}
