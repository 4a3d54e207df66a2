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

/** {@code ingest train} on the repository's example, over a little generated data. */
class TrainCommandTest {
  private static final Path EXAMPLES = Path.of("").toAbsolutePath().getParent().resolve("examples");

  @TempDir Path dir;

  @Test
  void trainsTheExampleAndReportsTheContractsKeys() throws IOException {
    Path data = dir.resolve("tabular");
    SampleDatasets.write(SampleKind.TABULAR, data, 3000, 3, Compression.NONE, 5);

    Cli.Outcome outcome = Cli.run("train", EXAMPLES.resolve("train-tabular.yaml").toString(),
        "--set", "source.tfrecord.files.0=" + data, "--steps", "40", "--json");

    assertThat(outcome.exitCode()).as(outcome.err()).isZero();
    JsonNode report = outcome.json();
    assertThat(report.fieldNames()).toIterable().startsWith("steps", "loss_first", "loss_last",
        "steps_per_second", "idle_fraction");
    assertThat(report.get("steps").asLong()).isEqualTo(40);
    assertThat(report.get("loss_last").asDouble())
        .isLessThan(report.get("loss_first").asDouble() / 2);
    assertThat(report.get("idle_fraction").asDouble()).isBetween(0.0, 1.0);
    assertThat(report.get("steps_per_second").asDouble()).isPositive();
  }

  @Test
  void aPipelineWithoutTheColumnsIsBadUsage() {
    Cli.Outcome outcome = Cli.run("train", EXAMPLES.resolve("quickstart.yaml").toString(),
        "--json");

    assertThat(outcome.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(outcome.json().get("error").asText()).contains("'features'");
  }

  @Test
  void labelsBeyondTheClassesAreBadUsage() throws IOException {
    Path data = dir.resolve("tabular");
    SampleDatasets.write(SampleKind.TABULAR, data, 600, 1, Compression.NONE, 5);

    Cli.Outcome outcome = Cli.run("train", EXAMPLES.resolve("train-tabular.yaml").toString(),
        "--set", "source.tfrecord.files.0=" + data, "--classes", "2");

    assertThat(outcome.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(outcome.err()).contains("outside [0, 2)");
  }
}
