package dev.ingest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the cache benchmark once, tiny, in this JVM, and renders its report: every case reads
 * whole epochs (the benchmark checks its rows) and the report has a row per cache. Not a
 * measurement: nothing about speed is asserted.
 */
class CacheBenchmarkSmokeTest {

  @Test
  void everyCacheRunsBothEpochsAndTheReportComparesThem(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("cache.json");
    Options options = new OptionsBuilder()
        .include("dev\\.ingest\\.bench\\.CacheBenchmark\\.")
        .forks(0)
        .warmupIterations(0)
        .measurementIterations(1)
        .measurementTime(TimeValue.milliseconds(200))
        .param("dataMiB", "1")
        .resultFormat(ResultFormatType.JSON)
        .result(json.toString())
        .shouldFailOnError(true)
        .build();

    Collection<RunResult> runs = new Runner(options).run();

    assertThat(runs).hasSize(6);
    for (RunResult run : runs) {
      assertThat(run.getSecondaryResults().get("records").getScore())
          .as("records/s of %s %s", run.getParams().getBenchmark(), run.getParams())
          .isPositive();
    }
    String report = CacheReport.render(JmhResults.read(List.of(json)));
    assertThat(report.lines().filter(line -> line.matches("\\| (none|memory|files) \\|.*x \\[.*")))
        .hasSize(3);
  }
}
