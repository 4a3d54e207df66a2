package dev.ingest.runtime.tune;

import com.lmax.disruptor.Sequence;

/**
 * The settings the tuner moves while a pipeline runs: how many parse workers claim units (read by
 * the workers at each unit), and how many units may be in flight (read by the source at each
 * publish).
 *
 * <pre>
 *   ring:  consumed ─► [ in flight: published, not yet taken ] ◄─ next to publish
 *          next may be published while  next - consumed  &lt;=  inFlightLimit
 *          workers 0 .. activeWorkers - 1 claim units; the others pass them
 * </pre>
 *
 * All parse workers are started up front. A unit is parsed by the one worker that claims it
 * ({@code WorkUnit.tryClaim}, in the stage package), so a change of the active count takes effect
 * at a unit boundary and never makes two workers parse one unit, or none: a worker that stops
 * being active finishes the unit it claimed. Idle workers park on the ring. Which worker parses
 * a unit never changes the batch, so the output is the same whatever the tuner does. The
 * in-flight limit is soft, inside the fixed ring: the ring keeps its size, the source just stops
 * short of it.
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * One writer (the tuner thread, or the constructor); the source and the workers read. Both fields
 * are volatile: a publish, or a claim, after a change sees it. A change racing with a publish or
 * a claim applies to that unit or to the next, either of which is correct.
 */
public final class TunedSettings {
  private final int maxWorkers;
  /** The units the consumer has taken, or {@code null} when the limit is not applied. */
  private final Sequence consumed;
  private volatile int activeWorkers;
  private volatile int prefetchDepth;

  /**
   * @param consumed the consumer's sequence that in-flight units count from; {@code null} to
   *     leave the ring's own size as the only limit (fixed settings, or a batch stage downstream)
   */
  public TunedSettings(int maxWorkers, int activeWorkers, int prefetchDepth, Sequence consumed) {
    this.maxWorkers = maxWorkers;
    this.consumed = consumed;
    this.activeWorkers = activeWorkers;
    this.prefetchDepth = prefetchDepth;
  }

  public int maxWorkers() {
    return maxWorkers;
  }

  public int activeWorkers() {
    return activeWorkers;
  }

  int prefetchDepth() {
    return prefetchDepth;
  }

  public void setActiveWorkers(int workers) {
    if (workers < 1 || workers > maxWorkers) {
      throw new IllegalArgumentException(
          "active workers must be in [1, " + maxWorkers + "], got " + workers);
    }
    activeWorkers = workers;
  }

  public void setPrefetchDepth(int depth) {
    if (depth < 1) {
      throw new IllegalArgumentException("prefetch depth must be at least 1, got " + depth);
    }
    prefetchDepth = depth;
  }

  /** Whether parse worker {@code index} may claim units now: the first active count may. */
  public boolean isActive(int index) {
    return index < activeWorkers;
  }

  /** The most units in flight at once: Long.MAX_VALUE when the limit is not applied. */
  public long inFlightLimit() {
    return consumed == null ? Long.MAX_VALUE : prefetchDepth + activeWorkers;
  }

  /**
   * How many more units may be published after {@code cursor}, the last published sequence:
   * Long.MAX_VALUE when the limit is not applied.
   */
  public long room(long cursor) {
    return consumed == null ? Long.MAX_VALUE : inFlightLimit() - (cursor - consumed.get());
  }

  /**
   * Whether unit {@code sequence} may be published now: the units being parsed (one per active
   * worker) and the prefetched ones stay within the limit.
   */
  public boolean admits(long sequence) {
    return consumed == null || sequence - consumed.get() <= prefetchDepth + activeWorkers;
  }
}
