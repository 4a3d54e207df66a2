package dev.ingest.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ingest.bench.JmhResults.Result;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline report on a small fixture: tabular data only, two step times, both thread counts,
 * and a headroom search of three probes. The figures are made up so that each rendered number can
 * be checked by hand.
 */
class PipelineReportTest {
  @TempDir Path folder;

  private static List<Result> fixture() throws Exception {
    return JmhResults.read(List.of(resource("fixture-pipeline.json")));
  }

  private static JsonNode headroomFixture() throws Exception {
    return new ObjectMapper().readTree(resource("fixture-headroom.json").toFile());
  }

  private static Path resource(String name) throws Exception {
    return Path.of(PipelineReportTest.class.getResource(name).toURI());
  }

  @Test
  void pairsTheThreeFeedsAtEachStepTime() throws Exception {
    List<PipelineReport.IdlePoint> points = PipelineReport.idlePoints(fixture());

    assertThat(points).extracting(PipelineReport.IdlePoint::stepMicros).containsExactly(250L, 1000L);
    PipelineReport.IdlePoint slow = points.get(1);
    assertThat(slow.ingest().median()).isEqualTo(0.001);
    assertThat(slow.tfData().median()).isEqualTo(0.30);
    // The naive loader has no threads parameter and is still paired with the pipelines.
    assertThat(slow.naive().median()).isEqualTo(0.60);
    assertThat(slow.naiveWait().median()).isEqualTo(1600.0);
    assertThat(PipelineReport.render(fixture(), Optional.empty(), List.of()))
        .contains("| tabular | 0 | 1000 | 0.10% (0.00–0.20) | 30.00% (20.00–40.00) |"
            + " 60.00% (55.00–65.00) | 2.0 (1.0–3.0) | 500.0 (400.0–600.0) |"
            + " 1600.0 (1500.0–1700.0) |");
  }

  @Test
  void comparesIngestWithTfDataAtTheSameThreadsAndNormalisesAllocationPerRecord()
      throws Exception {
    PipelineReport.ThroughputRow row = PipelineReport.throughputRows(fixture()).get(0);

    assertThat(row.versusTfDataAllCores().median()).isEqualTo(4.0);
    assertThat(row.versusTfDataAllCores().lowest()).isCloseTo(1.8e6 / 6.0e5, within(1e-9));
    assertThat(row.versusTfDataAllCores().highest()).isCloseTo(2.2e6 / 4.0e5, within(1e-9));
    assertThat(row.versusTfDataOneThread().median()).isCloseTo(1.2e6 / 2.5e5, within(1e-9));
    assertThat(row.scaling().median()).isCloseTo(2.0e6 / 1.2e6, within(1e-9));
    // 800,000 bytes per pass of 200,000 records; tf.data 2,000,000.
    assertThat(row.ingestHeapAllCores().median()).isCloseTo(4.0, within(1e-9));
    assertThat(row.naiveHeap().median()).isCloseTo(2000.0, within(1e-9));
    String report = PipelineReport.render(fixture(), Optional.empty(), List.of());
    assertThat(report).contains("| tabular | 1,200,000 (1,000,000–1,400,000) |"
        + " 2,000,000 (1,800,000–2,200,000) | 250,000 (200,000–300,000) |"
        + " 500,000 (400,000–600,000) | 700,000 (600,000–800,000) | 4.80x (3.33–7.00) |"
        + " 4.00x (3.00–5.50) | 2.86x (2.25–3.67) | 1.67x (1.29–2.20) | 340 |");
    assertThat(report).contains("| tabular | 2.0 (2.0–2.0) | 4.0 (4.0–4.0) | 10.0 (10.0–10.0) |"
        + " 2000.0 (2000.0–2000.0) |");
  }

  @Test
  void headroomIsTheHighestShareAchievedWhereTheConsumerWasFed() throws Exception {
    List<PipelineReport.Headroom> rows = PipelineReport.headroom(headroomFixture());

    assertThat(rows).singleElement().satisfies(row -> {
      assertThat(row.batchSize()).isEqualTo(1024);
      assertThat(row.probes()).extracting(PipelineReport.HeadroomProbe::fed)
          .containsExactly(true, true, false);
      assertThat(row.probes().get(1).achieved().median()).isCloseTo(0.89, within(1e-9));
      // The 95% probe achieved more (91%) but starved: the headroom is the fed 89%.
      assertThat(row.fedShare()).isCloseTo(0.89, within(1e-9));
    });
    String report = PipelineReport.render(fixture(), Optional.of(headroomFixture()), List.of());
    // Capacity in records/s: batches/s times the batch of 1024.
    assertThat(report).contains("| tabular | 1024 | 90% | 1,024,000 (983,040–1,044,480) |"
        + " 89% (88–90) | 0.60% (0.40–0.90) | yes |");
    assertThat(report).contains("| 95% | 1,024,000 (1,013,760–1,034,240) | 91% (90–92) |"
        + " 3.00% (2.00–5.00) | no |");
    assertThat(report).contains("Headroom, the highest share achieved where fed: tabular 89%.");
  }

  @Test
  void drawsAnIdleChartPerKindAThroughputChartAndASpeedupChart() throws Exception {
    List<Result> results = fixture();
    List<String> charts = PipelineCharts.write(folder, PipelineReport.idlePoints(results),
        PipelineReport.throughputRows(results));

    assertThat(charts).containsExactly("idle-tabular.png", "throughput.png", "speedups.png");
    for (String chart : charts) {
      BufferedImage image = ImageIO.read(folder.resolve(chart).toFile());
      assertThat(image).as(chart).isNotNull();
      assertThat(image.getWidth()).isEqualTo(PipelineCharts.WIDTH);
      assertThat(image.getHeight()).isEqualTo(PipelineCharts.HEIGHT);
    }
    assertThat(PipelineReport.render(results, Optional.empty(), charts))
        .contains("![idle-tabular.png](idle-tabular.png)");
    assertThat(Files.list(folder)).hasSize(3);
  }
}
