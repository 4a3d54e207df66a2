package dev.ingest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link AutotuneBenchmark} once, tiny and in this JVM, for a grid setting and auto on both
 * map costs, and renders {@link AutotuneReport}'s table from it: every pipeline gets a row with a
 * best setting and a ratio. A smoke test, not a measurement: nothing about how fast.
 */
class AutotuneBenchmarkSmokeTest {

  @Test
  void everySettingReportsRecordsAndTheReportComparesAutoWithTheBest() throws Exception {
    Options options = new OptionsBuilder()
        .include("dev\\.ingest\\.bench\\.AutotuneBenchmark\\.")
        .forks(0)
        .warmupIterations(1)
        .warmupTime(TimeValue.milliseconds(100))
        .measurementIterations(1)
        .measurementTime(TimeValue.milliseconds(100))
        .param("dataMiB", "1")
        .param("kind", "tabular")
        .param("setting", "1x2", AutotuneBenchmark.AUTO)
        .param("mapMicros", "0", "5")
        .shouldFailOnError(true)
        .build();

    Collection<RunResult> runs = new Runner(options).run();

    assertThat(runs).hasSize(4);
    List<AutotuneReport.Point> points = AutotuneReport.points(runs);
    assertThat(points).hasSize(4)
        .allSatisfy(point -> assertThat(point.recordsPerSecond()).isNotEmpty()
            .allMatch(recordsPerSecond -> recordsPerSecond > 0));
    List<AutotuneReport.Row> rows = AutotuneReport.rows(points);
    assertThat(rows).extracting(AutotuneReport.Row::pipeline)
        .containsExactly("tabular, map 0 µs/record", "tabular, map 5 µs/record");
    assertThat(rows).allSatisfy(row -> {
      assertThat(row.bestSetting()).isEqualTo("1x2");
      assertThat(row.ratio()).isPositive();
    });
    assertThat(AutotuneReport.render(rows)).contains("| tabular, map 0 µs/record | 1x2 |");
  }
}
