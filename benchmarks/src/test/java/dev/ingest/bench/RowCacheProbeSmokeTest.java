package dev.ingest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs the row cache probe tiny, in this JVM: every kind gets both epochs of both pipelines and
 * an allocation figure, and the report has a row per kind. Not a measurement: nothing about speed
 * is asserted.
 */
class RowCacheProbeSmokeTest {

  @Test
  void everyKindRunsBothPipelinesAndTheReportComparesThem() throws Exception {
    List<RowCacheProbe.KindResult> results = RowCacheProbe.measure(3000, 2, 1);
    assertThat(results).extracting(RowCacheProbe.KindResult::kind)
        .containsExactly("tabular", "image", "text");
    for (RowCacheProbe.KindResult kind : results) {
      assertThat(kind.cached()).hasSize(2).allSatisfy(epochs -> {
        assertThat(epochs.firstPerSecond()).isPositive();
        assertThat(epochs.secondPerSecond()).isPositive();
        assertThat(epochs.secondBytesPerRecord()).isPositive();
      });
      assertThat(kind.uncached()).hasSize(2);
    }
    String report = RowCacheProbe.render(results, 1);
    assertThat(report.lines().filter(line -> line.matches("\\| (tabular|image|text) \\|.*\\|")))
        .hasSize(3);
  }

  @Test
  void inFilesALaterRunLoadsTheCacheAndTheReportSaysSo() throws Exception {
    List<RowCacheProbe.KindResult> results = RowCacheProbe.measure(3000, 1, 1, true);
    for (RowCacheProbe.KindResult kind : results) {
      assertThat(kind.cached()).singleElement()
          .satisfies(epochs -> assertThat(epochs.laterRunFirstPerSecond()).isPositive());
    }
    assertThat(RowCacheProbe.render(results, 1, true)).contains("cache(files)", "loads the file");
  }
}
