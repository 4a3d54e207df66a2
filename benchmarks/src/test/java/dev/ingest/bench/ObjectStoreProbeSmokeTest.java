package dev.ingest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.spi.ReadAhead;
import dev.ingest.tfrecord.sample.SampleKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs the object store probe tiny, in this JVM: the server starts, the shards go up, every case
 * reads every record (the probe checks the count of each run), the proxy sees the GETs, and the
 * report has a row per case and the ratios. Not a measurement: nothing about speed is
 * asserted.
 */
class ObjectStoreProbeSmokeTest {

  @Test
  void everyCaseReadsEveryRecordAndTheReportHasTheRatios() throws Exception {
    ObjectStoreProbe.Setup setup = new ObjectStoreProbe.Setup(4, ReadAhead.auto(), 0, 1, true,
        -1, 200);
    List<ObjectStoreProbe.KindResult> results = ObjectStoreProbe.measure(
        Map.of(SampleKind.TEXT, 600L), List.of(0L, 5L), setup);

    ObjectStoreProbe.KindResult text = results.get(0);
    assertThat(text.kind()).isEqualTo("text");
    assertThat(text.runs().keySet()).extracting(ObjectStoreProbe.Case::name).containsExactly(
        "local", "s3 without the proxy", "s3, 0 ms", "s3, 5 ms", "naive, 0 ms", "naive, 5 ms");
    text.runs().forEach((each, runs) -> assertThat(runs).singleElement().satisfies(run -> {
      assertThat(run.recordsPerSecond()).isPositive();
      if (each.throughProxy()) {
        // At least one GET per shard, and the listing; the other cases pass it by.
        assertThat(run.gets()).isGreaterThan(4);
      } else {
        assertThat(run.gets()).isZero();
      }
    }));

    String report = ObjectStoreProbe.render(results, List.of(0L, 5L), setup);
    assertThat(report.lines().filter(line -> line.matches(
        "\\| (local|s3 without the proxy|s3, \\d+ ms|naive, \\d+ ms) \\|.*")))
        .hasSize(6);
    assertThat(report).contains("| s3 at 5 ms / s3 at 0 ms |", "| s3 at 5 ms / naive at 5 ms |",
        "| s3 at 0 ms / local |", "| s3 at 0 ms / s3 without the proxy |");
  }
}
