package dev.ingest.bench;

import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.Control;

/**
 * Headroom as PERFORMANCE.md sets its bar: is the accelerator's idle fraction under 1% when it
 * asks for {@code load} (a share) of the pipeline's capacity? Before each iteration, warm-up ones
 * included, the consumer takes batches flat out for {@value #CAPACITY_MILLIS} ms, which measures
 * the capacity of that moment; the iteration then steps {@code 1 / (load × capacity)} per batch
 * ({@link CompensatedPark}). Measuring the capacity next to each paced iteration, in the same
 * JVM, is what makes the share mean something here: on a shared 2-core machine the capacity of
 * one fork differed from the next by up to half, and a fresh JVM's grows for tens of seconds as
 * the JIT goes on compiling.
 *
 * <p>One operation is one batch. Secondary results per iteration: {@code idleFraction}, {@code
 * capacityBatchesPerSecond}, and {@code achievedLoad} (the iteration's batches/s over the
 * capacity: the share the consumer really asked for).
 */
@Warmup(iterations = 10, time = 1)
public class HeadroomBenchmark extends BenchmarkDefaults {
  static final int CAPACITY_MILLIS = 1000;
  /** Batches taken before the capacity is timed: the ones a paced consumer left ready. */
  private static final int READY_BATCHES = 64;

  /** ingest's pipeline, and the consumer's pace, set from the capacity before each iteration. */
  @State(Scope.Thread)
  public static class PacedFeed {
    /** The share of the capacity the consumer asks for. */
    @Param({"0.8", "0.9", "0.95", "1.0"})
    public double load;

    @Param({"256"})
    public int batchSize;

    BatchIterator batches;
    final CompensatedPark park = new CompensatedPark();
    double capacityBatchesPerSecond;
    long stepNanos;

    @Setup(Level.Trial)
    public void start(SampleShards data, PipelineShape shape) {
      batches = IdleTimeBenchmark.IngestFeed.start(data, shape, batchSize);
    }

    @Setup(Level.Iteration)
    public void measureCapacity() {
      for (int i = 0; i < READY_BATCHES; i++) {
        batches.next().close();
      }
      long start = System.nanoTime();
      long end = start + CAPACITY_MILLIS * 1_000_000L;
      long taken = 0;
      long now;
      do {
        batches.next().close();
        taken++;
        now = System.nanoTime();
      } while (now < end);
      capacityBatchesPerSecond = taken * 1e9 / (now - start);
      stepNanos = Math.round(1e9 / (load * capacityBatchesPerSecond));
    }

    @TearDown(Level.Trial)
    public void stop() {
      batches.close();
    }
  }

  /**
   * Per iteration: the idle fraction as {@link IdleCounters} reports it, the capacity measured
   * before the iteration, and the share the consumer achieved (its batches/s over that capacity),
   * reported as they are ({@code EVENTS}; JMH's summary adds them up over iterations, the JSON's
   * raw data has each). It repeats IdleCounters' idle fraction rather than extending it: JMH
   * reports only the counters a class declares itself.
   */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class LoadCounters {
    private double capacity;
    private long waitNanos;
    private long stepNanos;
    private long batches;
    private long firstNanos;
    private long lastNanos;

    @Setup(Level.Iteration)
    public void clear() {
      waitNanos = 0;
      stepNanos = 0;
      batches = 0;
      firstNanos = 0;
    }

    /**
     * Counts a batch of this iteration, whose capacity was measured before it. (The capacity comes
     * with each batch because JMH would give a setup taking the feed a second feed of its own.)
     */
    void add(boolean measured, long batchWaitNanos, long batchStepNanos, double capacity) {
      if (measured) {
        this.capacity = capacity;
        long now = System.nanoTime();
        if (firstNanos == 0) {
          firstNanos = now;
        }
        lastNanos = now;
        waitNanos += batchWaitNanos;
        stepNanos += batchStepNanos;
        batches++;
      }
    }

    public double idleFraction() {
      long total = waitNanos + stepNanos;
      return total == 0 ? 0 : (double) waitNanos / total;
    }

    public double capacityBatchesPerSecond() {
      return capacity;
    }

    /** Batches/s between the first and the last measured batch, over the capacity. */
    public double achievedLoad() {
      return batches < 2 || capacity == 0 ? 0
          : (batches - 1) * 1e9 / (lastNanos - firstNanos) / capacity;
    }
  }

  @Benchmark
  public void ingest(PacedFeed feed, LoadCounters counters, Blackhole bh, Control control) {
    boolean measured = PassCounters.measured(control);
    long asked = System.nanoTime();
    Batch batch = feed.batches.next();
    long wait = System.nanoTime() - asked;
    try (batch) {
      bh.consume(batch.rows());
      counters.add(measured, wait, feed.park.step(feed.stepNanos), feed.capacityBatchesPerSecond);
    }
  }
}
