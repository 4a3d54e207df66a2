package dev.ingest.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ingest.bench.JmhResults.Result;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The published figures read back as the report computed them, notes and all. */
class PipelineFiguresTest {

  private static List<Result> fixture() throws Exception {
    return JmhResults.read(List.of(
        Path.of(PipelineFiguresTest.class.getResource("fixture-pipeline.json").toURI())));
  }

  @Test
  void aRunsFiguresReadBackAsTheReportComputedThem() throws Exception {
    List<PipelineReport.IdlePoint> idle = PipelineReport.idlePoints(fixture());
    List<PipelineReport.ThroughputRow> throughput = PipelineReport.throughputRows(fixture());
    List<String> lines = new ArrayList<>(List.of("# measured: a made-up run", "# machine: none"));
    lines.addAll(PipelineFigures.toCsv(idle, throughput).lines().toList());

    PipelineFigures.Figures figures = PipelineFigures.parse(lines);

    assertThat(figures.notes()).containsExactly("measured: a made-up run", "machine: none");
    assertThat(figures.idle()).isEqualTo(idle);
    PipelineReport.ThroughputRow written = throughput.get(0);
    PipelineReport.ThroughputRow read = figures.throughput().get(0);
    assertThat(read.kind()).isEqualTo(written.kind());
    assertThat(read.ingestOneThread()).isEqualTo(written.ingestOneThread());
    assertThat(read.ingestAllCores()).isEqualTo(written.ingestAllCores());
    assertThat(read.tfDataOneThread()).isEqualTo(written.tfDataOneThread());
    assertThat(read.tfDataAllCores()).isEqualTo(written.tfDataAllCores());
    assertThat(read.naive()).isEqualTo(written.naive());
    assertThat(read.ingestHeapAllCores()).isEqualTo(written.ingestHeapAllCores());
    assertThat(read.naiveHeap()).isEqualTo(written.naiveHeap());
    assertThat(read.versusTfDataAllCores()).isEqualTo(written.versusTfDataAllCores());
  }

  @Test
  void aLineWithTheWrongNumberOfCellsIsRefusedWithTheLine() {
    List<String> lines = List.of(PipelineFigures.HEADER, "idle_fraction,tabular,0,250,ingest,0.1");

    assertThatThrownBy(() -> PipelineFigures.parse(lines))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("idle_fraction,tabular,0,250,ingest,0.1");
  }
}
