package dev.ingest.runtime;

import dev.ingest.PipelineMetrics;
import dev.ingest.StageMetrics;
import dev.ingest.Transform;
import dev.ingest.Tuning;
import dev.ingest.runtime.memory.MemoryBudget;
import dev.ingest.runtime.metrics.Bottleneck;
import dev.ingest.runtime.metrics.FusedTransformClocks;
import dev.ingest.runtime.metrics.Stage;
import dev.ingest.runtime.metrics.StageClock;
import dev.ingest.runtime.metrics.StageLatency;
import dev.ingest.runtime.stage.WorkUnit;
import dev.ingest.runtime.tune.PipelineSample;
import dev.ingest.runtime.tune.TunedSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * A pipeline's clocks, and what they add up to: the {@link PipelineMetrics} snapshot (one row per
 * stage, the bottleneck named) and the tuner's {@link PipelineSample}.
 *
 * <p>Each stage's thread writes its own clock (handed out by the getters when the pipeline is
 * wired); the consumer's thread records its waits and the batches it takes, and reads the
 * snapshot; the tuner's thread reads {@link #sample()}. Nothing here allocates per batch.
 */
final class PipelineMeter {
  private final long startNanos;
  private final boolean assembling;
  private final TunedSettings tuned;
  private final MemoryBudget budget;
  private final StageClock sourceClock = new StageClock();
  private final List<StageClock> parseClocks = new ArrayList<>();
  /** The row transforms fused on the parse workers, each measured as a stage of its own. */
  private final List<FusedTransformClocks> fusedTransforms;
  /** The cache of rows' copies on the parse workers, measured as a stage too; or {@code null}. */
  private final FusedTransformClocks rowCacheClocks;
  private final StageClock assemblyClock = new StageClock();
  private final StageLatency parseLatency = new StageLatency();
  private final StageLatency assemblyLatency = new StageLatency();
  private final StageLatency consumerWaits = new StageLatency();
  /** The consumer's batches taken and time waiting, readable by the tuner's thread. */
  private final StageClock consumerClock = new StageClock();
  private volatile long lastTakeNanos;
  /** The most bytes one unit held (records and parsed batch), for the tuner's memory check. */
  private volatile long largestUnitBytes;
  /** Sums of the queue fills sampled at each batch taken, and how many samples. */
  private double parseQueueFill;
  private double readyQueueFill;
  private long fillSamples;
  private long firstBatchNanos = -1;

  /**
   * Clocks for {@code workerCount} parse workers running {@code transforms}, and for a batch
   * stage when {@code assembling}; times count from {@code startNanos}.
   */
  PipelineMeter(long startNanos, List<Transform> transforms, int workerCount, boolean assembling,
      TunedSettings tuned, MemoryBudget budget) {
    this(startNanos, transforms, workerCount, assembling, tuned, budget, false);
  }

  /** @param rowCache whether the pipeline caches rows (its copies are measured as a stage) */
  PipelineMeter(long startNanos, List<Transform> transforms, int workerCount, boolean assembling,
      TunedSettings tuned, MemoryBudget budget, boolean rowCache) {
    this.rowCacheClocks = rowCache ? FusedTransformClocks.ofRowCache(workerCount) : null;
    this.startNanos = startNanos;
    this.assembling = assembling;
    this.tuned = tuned;
    this.budget = budget;
    for (int i = 0; i < workerCount; i++) {
      parseClocks.add(new StageClock());
    }
    this.fusedTransforms = FusedTransformClocks.of(transforms, workerCount);
  }

  long startNanos() {
    return startNanos;
  }

  StageClock sourceClock() {
    return sourceClock;
  }

  StageClock parseClock(int worker) {
    return parseClocks.get(worker);
  }

  /** The clocks of the copies to and from the cache of rows; {@code null} without one. */
  FusedTransformClocks rowCacheClocks() {
    return rowCacheClocks;
  }

  List<FusedTransformClocks> fusedTransforms() {
    return fusedTransforms;
  }

  StageLatency parseLatency() {
    return parseLatency;
  }

  StageClock assemblyClock() {
    return assemblyClock;
  }

  StageLatency assemblyLatency() {
    return assemblyLatency;
  }

  /**
   * The consumer waited from {@code waitStart} to {@code now} for a batch. The wait for the first
   * batch is start-up, kept apart from the waits after it.
   */
  void consumerWaited(long waitStart, long now) {
    if (firstBatchNanos < 0) {
      firstBatchNanos = now - startNanos;
    } else {
      consumerWaits.record(now - waitStart);
      consumerClock.addInputWait(now - waitStart);
    }
  }

  /** Adds one sample of how full the parse stage's input and the consumer's input are (0 to 1). */
  void sampleQueues(double parseFill, double readyFill) {
    parseQueueFill += parseFill;
    readyQueueFill += readyFill;
    fillSamples++;
  }

