package dev.ingest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs the resume benchmark once, tiny, in this JVM: it works; it is not a measurement. */
class ResumeBenchmarkSmokeTest {

  @Test
  void freshAndResumedStartsBothDeliverAFirstBatch() throws Exception {
    Options options = new OptionsBuilder()
        .include("dev\\.ingest\\.bench\\.ResumeBenchmark\\.")
        .forks(0)
        .warmupIterations(0)
        .measurementIterations(1)
        .measurementTime(TimeValue.milliseconds(200))
        .param("dataMiB", "1")
        .param("kind", "tabular")
        .param("position", "0.5")
        .shouldFailOnError(true)
        .build();

    Collection<RunResult> runs = new Runner(options).run();

    assertThat(runs).hasSize(2);
    for (RunResult run : runs) {
      assertThat(run.getPrimaryResult().getScore()).as(run.getParams().getBenchmark()).isPositive();
    }
  }
}
