package dev.ingest.runtime.tune;

import dev.ingest.TunerDecision;
import dev.ingest.runtime.metrics.Stage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The autotuner's policy: from one measurement window at a time ({@link TuningWindow}), which
 * setting to try next, whether a trial paid off, and when to stop. It measures, it does not
 * model: a move is kept only if the next window shows it helped.
 *
 * <pre>
 *   warm-up ─► parse workers ─► prefetch depth ─► settled ─(large sustained change)─► workers …
 *              +1 while parse limits            ×2 while the consumer waits
 *              −1 while read limits on a full   although both stages have slack,
 *                 CPU budget                    if the memory budget holds it
 * </pre>
 *
 * Each move is a trial: one window to let units published before it drain, one to measure, then
 * kept or undone. A worker more must bring {@value #WORTH_A_THREAD}x the throughput (a thread
 * costs a core the trainer may want); a worker fewer is kept if throughput holds within {@value
 * #NO_WORSE}x; a deeper prefetch must raise throughput or cut the consumer's wait by a quarter.
 * A value tried once is never tried again until the tuner reopens, so it settles after at most
 * one trial per value (no oscillation, whatever the noise), and it reopens at most {@value
 * #MAX_REOPENINGS} times, each only after {@value #REOPEN_WINDOWS} windows in a row that differ
 * greatly from those it settled on.
 *
 * <p>Confined to the tuner thread (or a test's); not thread-safe.
 */
public final class AutoTuner {
  /** The consumer waiting less than this is a pipeline that keeps up: nothing to gain. */
  static final double KEEPS_UP_WAIT_FRACTION = 0.02;
  /** The throughput ratio a worker more must bring to be kept. */
  static final double WORTH_A_THREAD = 1.10;
  /** The throughput ratio a worker fewer must keep to be kept. */
  static final double NO_WORSE = 0.95;
  /** The throughput ratio, or the drop in consumer wait, a deeper prefetch must bring. */
  static final double WORTH_THE_MEMORY = 1.05;
  static final double WAIT_CUT = 0.75;
  /** A stage busier than this is saturated: a deeper queue after it adds no throughput. */
  static final double SATURATED = 0.85;
  static final int WARM_UP_WINDOWS = 1;
  /**
   * After the first window, warm-up lasts until two windows in a row agree on throughput within
   * this fraction (at most {@value #MAX_WARM_UP_WINDOWS} windows): while the JIT compiles, a
   * pipeline speeds up by itself, several times over in its first second, and a trial judged then
   * credits the move with the warming.
   */
  static final double STEADY_TOLERANCE = 0.15;
  static final int MAX_WARM_UP_WINDOWS = 8;
  static final int CALM_WINDOWS_TO_SETTLE = 2;
  static final int REOPEN_WINDOWS = 5;
  public static final int MAX_REOPENINGS = 3;
  /** How much more the consumer must wait, sustained, for a settled tuner to reopen. */
  static final double REOPEN_WAIT_RISE = 0.25;
  /** How far throughput must fall, sustained, while the consumer waits, to reopen. */
  static final double REOPEN_RATE_FALL = 0.5;

  private enum Phase { WORKERS, PREFETCH, SETTLED }

  /** A move being measured: the window before it, and windows still to skip. */
  private record Trial(String parameter, int from, int to, TuningWindow before, int skip) {}

  private final boolean autoWorkers;
  private final boolean autoPrefetch;
  private final int maxWorkers;
  private final int maxDepth;
  private final int cpuCores;
  private int workers;
  private int depth;
  private Phase phase = Phase.WORKERS;
  private Trial trial;
  private boolean warmingUp = true;
  private int warmUpWindows;
  private TuningWindow lastWarmUp;
  private int calmWindows;
  private final Set<Integer> triedWorkers = new HashSet<>();
  private final Set<Integer> triedDepths = new HashSet<>();
  private TuningWindow settledOn;
  private int changedWindows;
  private int reopenings;
  /** Why the tuner reopened, said with its first move after. */
  private String reopenedBecause = "";
  private final List<TunerDecision> decisions = new ArrayList<>();

  /**
   * @param workers the active parse workers to start from (the maximum when not auto)
   * @param depth the prefetch depth to start from
   * @param cpuCores the CPU budget: more workers than this leave the read stage no core
   */
  public AutoTuner(boolean autoWorkers, int workers, int maxWorkers, boolean autoPrefetch,
      int depth, int maxDepth, int cpuCores) {
    this.autoWorkers = autoWorkers;
    this.autoPrefetch = autoPrefetch;
    this.workers = workers;
    this.maxWorkers = maxWorkers;
    this.depth = depth;
    this.maxDepth = maxDepth;
    this.cpuCores = cpuCores;
    triedWorkers.add(workers);
    triedDepths.add(depth);
  }

  boolean tunesWorkers() {
    return autoWorkers;
  }

  boolean tunesDepth() {
    return autoPrefetch;
  }

  int workers() {
    return workers;
  }

  int depth() {
    return depth;
  }

  boolean settled() {
    return phase == Phase.SETTLED && trial == null;
  }

  List<TunerDecision> decisions() {
    return List.copyOf(decisions);
  }

  /** Takes in one window; may move {@link #workers()} or {@link #depth()}. */
  void observe(TuningWindow window) {
    if (warmingUp && !steady(window)) {
      return; // JIT, pools and the shuffle buffer are still filling: not a steady state
    }
    if (trial != null) {
      judge(window);
      return;
    }
    if (phase == Phase.SETTLED) {
      watch(window);
      return;
    }
    if (window.consumerWaitFraction() < KEEPS_UP_WAIT_FRACTION) {
      if (++calmWindows >= CALM_WINDOWS_TO_SETTLE) {
        settle(window);
      }
      return;
    }
    calmWindows = 0;
    if (phase == Phase.WORKERS && !moveWorkers(window)) {
      phase = Phase.PREFETCH;
    }
    if (phase == Phase.PREFETCH && !moveDepth(window)) {
      settle(window);
    }
  }

  /**
   * Whether warm-up ends with this window: after at least {@value #WARM_UP_WINDOWS} window, its
   * throughput agrees with the last one's (or warm-up has lasted its longest).
   */
  private boolean steady(TuningWindow window) {
    warmUpWindows++;
    TuningWindow previous = lastWarmUp;
    lastWarmUp = window;
    boolean agrees = warmUpWindows > WARM_UP_WINDOWS && Math.abs(window.batchesPerSecond()
        / Math.max(previous.batchesPerSecond(), 1e-9) - 1) <= STEADY_TOLERANCE;
    if (agrees || warmUpWindows >= MAX_WARM_UP_WINDOWS) {
      warmingUp = false;
      lastWarmUp = null;
      return true;
    }
    return false;
  }

  private boolean moveWorkers(TuningWindow window) {
    if (!autoWorkers) {
      return false;
    }
    boolean parseLimits = window.parseBusyFraction() >= window.sourceBusyFraction()
        || window.parseBusyFraction() >= SATURATED;
    if (parseLimits && workers < maxWorkers && !triedWorkers.contains(workers + 1)) {
      start(TunerDecision.PARSE_WORKERS, workers, workers + 1, window,
          Stage.PARSE.label() + " limits");
      workers++;
      return true;
    }
    if (!parseLimits && workers > 1 && workers >= cpuCores && !triedWorkers.contains(workers - 1)) {
      start(TunerDecision.PARSE_WORKERS, workers, workers - 1, window, Stage.READ.label()
          + " limits and the workers take all " + cpuCores + " cores of the CPU budget");
      workers--;
      return true;
    }
    return false;
  }

  private boolean moveDepth(TuningWindow window) {
    if (!autoPrefetch) {
      return false;
    }
    // A deeper queue only evens out bursts: with a saturated stage it adds memory, not speed.
    if (window.parseBusyFraction() >= SATURATED || window.sourceBusyFraction() >= SATURATED) {
      return false;
    }
    int deeper = Math.min(2 * depth, maxDepth);
    if (deeper == depth || triedDepths.contains(deeper)) {
      return false;
    }
    long moreBytes = (deeper - depth) * window.unitBytes();
    if (window.memoryUsedBytes() + moreBytes > window.memoryLimitBytes()) {
      triedDepths.add(deeper);
      record(TunerDecision.PREFETCH, depth, depth, window, String.format(Locale.ROOT,
          "the consumer waits but %d batches more would need %,d bytes and the memory budget has"
              + " %,d of %,d free: staying at %d", deeper - depth, moreBytes,
          Math.max(0, window.memoryLimitBytes() - window.memoryUsedBytes()),
          window.memoryLimitBytes(), depth));
      return false;
    }
    start(TunerDecision.PREFETCH, depth, deeper, window,
        "the consumer waits while both stages have slack");
    depth = deeper;
    return true;
  }

  private void start(String parameter, int from, int to, TuningWindow window, String why) {
    trial = new Trial(parameter, from, to, window, 1);
    record(parameter, from, to, window, reopenedBecause + why + " (" + describe(window)
        + "): trying " + to);
    reopenedBecause = "";
  }

  private void judge(TuningWindow window) {
    if (trial.skip() > 0) {
      // Units published before the move are still in flight under the old setting.
      trial = new Trial(trial.parameter(), trial.from(), trial.to(), trial.before(),
          trial.skip() - 1);
      return;
    }
    double before = trial.before().batchesPerSecond();
    double now = window.batchesPerSecond();
    boolean workersTrial = trial.parameter().equals(TunerDecision.PARSE_WORKERS);
    boolean keep;
    if (workersTrial) {
      keep = trial.to() > trial.from() ? now >= before * WORTH_A_THREAD : now >= before * NO_WORSE;
      triedWorkers.add(trial.to());
    } else {
      keep = now >= before * WORTH_THE_MEMORY
          || window.consumerWaitFraction() <= trial.before().consumerWaitFraction() * WAIT_CUT;
      triedDepths.add(trial.to());
    }
    String measured = String.format(Locale.ROOT,
        "%.1f batches a second at %d against %.1f at %d (%+.0f%%), consumer waiting %.0f%%"
            + " against %.0f%%",
        now, trial.to(), before, trial.from(), 100 * (now / Math.max(before, 1e-9) - 1),
        100 * window.consumerWaitFraction(), 100 * trial.before().consumerWaitFraction());
    if (keep) {
      record(trial.parameter(), trial.to(), trial.to(), window, "kept: " + measured);
    } else {
      record(trial.parameter(), trial.to(), trial.from(), window,
          "not worth it, back: " + measured);
      if (workersTrial) {
        workers = trial.from();
      } else {
        depth = trial.from();
      }
    }
    trial = null;
  }

  private void settle(TuningWindow window) {
    phase = Phase.SETTLED;
    settledOn = window;
    changedWindows = 0;
  }

  /** Settled: reopens only after a large change that lasts. */
  private void watch(TuningWindow window) {
    boolean waitsMore = window.consumerWaitFraction()
        > settledOn.consumerWaitFraction() + REOPEN_WAIT_RISE;
    boolean slower = window.consumerWaitFraction() >= KEEPS_UP_WAIT_FRACTION
        && window.batchesPerSecond() < settledOn.batchesPerSecond() * REOPEN_RATE_FALL;
    changedWindows = waitsMore || slower ? changedWindows + 1 : 0;
    if (changedWindows < REOPEN_WINDOWS || reopenings >= MAX_REOPENINGS) {
      return;
    }
    reopenings++;
    reopenedBecause = String.format(Locale.ROOT,
        "reopened after %d windows unlike the settled one (%.1f batches a second, consumer waiting"
            + " %.0f%%); ", REOPEN_WINDOWS, settledOn.batchesPerSecond(),
        100 * settledOn.consumerWaitFraction());
    triedWorkers.clear();
    triedWorkers.add(workers);
    triedDepths.clear();
    triedDepths.add(depth);
    calmWindows = 0;
    phase = Phase.WORKERS;
    observe(window);
  }

  private void record(String parameter, int from, int to, TuningWindow window, String reason) {
    decisions.add(new TunerDecision(window.endMillis(), parameter, from, to, reason));
  }

  private static String describe(TuningWindow window) {
    return String.format(Locale.ROOT,
        "%.1f batches a second, consumer waiting %.0f%%, parse workers %.0f%% busy,"
            + " read %.0f%% busy",
        window.batchesPerSecond(), 100 * window.consumerWaitFraction(),
        100 * window.parseBusyFraction(), 100 * window.sourceBusyFraction());
  }
}
