package dev.ingest.bench;

import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import dev.ingest.BurnCpu;
import dev.ingest.Dataset;
import dev.ingest.PipelineOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.Control;

/**
 * AUTO against hand tuning: the same pipeline (read, parse, an optional {@code burn_cpu} map,
 * batch 256, prefetch) at each setting of a grid of parse threads × prefetch depth, and with
 * both {@link Dataset#AUTO}. {@link AutotuneReport} runs the grid in rounds, so the settings
 * alternate, and divides auto's median by the best grid setting's.
 *
 * <p>One operation is {@value #BATCHES_PER_PASS} batches from a pipeline that runs for the whole
 * trial (repeat forever): the warm-up iterations are where the tuner measures and settles, as in
 * the first seconds of a training job; the measured iterations are the steady state after.
 */
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class AutotuneBenchmark extends BenchmarkDefaults {
  static final int BATCH_ROWS = 256;
  static final int BATCHES_PER_PASS = 16;
  static final String AUTO = "auto";

  /** The grid's point: {@code THREADSxPREFETCH} (threads 0: one per core), or {@code auto}. */
  @State(Scope.Benchmark)
  public static class Setting {
    @Param({"1x2", "1x8", "0x2", "0x8", AUTO})
    public String setting;

    /** burn_cpu's cost per record: 0 for a cheap pipeline (no map). */
    @Param({"0", "30"})
    public double mapMicros;

    int threads() {
      return setting.equals(AUTO) ? Dataset.AUTO : Integer.parseInt(setting.split("x")[0]);
    }

    int prefetch() {
      return setting.equals(AUTO) ? Dataset.AUTO : Integer.parseInt(setting.split("x")[1]);
    }
  }

  /** One pipeline for the whole trial, so the tuner's work in the warm-up carries over. */
  @State(Scope.Thread)
  public static class Running {
    BatchIterator batches;

    @Setup(Level.Trial)
    public void start(SampleShards data, Setting setting) {
      Dataset dataset = Dataset.tfrecord(data.folder())
          .shuffleFiles(false)
          .interleave(4, 16)
          .parseExample(data.spec());
      if (setting.mapMicros > 0) {
        dataset = dataset.map(BurnCpu.NAME, new BurnCpu(setting.mapMicros));
      }
      batches = dataset.batch(BATCH_ROWS, false)
          .prefetch(setting.prefetch())
          .repeat(-1)
          .withOptions(PipelineOptions.defaults().withThreads(setting.threads()))
          .iterator();
    }

    @TearDown(Level.Trial)
    public void stop() {
      if (batches.metrics().tuning() != null && batches.metrics().tuning().enabled()) {
        // The tuner's choices, for the run's log: what auto settled on and why.
        System.out.println("tuning: " + batches.metrics().tuning());
      }
      batches.close();
    }
  }

  @Benchmark
  public void pass(SampleShards data, Running pipeline, PassCounters counters, Blackhole bh,
      Control control) {
    boolean measured = PassCounters.measured(control);
    long rows = 0;
    for (int i = 0; i < BATCHES_PER_PASS; i++) {
      try (Batch batch = pipeline.batches.next()) {
        rows += batch.rows();
        bh.consume(batch.column("label").longs().get(0));
      }
    }
    counters.add(measured, rows * data.bytes() / Math.max(1, data.records()), rows);
  }
}