  /** The consumer took {@code unit}'s batch at {@code now}. */
  void batchTaken(WorkUnit unit, long now) {
    if (unit.recordBytes() + unit.reservedBytes() > largestUnitBytes) {
      largestUnitBytes = unit.recordBytes() + unit.reservedBytes();
    }
    consumerClock.addElements(1);
    lastTakeNanos = now;
  }

  /** Nanoseconds from the start to the first batch, or -1 before it. */
  long firstBatchNanos() {
    return firstBatchNanos;
  }

  /** Nanoseconds the consumer waited for batches after the first. */
  long waitNanos() {
    return consumerClock.inputWaitNanos();
  }

  /** One row per stage, from the start until now, with {@code batches} handed to the consumer. */
  PipelineMetrics snapshot(long batches, Tuning tuning) {
    double elapsed = Math.max(1, System.nanoTime() - startNanos);
    List<StageMetrics> stages = new ArrayList<>();
    double sourceOutputWait = sourceClock.outputWaitNanos() / elapsed;
    // The source is busy whenever it runs and does not wait; once it has read everything, neither.
    double sourceActive = Math.max(0, sourceClock.activeUntil(System.nanoTime()) - startNanos);
    double sourceBusy = Math.max(0, sourceActive - sourceClock.outputWaitNanos()) / elapsed;
    stages.add(new StageMetrics(Stage.READ.label(), 1, sourceClock.elements(),
        Math.min(1, sourceBusy), 0, sourceOutputWait));
    long parsed = 0;
    double busy = 0;
    double inputWait = 0;
    for (StageClock clock : parseClocks) {
      parsed += clock.elements();
      busy += clock.busyNanos() / elapsed;
      inputWait += clock.inputWaitNanos() / elapsed;
    }
    // Averaged over the active workers: the idle ones the tuner parked are no part of the stage.
    int workerCount = tuned.activeWorkers();
    double samples = Math.max(1, fillSamples);
    // The fused transforms share the workers' threads, and so their waits; each worker's clock
    // counts their time as busy too (the tuner sizes the workers by it), so parse_example's own
    // row is what is left of it.
    double inputWaitShare = Math.min(1, inputWait / workerCount);
    List<StageMetrics> fused = new ArrayList<>();
    double fusedBusy = 0;
    List<FusedTransformClocks> onWorkers = new ArrayList<>(fusedTransforms);
    if (rowCacheClocks != null) {
      onWorkers.add(rowCacheClocks);
    }
    for (FusedTransformClocks transform : onWorkers) {
      double transformBusy = transform.busyNanos() / elapsed;
      fusedBusy += transformBusy;
      fused.add(new StageMetrics(transform.label(), workerCount, transform.elements(),
          Math.min(1, transformBusy / workerCount), inputWaitShare, 0,
          transform.latency().percentileMicros(50), transform.latency().percentileMicros(99), 0));
    }
    stages.add(new StageMetrics(Stage.PARSE.label(), workerCount, parsed,
        Math.min(1, Math.max(0, busy - fusedBusy) / workerCount), inputWaitShare, 0,
        parseLatency.percentileMicros(50), parseLatency.percentileMicros(99),
        parseQueueFill / samples));
    stages.addAll(fused);
    if (assembling) {
      stages.add(new StageMetrics(Stage.BATCH.label(), 1, assemblyClock.elements(),
          assemblyClock.busyNanos() / elapsed, assemblyClock.inputWaitNanos() / elapsed,
          assemblyClock.outputWaitNanos() / elapsed, assemblyLatency.percentileMicros(50),
          assemblyLatency.percentileMicros(99), 0));
    }
    // As the run report's idle fraction: the wait for the first batch is start-up, not idling.
    double sinceFirstBatch = firstBatchNanos < 0 ? elapsed : Math.max(1, elapsed - firstBatchNanos);
    double consumerWait = firstBatchNanos < 0 ? 1 : Math.min(1, waitNanos() / sinceFirstBatch);
    stages.add(new StageMetrics(Stage.CONSUMER.label(), 1, batches,
        Math.max(0, 1 - consumerWait), consumerWait,
        0, consumerWaits.percentileMicros(50), consumerWaits.percentileMicros(99),
        readyQueueFill / samples));
    return Bottleneck.name(stages, fused).withTuning(tuning);
  }

  /** The totals the tuner measures its windows from; called on the tuner's thread. */
  PipelineSample sample() {
    long busy = 0;
    for (StageClock clock : parseClocks) {
      busy += clock.busyNanos();
    }
    return new PipelineSample(System.nanoTime(), consumerClock.elements(), lastTakeNanos,
        consumerClock.inputWaitNanos(), busy, tuned.activeWorkers(),
        sourceClock.outputWaitNanos(), sourceClock.finished(), budget.used(), budget.limit(),
        largestUnitBytes);
  }
}
