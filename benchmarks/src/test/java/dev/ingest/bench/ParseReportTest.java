package dev.ingest.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ingest.bench.JmhResults.Result;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ParseReportTest {

  @Test
  void comparesEachKindInTheSameRunAndNormalisesAllocationPerRecord() {
    List<Result> results = List.of(
        result("ExampleParseBenchmark.ingest", "tabular",
            List.of(10.0, 20.0, 30.0), List.of(1000.0, 2000.0, 3000.0), List.of(800.0, 800.0, 800.0)),
        result("ExampleParseBenchmark.protobufParseFrom", "tabular",
            List.of(5.0, 10.0, 15.0), List.of(500.0, 1000.0, 1500.0), List.of(64_000.0, 64_000.0, 64_000.0)),
        result("ExampleParseBenchmark.ingest", "image",
            List.of(1.0), List.of(100.0), List.of(0.0)));

    List<ParseReport.Row> rows = ParseReport.rows(results);

    // image has no baseline in this run, so it is not compared at all.
    assertThat(rows).singleElement().satisfies(row -> {
      assertThat(row.kind()).isEqualTo("tabular");
      assertThat(row.ratio()).isEqualTo(2.0);
      assertThat(row.lowestRatio()).isCloseTo(1000.0 / 1500.0, within(1e-9));
      assertThat(row.highestRatio()).isEqualTo(6.0);
      // 800 bytes per pass of 100 records (2000 records/s at 20 passes/s).
      assertThat(row.ingestHeapPerRecord()).hasValue(8.0);
      assertThat(row.naiveHeapPerRecord()).hasValue(640.0);
    });
    assertThat(ParseReport.render(results)).contains("| tabular | 2,000 (1,000–3,000) | 1,000 (500–1,500) | 2.00x (0.67–6.00) |");
  }

  private static Result result(String benchmark, String kind, List<Double> passes,
      List<Double> records, List<Double> heapPerPass) {
    TreeMap<String, String> params = new TreeMap<>(Map.of("kind", kind, "dataMiB", "16"));
    return new Result(benchmark, params, 1, Map.of(
        JmhResults.OPERATIONS, passes,
        "records", records,
        "bytes", records.stream().map(r -> r * 100).toList(),
        "gc.alloc.rate.norm", heapPerPass));
  }

  @Test
  void comparesThePipelineAtOneThreadAndAllCoresWithTheNaiveLoader() {
    List<Result> results = List.of(
        pipeline("PipelineBenchmark.ingest", "text", "1", List.of(100.0, 200.0, 300.0)),
        pipeline("PipelineBenchmark.ingest", "text", "0", List.of(350.0, 380.0, 400.0)),
        pipeline("PipelineBenchmark.naiveJava", "text", null, List.of(90.0, 100.0, 110.0)));

    assertThat(ParseReport.pipelineRows(results)).singleElement().satisfies(row -> {
      assertThat(row.oneThreadRatio()).isEqualTo(2.0);
      assertThat(row.allCoresRatio()).isEqualTo(3.8);
      assertThat(row.scaling()).isEqualTo(1.9);
    });
    assertThat(ParseReport.render(results)).contains("| text | 200 (100–300) | 380 (350–400) | 100 (90–110) | 2.00x | 3.80x | 1.90x |");
  }

  private static Result pipeline(String benchmark, String kind, String threads, List<Double> records) {
    TreeMap<String, String> params = new TreeMap<>(Map.of("kind", kind, "dataMiB", "32"));
    if (threads != null) {
      params.put("threads", threads);
    }
    return new Result(benchmark, params, 1, Map.of(JmhResults.OPERATIONS, List.of(1.0, 1.0, 1.0),
        "records", records));
  }
}
