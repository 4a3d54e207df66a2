package dev.ingest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link HeadroomBenchmark} once, tiny and in this JVM: each iteration measures a capacity
 * before it and reports the share its consumer achieved. Not a measurement: nothing about how
 * fast or how idle.
 */
class HeadroomBenchmarkSmokeTest {

  @Test
  void everyIterationReportsTheCapacityBeforeItAndTheShareAchieved() throws Exception {
    Options options =
        new OptionsBuilder()
            .include("dev\\.ingest\\.bench\\.HeadroomBenchmark\\.")
            .forks(0)
            .warmupIterations(1)
            .warmupTime(TimeValue.milliseconds(100))
            .measurementIterations(2)
            .measurementTime(TimeValue.milliseconds(300))
            .param("kind", "tabular")
            .param("dataMiB", "1")
            .param("load", "0.5")
            .param("batchSize", "64")
            .param("prefetch", "2")
            .shouldFailOnError(true)
            .build();

    Collection<RunResult> runs = new Runner(options).run();

    assertThat(runs).singleElement().satisfies(run -> {
      Collection<IterationResult> iterations =
          run.getBenchmarkResults().iterator().next().getIterationResults();
      assertThat(iterations).hasSize(2).allSatisfy(iteration -> {
        double capacity =
            iteration.getSecondaryResults().get("capacityBatchesPerSecond").getScore();
        double achieved = iteration.getSecondaryResults().get("achievedLoad").getScore();
        double batchesPerSecond = iteration.getPrimaryResult().getScore();
        assertThat(capacity).isPositive();
        // Half the capacity asked: the consumer steps, so it runs well below the capacity, and
        // the share it reports is its own rate over that capacity.
        assertThat(achieved).isBetween(0.1, 0.9);
        assertThat(achieved).isCloseTo(batchesPerSecond / capacity,
            org.assertj.core.api.Assertions.within(0.15));
        assertThat(iteration.getSecondaryResults().get("idleFraction").getScore())
            .isBetween(0.0, 1.0);
      });
    });
  }
}
