package dev.ingest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Each way {@link TensorBridgeBenchmark} times makes tensors of the batch's full size, called
 * directly (no JMH runner, so it does not contend for JMH's machine-wide lock); and the report
 * turns iterations into times per batch and the speed-up of medians.
 */
class TensorBridgeBenchmarkTest {

  @Test
  void everyWayMakesTensorsOfTheWholeBatch() throws Exception {
    TensorBridgeBenchmark.TabularBatch state = new TensorBridgeBenchmark.TabularBatch();
    state.rows = 64;
    state.parse();
    try {
      long bytes = 64L * 32 * Float.BYTES + 64L * Long.BYTES;
      TensorBridgeBenchmark benchmark = new TensorBridgeBenchmark();
      assertThat(benchmark.bridge(state)).isEqualTo(bytes);
      assertThat(benchmark.naive(state)).isEqualTo(bytes);
      assertThat(benchmark.allocateOnly(state)).isEqualTo(bytes);
    } finally {
      state.release();
    }
  }

  @Test
  void theReportGivesMicrosPerBatchAndTheSpeedUpOfMedians() {
    List<JmhResults.Result> results = List.of(
        result("bridge", 100_000, 200_000, 250_000),
        result("naive", 10_000, 20_000, 25_000),
        result("allocateOnly", 400_000, 500_000, 1_000_000));

    String report = TensorBridgeReport.render(results);

    // bridge 5 µs median [4, 10], naive 50 [40, 100], allocation 2 [1, 2.5]: copies 3 and 48 µs,
    // speed-up 10x, range naive min / bridge max = 4x to naive max / bridge min = 25x.
    assertThat(report).contains("| 256 | 5.00 [4.00, 10.00] | 50.00 [40.00, 100.00] |"
        + " 2.00 [1.00, 2.50] | 3.00 | 48.00 | 10.0x [4.0, 25.0] |");
  }

  private static JmhResults.Result result(String method, double... opsPerSecond) {
    Map<String, List<Double>> metrics = new LinkedHashMap<>();
    metrics.put(JmhResults.OPERATIONS, java.util.Arrays.stream(opsPerSecond).boxed().toList());
    return new JmhResults.Result("TensorBridgeBenchmark." + method,
        new TreeMap<>(Map.of("rows", "256")), 1, metrics);
  }
}
