package dev.ingest.runtime.tune;

import dev.ingest.TunerDecision;
import dev.ingest.Tuning;
import dev.ingest.runtime.metrics.FlightEvents;
import dev.ingest.runtime.metrics.TunerDecisionEvent;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The tuner's thread: every {@value #TICK_MILLIS} ms it samples the pipeline's totals, and once a
 * window holds at least {@value #MIN_WINDOW_BATCHES} batches and {@value #MIN_WINDOW_MILLIS} ms
 * it hands the window to the {@link AutoTuner} and applies what it chose to the {@link
 * TunedSettings}. A window is counted in batches as well as time so that a slow pipeline's
 * throughput is not measured from two or three batches; it is measured between takes, not
 * ticks, so the count of batches is not rounded.
 *
 * <p>It stops tuning once the read stage has read everything (what follows drains the rings, it
 * is no steady state) and ends when {@link #stop()} is called. It holds no buffers.
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * Runs on its own daemon thread. {@link #tuning()} may be called from any thread: it reads an
 * immutable snapshot published through a volatile field after each window.
 */
public final class TuningLoop implements Runnable {
  static final long TICK_MILLIS = 25;
  // Long enough that one noisy window cannot reject a worker that doubles throughput (150 ms
  // windows could, on a small machine); AutotuneBenchmark (benchmarks) measures the tuner's picks.
  static final long MIN_WINDOW_MILLIS = 400;
  public static final int MIN_WINDOW_BATCHES = 8;

  private final AutoTuner tuner;
  private final TunedSettings settings;
  private final Supplier<PipelineSample> pipeline;
  private final long startNanos;
  private final int maxDepth;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile Tuning snapshot;

  public TuningLoop(AutoTuner tuner, TunedSettings settings, Supplier<PipelineSample> pipeline,
      long startNanos, int maxDepth) {
    this.tuner = tuner;
    this.settings = settings;
    this.pipeline = pipeline;
    this.startNanos = startNanos;
    this.maxDepth = maxDepth;
    this.snapshot = snapshot(List.of());
  }

  @Override
  public void run() {
    try {
      PipelineSample start = pipeline.get();
      while (!stopped.await(TICK_MILLIS, TimeUnit.MILLISECONDS)) {
        PipelineSample now = pipeline.get();
        if (now.sourceDone()) {
          return;
        }
        if (now.batchesTaken() - start.batchesTaken() < MIN_WINDOW_BATCHES
            || now.nanos() - start.nanos() < TimeUnit.MILLISECONDS.toNanos(MIN_WINDOW_MILLIS)) {
          continue;
        }
        int decided = tuner.decisions().size();
        tuner.observe(now.since(start, startNanos));
        settings.setActiveWorkers(tuner.workers());
        settings.setPrefetchDepth(tuner.depth());
        List<TunerDecision> decisions = tuner.decisions();
        decisions.subList(decided, decisions.size()).forEach(TuningLoop::emit);
        snapshot = snapshot(decisions);
        // The next window starts now, under the settings just applied.
        start = pipeline.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Ends the loop at its next tick (at once if it is waiting). */
  public void stop() {
    stopped.countDown();
  }

  /** What the tuner chose so far. */
  public Tuning tuning() {
    return snapshot;
  }

  private Tuning snapshot(List<TunerDecision> decisions) {
    return new Tuning(tuner.tunesWorkers(), settings.activeWorkers(), settings.maxWorkers(),
        tuner.tunesDepth(), settings.prefetchDepth(), maxDepth, tuner.settled(), decisions);
  }

  private static void emit(TunerDecision decision) {
    if (!FlightEvents.enabled()) {
      return;
    }
    TunerDecisionEvent event = new TunerDecisionEvent();
    if (event.shouldCommit()) {
      event.parameter = decision.parameter();
      event.from = decision.from();
      event.to = decision.to();
      event.reason = decision.reason();
      event.commit();
    }
  }
}
