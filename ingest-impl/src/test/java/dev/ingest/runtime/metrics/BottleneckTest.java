package dev.ingest.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.PipelineMetrics;
import dev.ingest.StageMetrics;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bottleneck among read, the parse workers (parsing plus the transforms fused on them) and
 * batch, and which part of the parse workers' time it names.
 */
class BottleneckTest {
  private static StageMetrics stage(String name, int threads, double busy) {
    return new StageMetrics(name, threads, 1, busy, 0, 0);
  }

  /** A consumer that waits half the time: the pipeline does not keep up. */
  private static final StageMetrics WAITING_CONSUMER = new StageMetrics("consumer", 1, 1, 0.5,
      0.5, 0);

  private static PipelineMetrics name(double read, double parse, StageMetrics... fused) {
    List<StageMetrics> stages = new ArrayList<>();
    stages.add(stage("read", 1, read));
    stages.add(stage("parse_example", 2, parse));
    stages.addAll(List.of(fused));
    stages.add(WAITING_CONSUMER);
    return Bottleneck.name(stages, List.of(fused));
  }

  @Test
  void aTransformThatDominatesTheParseWorkersIsNamed() {
    PipelineMetrics metrics = name(0.3, 0.1, stage("map burn_cpu", 2, 0.8),
        stage("filter keep", 2, 0.05));

    assertThat(metrics.bottleneck()).isEqualTo("map burn_cpu");
    assertThat(metrics.hint()).isEqualTo("map burn_cpu is the bottleneck: it takes 80% of the"
        + " parse workers' time on 2 threads (parsing 10%); raise its num_parallel_calls"
        + " (options.threads, the parse workers it runs on) or make it cheaper");
  }

  @Test
  void parsingNamedWhenNoTransformTakesMoreThanIt() {
    assertThat(name(0.3, 0.5, stage("map cheap", 2, 0.4)).bottleneck())
        .isEqualTo("parse_example");
  }

  @Test
  void parsingNamedWhenTwoTransformsShareTheWorkersEvenly() {
    PipelineMetrics metrics = name(0.3, 0.1, stage("map a", 2, 0.4), stage("map b", 2, 0.4));

    assertThat(metrics.bottleneck()).isEqualTo("parse_example");
    assertThat(metrics.hint()).contains("the parse workers are 90% busy on 2 threads, 10% parsing,"
        + " the rest in the map and filter functions");
  }

  @Test
  void theParseWorkersCompeteWithReadAsOneGroup() {
    // Neither part alone is busier than read; together they are.
    assertThat(name(0.5, 0.2, stage("map burn_cpu", 2, 0.35)).bottleneck())
        .isEqualTo("map burn_cpu");
    assertThat(name(0.6, 0.2, stage("map burn_cpu", 2, 0.35)).bottleneck()).isEqualTo("read");
  }

  @Test
  void aBusyReadIsToldOfReaderThreads() {
    PipelineMetrics metrics = name(0.9, 0.2, stage("map burn_cpu", 2, 0.1));

    assertThat(metrics.bottleneck()).isEqualTo("read");
    assertThat(metrics.hint()).startsWith("read is the bottleneck (90% busy)")
        .contains("num_parallel_calls", "cycle_length");
  }

  @Test
  void batchMustBeBusierThanTheWholeParseGroup() {
    List<StageMetrics> fused = List.of(stage("map burn_cpu", 2, 0.5));
    List<StageMetrics> stages = List.of(stage("read", 1, 0.1), stage("parse_example", 2, 0.2),
        fused.get(0), stage("batch", 1, 0.6), WAITING_CONSUMER);

    assertThat(Bottleneck.name(stages, fused).bottleneck()).isEqualTo("map burn_cpu");
  }

  @Test
  void aPipelineThatKeepsUpNamesTheConsumer() {
    List<StageMetrics> fused = List.of(stage("map burn_cpu", 2, 0.9));
    List<StageMetrics> stages = List.of(stage("read", 1, 0.1), stage("parse_example", 2, 0.05),
        fused.get(0), new StageMetrics("consumer", 1, 1, 0.99, 0.01, 0));

    assertThat(Bottleneck.name(stages, fused).bottleneck()).isEqualTo("consumer");
  }

  @Test
  void labelsDropABuiltInsParametersAndAnUnnamedTransformsRepeatedKind() {
    assertThat(FusedTransformClocks.label("map", "burn_cpu(40.0 us/record)"))
        .isEqualTo("map burn_cpu");
    assertThat(FusedTransformClocks.label("map", "com.example.Normalize"))
        .isEqualTo("map com.example.Normalize");
    assertThat(FusedTransformClocks.label("filter", "filter")).isEqualTo("filter");
  }
}
