package dev.ingest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link IdleTimeBenchmark} once, tiny and in this JVM, for every feed and dataset kind: each
 * hands over batches, and its counters hold what they mean. Not a measurement: nothing about how
 * fast or how idle.
 */
class IdleTimeBenchmarkSmokeTest {
  private static final long STEP_MICROS = 200;

  @Test
  void everyFeedReportsBatchesAndAnIdleFractionOfItsSteps() throws Exception {
    Options options =
        new OptionsBuilder()
            .include("dev\\.ingest\\.bench\\.IdleTimeBenchmark\\.")
            .forks(0)
            .warmupIterations(1)
            .warmupTime(TimeValue.milliseconds(100))
            .measurementIterations(1)
            .measurementTime(TimeValue.milliseconds(200))
            .param("dataMiB", "1")
            .param("stepMicros", Long.toString(STEP_MICROS))
            .param("batchSize", "64")
            .param("prefetch", "2")
            .shouldFailOnError(true)
            .build();

    Collection<RunResult> runs = new Runner(options).run();

    Set<String> ran = new TreeSet<>();
    for (RunResult run : runs) {
      String label = run.getParams().getBenchmark() + " " + run.getParams();
      Result<?> idle = run.getSecondaryResults().get("idleFraction");
      Result<?> wait = run.getSecondaryResults().get("waitMicrosPerBatch");
      Result<?> step = run.getSecondaryResults().get("stepMicrosPerBatch");
      assertThat(run.getPrimaryResult().getScore()).as("batches/s of %s", label).isPositive();
      assertThat(idle.getScore()).as("idle fraction of %s", label).isBetween(0.0, 1.0);
      assertThat(wait.getScore()).as("wait of %s", label).isNotNegative();
      // A step parks about as long as asked (its parks are shortened by how late they wake, so
      // some steps end a little early); a step that did not park would take no time at all.
      assertThat(step.getScore()).as("step of %s", label).isGreaterThan(STEP_MICROS * 0.5);
      // The idle fraction is the wait's share of wait and step, as the run report defines it.
      assertThat(idle.getScore()).as("idle fraction of %s", label)
          .isCloseTo(wait.getScore() / (wait.getScore() + step.getScore()),
              org.assertj.core.api.Assertions.within(1e-9));
      ran.add(run.getParams().getBenchmark().replaceAll(".*\\.", "") + " "
          + run.getParams().getParam("kind"));
    }
    assertThat(ran).containsExactlyInAnyOrder(
        "ingest image", "ingest tabular", "ingest text",
        "tfData image", "tfData tabular", "tfData text",
        "naive image", "naive tabular", "naive text");
  }
}
