package dev.ingest.runtime;

import com.lmax.disruptor.Sequence;

/**
 * The settings the tuner moves while a pipeline runs, as the source reads them at each publish:
 * how many parse workers share the units, and how many units may be in flight.
 *
 * <pre>
 *   ring:  consumed ─► [ in flight: published, not yet taken ] ◄─ next to publish
 *          next may be published while  next - consumed  &lt;=  inFlightLimit
 *          unit s belongs to worker  s % activeWorkers  (stamped on the unit at publish)
 * </pre>
 *
 * All parse workers are started up front, and each unit carries its owner, stamped when it is
 * published: a worker parses the units stamped with its index and passes the others, so a change
 * of the active count takes effect at a unit boundary and never makes two workers parse one
 * unit, or none. Idle workers park on the ring. Which worker parses a unit never changes the
 * batch, so the output is the same whatever the tuner does. The in-flight limit is soft, inside
 * the fixed ring: the ring keeps its size, the source just stops short of it.
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * One writer (the tuner thread, or the constructor); the source thread reads. Both fields are
 * volatile: a publish after a change sees it. A change racing with a publish applies to that unit
 * or to the next, either of which is correct. The stamp itself travels with the unit under the
 * ring's publish/acquire ordering.
 */
final class TunedSettings {
  private final int maxWorkers;
  /** The units the consumer has taken, or {@code null} when the limit is not applied. */
  private final Sequence consumed;
  private volatile int activeWorkers;
  private volatile int prefetchDepth;

  /**
   * @param consumed the consumer's sequence that in-flight units count from; {@code null} to
   *     leave the ring's own size as the only limit (fixed settings, or a batch stage downstream)
   */
  TunedSettings(int maxWorkers, int activeWorkers, int prefetchDepth, Sequence consumed) {
    this.maxWorkers = maxWorkers;
    this.consumed = consumed;
    this.activeWorkers = activeWorkers;
    this.prefetchDepth = prefetchDepth;
  }

  int maxWorkers() {
    return maxWorkers;
  }

  int activeWorkers() {
    return activeWorkers;
  }

  int prefetchDepth() {
    return prefetchDepth;
  }

  void setActiveWorkers(int workers) {
    if (workers < 1 || workers > maxWorkers) {
      throw new IllegalArgumentException(
          "active workers must be in [1, " + maxWorkers + "], got " + workers);
    }
    activeWorkers = workers;
  }

  void setPrefetchDepth(int depth) {
    if (depth < 1) {
      throw new IllegalArgumentException("prefetch depth must be at least 1, got " + depth);
    }
    prefetchDepth = depth;
  }

  /** The worker that parses unit {@code sequence}, given the active count of this moment. */
  int ownerOf(long sequence) {
    return (int) (sequence % activeWorkers);
  }

  /** The most units in flight at once: Long.MAX_VALUE when the limit is not applied. */
  long inFlightLimit() {
    return consumed == null ? Long.MAX_VALUE : prefetchDepth + activeWorkers;
  }

  /**
   * How many more units may be published after {@code cursor}, the last published sequence:
   * Long.MAX_VALUE when the limit is not applied.
   */
  long room(long cursor) {
    return consumed == null ? Long.MAX_VALUE : inFlightLimit() - (cursor - consumed.get());
  }

  /**
   * Whether unit {@code sequence} may be published now: the units being parsed (one per active
   * worker) and the prefetched ones stay within the limit.
   */
  boolean admits(long sequence) {
    return consumed == null || sequence - consumed.get() <= prefetchDepth + activeWorkers;
  }
}
