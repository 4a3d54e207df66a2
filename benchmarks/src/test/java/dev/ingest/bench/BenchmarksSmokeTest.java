package dev.ingest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.List;
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
 * Runs every benchmark once, tiny and in this JVM, to prove that each one works: it reads or
 * copies what it should (the benchmarks check their own passes) and reports a positive rate and
 * positive bytes per second. A smoke test, not a measurement: it asserts nothing about speed.
 */
class BenchmarksSmokeTest {
  private static final List<String> BENCHMARKS =
      List.of(
          "MachineLimitsBenchmark.copy",
          "MachineLimitsBenchmark.copyIntoReadBuffer",
          "MachineLimitsBenchmark.crc32c",
          "MachineLimitsBenchmark.crc32cAllCores",
          "MachineLimitsBenchmark.crc32cInCache",
          "MachineLimitsBenchmark.pageCacheRead",
          "TFRecordReadBenchmark.advanceVerifyingCrc",
          "TFRecordReadBenchmark.advanceWithoutCrc",
          "TFRecordReadBenchmark.nextVerifyingCrc",
          "TFRecordReadBenchmark.nextWithoutCrc",
          "ExampleParseBenchmark.ingest",
          "ExampleParseBenchmark.protobufParseFrom",
          "PipelineBenchmark.ingest",
          "PipelineBenchmark.naiveJava",
          "PipelineBenchmark.tfData");

  @Test
  void everyBenchmarkRunsAndReportsPositiveThroughput() throws Exception {
    Options options =
        new OptionsBuilder()
            .include(
                "dev\\.ingest\\.bench\\.(TFRecordReadBenchmark|MachineLimitsBenchmark|ExampleParseBenchmark|PipelineBenchmark)\\.")
            .forks(0)
            .warmupIterations(1)
            .warmupTime(TimeValue.milliseconds(100))
            .measurementIterations(1)
            .measurementTime(TimeValue.milliseconds(100))
            // A 1 MiB file still spans several of the reader's 256 KiB read buffers.
            .param("fileMiB", "1")
            .param("dataMiB", "1")
            .shouldFailOnError(true)
            .build();

    Collection<RunResult> runs = new Runner(options).run();

    Set<String> ran = new TreeSet<>();
    for (RunResult run : runs) {
      String label = run.getParams().getBenchmark() + " " + run.getParams();
      Result<?> primary = run.getPrimaryResult();
      Result<?> bytes = run.getSecondaryResults().get("bytes");
      assertThat(primary.getScore()).as("passes/s of %s", label).isPositive();
      assertThat(bytes).as("bytes counter of %s", label).isNotNull();
      assertThat(bytes.getScore()).as("bytes/s of %s", label).isPositive();
      String fullName = run.getParams().getBenchmark();
      ran.add(fullName.substring(fullName.lastIndexOf('.', fullName.lastIndexOf('.') - 1) + 1));
    }
    assertThat(ran).containsExactlyInAnyOrderElementsOf(BENCHMARKS);
    // Two record sizes for the reader and the page-cache read, two piece sizes for CRC32C,
    // three dataset kinds for each parser and each pipeline, ingest and tf.data at two thread
    // counts.
    assertThat(runs).hasSize(39);
  }
}
