package dev.ingest;

import java.util.List;

/**
 * What the autotuner chose so far, and why. Settings not under {@link Dataset#AUTO} are reported
 * as fixed, at their configured values.
 *
 * @param autoWorkers whether the tuner chooses the parse workers ({@code threads} AUTO)
 * @param parseWorkers the parse workers active now
 * @param maxParseWorkers the most it may use: the CPU budget under AUTO, else the fixed count
 * @param autoPrefetch whether the tuner chooses the prefetch depth
 * @param prefetch the prefetch depth now (batches allowed in flight beyond those being parsed)
 * @param maxPrefetch the deepest it may go (what the ring holds)
 * @param settled whether the tuner has stopped moving settings (it reopens only on a large,
 *     sustained change in throughput or consumer wait)
 * @param decisions every decision so far, oldest first
 */
public record Tuning(
    boolean autoWorkers,
    int parseWorkers,
    int maxParseWorkers,
    boolean autoPrefetch,
    int prefetch,
    int maxPrefetch,
    boolean settled,
    List<TunerDecision> decisions) {

  public Tuning {
    decisions = List.copyOf(decisions);
  }

  /** Settings that are all fixed: nothing to tune, nothing decided. */
  public static Tuning fixed(int parseWorkers, int prefetch) {
    return new Tuning(false, parseWorkers, parseWorkers, false, prefetch, prefetch, true,
        List.of());
  }

  /** Whether any setting is under the tuner. */
  public boolean enabled() {
    return autoWorkers || autoPrefetch;
  }
}
