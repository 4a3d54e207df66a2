package dev.ingest.runtime.metrics;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The distribution of a stage's time per element (HdrHistogram, microseconds, 3 significant
 * digits): percentiles, not just the average the busy fraction gives, so a stage whose elements
 * are usually fast but sometimes very slow shows it.
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * {@link #record} may be called from any number of stage threads at once; it is wait-free and
 * allocates nothing once the histogram has grown to the values seen. {@link #percentileMicros}
 * is for one reader thread (the consumer's, which asks for metrics): it folds what was recorded
 * since its last call into a running total.
 */
public final class StageLatency {
  private final Recorder recorder = new Recorder(3);
  private final Histogram total = new Histogram(3);
  private Histogram interval;

  public void record(long nanos) {
    recorder.recordValue(Math.max(0, nanos / 1_000));
  }

  /** The {@code percentile} (0 to 100) of every element recorded so far, in microseconds. */
  public double percentileMicros(double percentile) {
    interval = recorder.getIntervalHistogram(interval);
    total.add(interval);
    return total.getTotalCount() == 0 ? 0 : total.getValueAtPercentile(percentile);
  }
}
