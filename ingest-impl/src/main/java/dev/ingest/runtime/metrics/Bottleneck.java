package dev.ingest.runtime.metrics;

import dev.ingest.PipelineMetrics;
import dev.ingest.StageMetrics;
import java.util.List;

/**
 * Names the stage that limits a pipeline, with a hint a user can act on. When the consumer
 * hardly waits, the pipeline keeps up and the consumer's own step is the limit. Otherwise the
 * pipeline stage busiest per thread is the one to widen.
 *
 * <p>The parse workers run the row transforms fused with parsing, so they compete with the other
 * stages as one group: parsing plus every fused transform. When that group is the limit, the part
 * of it that dominates is named: a transform that takes more of the workers' time than parsing
 * and than every other transform, or else {@code parse_example}.
 */
public final class Bottleneck {
  /** The consumer waiting less than this is a pipeline that keeps up (the TF profiler says 5%). */
  static final double KEEPS_UP_WAIT_FRACTION = 0.05;

  private Bottleneck() {}

  /** {@code stages}: read, parse_example and consumer, with batch when assembly is on. */
  public static PipelineMetrics name(List<StageMetrics> stages) {
    return name(stages, List.of());
  }

  /**
   * @param stages read, parse_example, the fused transforms, batch when assembly is on, consumer
   * @param fused the rows of {@code stages} that measure the row transforms fused on the parse
   *     workers, whose busy time is no part of parse_example's
   */
  public static PipelineMetrics name(List<StageMetrics> stages, List<StageMetrics> fused) {
    StageMetrics read = find(stages, Stage.READ);
    StageMetrics parse = find(stages, Stage.PARSE);
    StageMetrics consumer = find(stages, Stage.CONSUMER);
    if (consumer.inputWaitFraction() < KEEPS_UP_WAIT_FRACTION) {
      return new PipelineMetrics(stages, consumer.name(), String.format(
          "the pipeline keeps up: the consumer waits %.1f%% of the time; its own step is the limit",
          100 * consumer.inputWaitFraction()));
    }
    double workersBusy = parse.busyFraction();
    StageMetrics heaviest = null;
    for (StageMetrics transform : fused) {
      workersBusy += transform.busyFraction();
      if (heaviest == null || transform.busyFraction() > heaviest.busyFraction()) {
        heaviest = transform;
      }
    }
    StageMetrics batch = find(stages, Stage.BATCH);
    if (batch != null && batch.busyFraction() > workersBusy
        && batch.busyFraction() > read.busyFraction()) {
      return new PipelineMetrics(stages, batch.name(), String.format(
          "%s is the bottleneck (%.0f%% busy): it copies the rows that pass the filters into"
              + " batches on one thread; parse only the features you need, or filter the files"
              + " ahead of training", batch.name(), 100 * batch.busyFraction()));
    }
    if (workersBusy >= read.busyFraction()) {
      if (heaviest != null && heaviest.busyFraction() > parse.busyFraction()
          && dominates(heaviest, fused)) {
        return new PipelineMetrics(stages, heaviest.name(), String.format(
            "%s is the bottleneck: it takes %.0f%% of the parse workers' time on %s"
                + " (parsing %.0f%%); raise its num_parallel_calls (options.threads, the parse"
                + " workers it runs on) or make it cheaper",
            heaviest.name(), 100 * heaviest.busyFraction(), threads(heaviest.parallelism()),
            100 * parse.busyFraction()));
      }
      return new PipelineMetrics(stages, parse.name(), String.format(
          "%s is the bottleneck (the parse workers are %.0f%% busy on %s, %.0f%% parsing%s):"
              + " raise options.threads or give it more cores",
          parse.name(), 100 * workersBusy, threads(parse.parallelism()), 100 * parse.busyFraction(),
          fused.isEmpty() ? "" : ", the rest in the map and filter functions"));
    }
    return new PipelineMetrics(stages, read.name(), String.format(
        "%s is the bottleneck (%.0f%% busy): give interleave reader threads (num_parallel_calls)"
            + " where cores are free, raise its cycle_length, read uncompressed files or use faster"
            + " storage", read.name(), 100 * read.busyFraction()));
  }

  private static String threads(int count) {
    return count == 1 ? "1 thread" : count + " threads";
  }

  /** Whether {@code candidate} is busier than every other transform in {@code fused}. */
  private static boolean dominates(StageMetrics candidate, List<StageMetrics> fused) {
    for (StageMetrics transform : fused) {
      if (transform != candidate && transform.busyFraction() >= candidate.busyFraction()) {
        return false;
      }
    }
    return true;
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
