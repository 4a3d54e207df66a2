package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.BatchIterator;
import dev.ingest.BurnCpu;
import dev.ingest.Dataset;
import dev.ingest.PipelineMetrics;
import dev.ingest.PipelineOptions;
import dev.ingest.StageMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The map and filter functions fused on the parse workers are measured as stages of their own:
 * a row each, right after parse_example, in pipeline order, with the rows each one saw, and the
 * bottleneck names one when it dominates the workers' time.
 */
class FusedTransformMetricsTest {
  private static final int EPOCHS = 5;

  @TempDir static Path dir;
  static int total;
  static long multiplesOfThree;

  @BeforeAll
  static void write() throws IOException {
    total = IdRecords.write(dir.resolve("ids"), 70, 45, 101);
    multiplesOfThree = IdRecords.range(total).stream().filter(id -> id % 3 == 0).count();
  }

  @AfterEach
  void noPipelineThreadOutlivesItsTest() throws InterruptedException {
    assertThat(IdRecords.ingestThreadsAliveAfter(10_000)).isEmpty();
  }

  private static Dataset ids() {
    return Dataset.tfrecord(dir.resolve("ids").toString()).parseExample(IdRecords.SPEC);
  }

  private static PipelineMetrics drain(Dataset dataset) {
    try (BatchIterator iterator = dataset.iterator()) {
      while (iterator.hasNext()) {
        iterator.next().close();
      }
      return iterator.metrics();
    }
  }

  private static StageMetrics stage(PipelineMetrics metrics, String name) {
    return metrics.stages().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void anExpensiveMapIsItsOwnRowOnTheParseWorkersAndNamedAsTheBottleneck() {
    // Named as the CLI names burn_cpu; 500 µs of busy work per record is hundreds of times what
    // parsing one of these small records costs, so the relations hold on any noisy machine, and
    // five epochs of it outlast the read stage's start-up by far.
    PipelineMetrics metrics = drain(ids().map("burn_cpu(500.0 us/record)", new BurnCpu(500))
        .batch(16, false).repeat(EPOCHS).withOptions(PipelineOptions.defaults().withThreads(2)));

    assertThat(metrics.stages()).extracting(StageMetrics::name)
        .containsExactly("read", "parse_example", "map burn_cpu", "consumer");
    StageMetrics parse = stage(metrics, "parse_example");
    StageMetrics map = stage(metrics, "map burn_cpu");
    assertThat(map.elements()).isEqualTo((long) EPOCHS * total);
    assertThat(map.parallelism()).isEqualTo(2).isEqualTo(parse.parallelism());
    assertThat(map.busyFraction()).isGreaterThan(parse.busyFraction()).isBetween(0.0, 1.0);
    assertThat(map.inputWaitFraction()).isEqualTo(parse.inputWaitFraction());
    assertThat(map.latencyP50Micros()).isPositive();
    // The consumer does no work of its own, so it waits: the map is what limits. Starved by a
    // map that takes 8 ms per batch on each of 2 workers, it waits nearly all the time.
    assertThat(stage(metrics, "consumer").inputWaitFraction()).isGreaterThan(0.5);
    assertThat(metrics.bottleneck()).isEqualTo("map burn_cpu");
    assertThat(metrics.hint()).startsWith("map burn_cpu is the bottleneck")
        .contains("on 2 threads").contains("num_parallel_calls");
  }

  @Test
  void eachTransformCountsTheRowsItSawInPipelineOrder() {
    AtomicLong mapped = new AtomicLong();
    PipelineMetrics metrics = drain(ids()
        .map("before", row -> { })
        .filter("thirds", row -> row.getLong("id", 0) % 3 == 0)
        .map("after", row -> mapped.incrementAndGet())
        .batch(5, false));

    assertThat(metrics.stages()).extracting(StageMetrics::name).containsExactly(
        "read", "parse_example", "map before", "filter thirds", "map after", "batch", "consumer");
    assertThat(stage(metrics, "map before").elements()).isEqualTo(total);
    assertThat(stage(metrics, "filter thirds").elements()).isEqualTo(total);
    // A row the filter dropped reaches no later transform.
    assertThat(mapped.get()).isEqualTo(multiplesOfThree);
    assertThat(stage(metrics, "map after").elements()).isEqualTo(multiplesOfThree);
  }

  @Test
  void transformsOfOneNameGetRowsOfTheirOwn() {
    PipelineMetrics metrics = drain(ids()
        .map("burn_cpu(1.0 us/record)", new BurnCpu(1))
        .map("burn_cpu(2.0 us/record)", new BurnCpu(2))
        .batch(16, false));

    List<String> names = metrics.stages().stream().map(StageMetrics::name).toList();
    assertThat(names).containsSubsequence("parse_example", "map burn_cpu", "map burn_cpu #2");
  }
}
