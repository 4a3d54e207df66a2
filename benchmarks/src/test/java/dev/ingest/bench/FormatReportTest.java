package dev.ingest.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ingest.bench.FormatReport.Fraction;
import dev.ingest.bench.JmhResults.Result;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class FormatReportTest {
  private static final double EPSILON = 1e-9;

  @Test
  void perThreadLimitAddsTheTimesOfBothPasses() {
    // 1 byte takes 1/4e9 s to copy and 1/12e9 s to checksum: 1/3e9 s in all.
    assertThat(FormatReport.perThreadLimit(4e9, 12e9)).isCloseTo(3e9, within(1.0));
    assertThat(FormatReport.perThreadLimit(2e9, 2e9)).isCloseTo(1e9, within(1.0));
  }

  @Test
  void medianOfOddAndEvenCounts() {
    Spread odd = Spread.of(List.of(5.0, 1.0, 3.0));
    assertThat(odd.median()).isEqualTo(3.0);
    assertThat(odd.min()).isEqualTo(1.0);
    assertThat(odd.max()).isEqualTo(5.0);
    assertThat(odd.count()).isEqualTo(3);
    assertThat(Spread.of(List.of(4.0, 1.0, 3.0, 2.0)).median()).isEqualTo(2.5);
    assertThat(Spread.of(List.of()).isEmpty()).isTrue();
  }

  @Test
  void readerFractionOfTheLimitFromAFixedRun() throws Exception {
    List<Result> results = JmhResults.read(List.of(fixture("fixture-results.json")));

    List<Fraction> fractions = FormatReport.fractions(results);

    assertThat(fractions).hasSize(2);
    Fraction verifying = fractions.get(0);
    assertThat(verifying.recordBytes()).isEqualTo(3072);
    assertThat(verifying.path().method()).isEqualTo("nextVerifyingCrc");
    // copy median 4e9, CRC32C median of {1.0, 1.2, 1.2, 1.5}e10 = 1.2e10: limit 3e9.
    assertThat(verifying.limit()).isCloseTo(3e9, within(1.0));
    assertThat(verifying.reader().median()).isEqualTo(2.55e9);
    assertThat(verifying.fraction()).isCloseTo(0.85, within(EPSILON));
    assertThat(verifying.meetsTarget()).isTrue();
    // Widest range: worst reader iteration against the best limit, and the other way round.
    assertThat(verifying.lowestFraction())
        .isCloseTo(2.1e9 / FormatReport.perThreadLimit(5e9, 1.5e10), within(EPSILON));
    assertThat(verifying.highestFraction())
        .isCloseTo(2.7e9 / FormatReport.perThreadLimit(3e9, 1e10), within(EPSILON));
    // Limit B: page-cache read 2e9 with CRC32C in cache, median of {1.8, 2.2}e10 = 2e10.
    assertThat(verifying.readLimit())
        .isCloseTo(FormatReport.perThreadLimit(2e9, 2e10), within(1.0));
    assertThat(verifying.readFraction()).isCloseTo(2.55e9 * (1 / 2e9 + 1 / 2e10), within(EPSILON));

    Fraction withoutCrc = fractions.get(1);
    assertThat(withoutCrc.path().method()).isEqualTo("nextWithoutCrc");
    // Without CRCs the limit is the copy bandwidth alone.
    assertThat(withoutCrc.limit()).isEqualTo(4e9);
    assertThat(withoutCrc.fraction()).isCloseTo(0.9, within(EPSILON));
    // ... and to the page-cache read alone under limit B.
    assertThat(withoutCrc.readLimit()).isEqualTo(2e9);
  }

  @Test
  void roundsOfTheSameBenchmarkAreMerged() throws Exception {
    List<Result> results =
        JmhResults.read(
            List.of(fixture("fixture-results.json"), fixture("fixture-second-round.json")));

    Fraction verifying = FormatReport.fractions(results).get(0);

    assertThat(verifying.reader().count()).isEqualTo(4);
    // {2.1, 2.5, 2.55, 2.7}e9: median 2.525e9.
    assertThat(verifying.reader().median()).isCloseTo(2.525e9, within(1.0));
    assertThat(verifying.fraction()).isCloseTo(2.525 / 3.0, within(EPSILON));
  }

  @Test
  void heapBytesPerRecordIsBytesPerPassOverRecordsPerPass() throws Exception {
    List<Result> results = JmhResults.read(List.of(fixture("fixture-results.json")));
    Result reader =
        results.stream()
            .filter(result -> result.benchmark().equals("TFRecordReadBenchmark.nextVerifyingCrc"))
            .findFirst()
            .orElseThrow();

    // 960000 B per pass; 800000 records/s at 40 passes/s is 20000 records per pass.
    assertThat(FormatReport.heapBytesPerRecord(reader)).hasValue(48.0);
  }

  @Test
  void renderedReportShowsTheFractionAndTheDiskCheck() throws Exception {
    List<Result> results = JmhResults.read(List.of(fixture("fixture-results.json")));

    String report = FormatReport.render(results, 1);

    assertThat(report)
        .contains("| 3072 B | next(), CRC on (default) | 2550 (2100–2700) | 3000 "
            + "| 85% (56%–117%) | yes | 1818 | 140% |")
        // 3.6e9 against the copy bandwidth's median 4e9, its highest 5e9 and its lowest 3e9.
        .contains("| 3072 B | next(), CRC off | 3600 (3600–3600) | 4000 "
            + "| 90% (72%–120%) | yes | 2000 | 180% |")
        .contains("| 3072 B | 4000 (3000–5000) | 12000 (10000–15000) | 2000 (2000–2000) "
            + "| 20000 (18000–22000) | 3000 | 1818 |")
        .contains("| TFRecordReadBenchmark.nextVerifyingCrc | fileMiB=64, recordBytes=3072 | 1 "
            + "| 2550 (2100–2700) | 3 | 800000 | 48.0 | 12 |");
  }

  private static Path fixture(String name) throws IOException, URISyntaxException {
    return Path.of(FormatReportTest.class.getResource(name).toURI());
  }
}
