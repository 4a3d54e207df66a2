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
}
