package dev.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.sample.SampleDatasets;
import dev.ingest.tfrecord.sample.SampleKind;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each config under the repository's examples/ runs on a little generated data. */
class ExamplesTest {
  // Surefire runs in the module's folder; the examples are at the repository root.
  private static final Path EXAMPLES = Path.of("").toAbsolutePath().getParent().resolve("examples");

  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({
    // example, kind, records, batch size, drop remainder, epochs in the file
    "quickstart.yaml, IMAGE, 600, 256, false, 2",
    "tabular.yaml, TABULAR, 2500, 1024, true, 1",
    "train-tabular.yaml, TABULAR, 1000, 256, true, 5",
    "text-padded.yaml, TEXT, 300, 64, false, 1"
  })
  void runs(String example, SampleKind kind, int records, int batchSize, boolean drop, int epochs)
      throws IOException {
    Path data = dir.resolve("data");
    SampleDatasets.write(kind, data, records, 2, Compression.NONE, 1);

    Cli.Outcome outcome = Cli.run("run", EXAMPLES.resolve(example).toString(),
        "--set", "source.tfrecord.files.0=" + data, "--json");

    assertThat(outcome.exitCode()).as(outcome.err()).isZero();
    JsonNode report = outcome.json();
    int perEpoch = drop ? records / batchSize : (records + batchSize - 1) / batchSize;
    assertThat(report.get("batches").asLong()).isEqualTo((long) perEpoch * epochs);
    assertThat(report.get("records").asLong())
        .isEqualTo((long) (drop ? perEpoch * batchSize : records) * epochs);
  }

  /**
   * The global-shuffle example on indexed data: every record once per epoch, in global batches
   * of its batch_size; and what explain says of it, which needs no runtime.
   */
  @Test
  void theGlobalShuffleExampleReadsIndexedShardsInGlobalBatches() throws IOException {
    Path data = dir.resolve("data");
    SampleDatasets.write(SampleKind.IMAGE, data, 600, 4, Compression.NONE, 1);
    String example = EXAMPLES.resolve("global-shuffle.yaml").toString();
    String files = "source.tfrecord.files.0=" + data;

    Cli.Outcome explained = Cli.run("explain", example, "--set", files, "--json");
    assertThat(explained.exitCode()).as(explained.err()).isZero();
    assertThat(explained.json().at("/spec/shuffle/mode").asText()).isEqualTo("global");
    assertThat(explained.json().at("/spec/source/tfrecord/index").asText()).isEqualTo("require");

    assertThat(Cli.run("index", data.toString()).exitCode()).isZero();
    Cli.Outcome outcome = Cli.run("run", example, "--set", files, "--json");

    assertThat(outcome.exitCode()).as(outcome.err()).isZero();
    // 600 records, batch_size 256 with drop_remainder, 2 epochs.
    assertThat(outcome.json().get("batches").asLong()).isEqualTo(4);
    assertThat(outcome.json().get("records").asLong()).isEqualTo(4 * 256);
  }
}
