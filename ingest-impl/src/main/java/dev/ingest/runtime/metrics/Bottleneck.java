package dev.ingest.runtime.metrics;

import dev.ingest.PipelineMetrics;
import dev.ingest.StageMetrics;
import java.util.List;

/**
 * Names the stage that limits a pipeline, with a hint a user can act on. When the consumer
 * hardly waits, the pipeline keeps up and the consumer's own step is the limit. Otherwise the
 * pipeline stage busiest per thread is the one to widen.
 */
public final class Bottleneck {
  /** The consumer waiting less than this is a pipeline that keeps up (the TF profiler says 5%). */
  static final double KEEPS_UP_WAIT_FRACTION = 0.05;

  private Bottleneck() {}

  /** {@code stages}: read, parse_example and consumer, with batch when assembly is on. */
  public static PipelineMetrics name(List<StageMetrics> stages) {
    StageMetrics read = find(stages, Stage.READ);
    StageMetrics parse = find(stages, Stage.PARSE);
    StageMetrics consumer = find(stages, Stage.CONSUMER);
    if (consumer.inputWaitFraction() < KEEPS_UP_WAIT_FRACTION) {
      return new PipelineMetrics(stages, consumer.name(), String.format(
          "the pipeline keeps up: the consumer waits %.1f%% of the time; its own step is the limit",
          100 * consumer.inputWaitFraction()));
    }
    StageMetrics batch = find(stages, Stage.BATCH);
    if (batch != null && batch.busyFraction() > parse.busyFraction()
        && batch.busyFraction() > read.busyFraction()) {
      return new PipelineMetrics(stages, batch.name(), String.format(
          "%s is the bottleneck (%.0f%% busy): it copies the rows that pass the filters into"
              + " batches on one thread; parse only the features you need, or filter the files"
              + " ahead of training", batch.name(), 100 * batch.busyFraction()));
    }
    if (parse.busyFraction() >= read.busyFraction()) {
      return new PipelineMetrics(stages, parse.name(), String.format(
          "%s is the bottleneck (%.0f%% busy on %d threads, with the map and filter functions):"
              + " raise options.threads or give it more cores",
          parse.name(), 100 * parse.busyFraction(), parse.parallelism()));
    }
    return new PipelineMetrics(stages, read.name(), String.format(
        "%s is the bottleneck (%.0f%% busy): raise interleave cycle_length, read uncompressed files"
            + " or use faster storage", read.name(), 100 * read.busyFraction()));
  }

  /** The metrics of {@code stage}, or {@code null} when the pipeline does not run it. */
  private static StageMetrics find(List<StageMetrics> stages, Stage stage) {
    for (StageMetrics metrics : stages) {
      if (metrics.name().equals(stage.label())) {
        return metrics;
      }
    }
    return null;
  }
}
