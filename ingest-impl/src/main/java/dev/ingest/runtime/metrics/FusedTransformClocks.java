package dev.ingest.runtime.metrics;

import dev.ingest.Transform;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the parse workers' time goes inside one user row transform (a map or a filter) that runs
 * fused with parsing: one {@link StageClock} per worker, summed for the report, so that the
 * transform is measured as a stage of its own ({@code map burn_cpu}) instead of vanishing into
 * {@code parse_example}'s busy time.
 *
 * <p>A clock's elements are the rows the transform saw; its busy time is the time spent in the
 * transform over whole chunks (two clock reads per chunk, none per row). The worker's own clock
 * still counts that time too, so the tuner sees the workers' whole load; the report subtracts it
 * from {@code parse_example}'s row.
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * Worker i is the only writer of {@link #clockOf(int) clockOf(i)} (see {@link StageClock});
 * {@link #latency()} takes records from every worker at once. Any thread may read the sums, which
 * are a recent value, not a snapshot taken at one instant across workers.
 */
public final class FusedTransformClocks {
  private final String label;
  private final StageClock[] clocks;
  private final StageLatency latency = new StageLatency();

  /**
   * The clocks of {@code transforms}' row transforms (maps and filters, not batch maps), in
   * pipeline order. A label two transforms would share gets its occurrence appended ({@code map
   * burn_cpu #2}), so that each row, and the bottleneck, names one transform.
   */
  public static List<FusedTransformClocks> of(List<Transform> transforms, int workers) {
    List<FusedTransformClocks> clocks = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (Transform transform : transforms) {
      String kind;
      if (transform instanceof Transform.MapRows) {
        kind = "map";
      } else if (transform instanceof Transform.FilterRows) {
        kind = "filter";
      } else {
        continue;
      }
      String label = label(kind, transform.name());
      int occurrence = seen.merge(label, 1, Integer::sum);
      clocks.add(new FusedTransformClocks(occurrence == 1 ? label : label + " #" + occurrence,
          workers));
    }
    return clocks;
  }

  /**
   * The clocks of the parse workers' copies to and from a cache of rows, reported as the stage
   * {@code cache}: in the epochs it serves, its busy time is the gather of cached rows into
   * chunks; in the epoch that fills it, the copy of each chunk's rows into the cache.
   */
  public static FusedTransformClocks ofRowCache(int workers) {
    return new FusedTransformClocks("cache", workers);
  }

  private FusedTransformClocks(String label, int workers) {
    this.label = label;
    this.clocks = new StageClock[workers];
    for (int i = 0; i < workers; i++) {
      clocks[i] = new StageClock();
    }
  }

  /**
   * The stage name reports use: the kind, then the name without a built-in's parameters ({@code
   * map burn_cpu} for {@code burn_cpu(40.0 us/record)}), or the kind alone when the transform has
   * no name of its own.
   */
  static String label(String kind, String name) {
    int parameters = name.indexOf('(');
    String bare = (parameters > 0 ? name.substring(0, parameters) : name).strip();
    return bare.isEmpty() || bare.equals(kind) ? kind : kind + " " + bare;
  }

  public String label() {
    return label;
  }

  /** The clock worker {@code worker} writes. */
  public StageClock clockOf(int worker) {
    return clocks[worker];
  }

  /** The time one chunk spent in the transform, from every worker. */
  public StageLatency latency() {
    return latency;
  }

  /** Rows the transform saw, on every worker. */
  public long elements() {
    long sum = 0;
    for (StageClock clock : clocks) {
      sum += clock.elements();
    }
    return sum;
  }

  /** Nanoseconds every worker spent in the transform, summed. */
  public long busyNanos() {
    long sum = 0;
    for (StageClock clock : clocks) {
      sum += clock.busyNanos();
    }
    return sum;
  }
}
