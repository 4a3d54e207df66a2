package dev.ingest;

import java.util.List;

/**
 * A snapshot of a running pipeline's stages and the one that limits its throughput.
 *
 * @param stages in pipeline order, the consumer last
 * @param bottleneck the limiting stage's name: {@code consumer} when the pipeline keeps up (the
 *     consumer rarely waits), else the busiest pipeline stage
 * @param hint one line on what to do about it
 * @param tuning what the autotuner chose and why ({@link Tuning#enabled()} false when nothing is
 *     {@link Dataset#AUTO}); {@code null} when the runtime does not say
 */
public record PipelineMetrics(
    List<StageMetrics> stages, String bottleneck, String hint, Tuning tuning) {

  public PipelineMetrics {
    stages = List.copyOf(stages);
  }

  /** Metrics without a tuning report. */
  public PipelineMetrics(List<StageMetrics> stages, String bottleneck, String hint) {
    this(stages, bottleneck, hint, null);
  }

  /** The same metrics with {@code value} as their tuning report. */
  public PipelineMetrics withTuning(Tuning value) {
    return new PipelineMetrics(stages, bottleneck, hint, value);
  }
}
