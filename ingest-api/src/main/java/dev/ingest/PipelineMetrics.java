package dev.ingest;

import java.util.List;

/**
 * A snapshot of a running pipeline's stages and the one that limits its throughput.
 *
 * @param stages in pipeline order, the consumer last
 * @param bottleneck the limiting stage's name: {@code consumer} when the pipeline keeps up (the
 *     consumer rarely waits), else the busiest pipeline stage
 * @param hint one line on what to do about it
 */
public record PipelineMetrics(List<StageMetrics> stages, String bottleneck, String hint) {

  public PipelineMetrics {
    stages = List.copyOf(stages);
  }
}
