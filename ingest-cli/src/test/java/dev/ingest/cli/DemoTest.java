package dev.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.sample.SampleDatasets;
import dev.ingest.tfrecord.sample.SampleKind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoTest {
  @TempDir Path home;

  @AfterEach
  void forgetHome() {
    System.clearProperty(DemoCommand.HOME_PROPERTY);
  }

  @Test
  void demoGeneratesOnceValidatesAndRunsThePipeline() {
    System.setProperty(DemoCommand.HOME_PROPERTY, home.toString());
    Path data = home.resolve("data/demo/image");

    // Two epochs keep the test short; the demo's own default is longer.
    Cli.Outcome first = Cli.run("demo", "--epochs", "2");
    Cli.Outcome second = Cli.run("demo", "--epochs", "2", "--progress");

    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(first.out()).contains("Generating sample image data in " + data);
    assertThat(first.out()).doesNotContain("generating it again");
    assertThat(first.out()).contains("       40000  total (4 files)", "no problems");
    // Two epochs of 40,000 records in batches of 256: 156 full batches and one of 64 per epoch.
    assertThat(first.out()).contains("80000 records in 314 batches");
    assertThat(first.out()).containsPattern("accelerator idle \\d+\\.\\d\\d% of the time");
    assertThat(first.out()).contains("parse_example", "bottleneck: ");
    // The first epoch and the later ones apart, in the table and in one line, with the reason.
    List<String> lines = first.out().lines().map(String::strip).toList();
    assertThat(lines).anyMatch(line -> line.matches("0 +40000 +[0-9.]+ +[0-9,]+ +[0-9.]+%"));
    assertThat(lines).anyMatch(line -> line.matches("1 +40000 +[0-9.]+ +[0-9,]+ +[0-9.]+%"));
    assertThat(lines).anyMatch(line -> line.matches("accelerator idle: epoch 0 [0-9.]+% \\(cold\\),"
        + " epoch 1 [0-9.]+% \\(warm, [0-9,]+ records/s\\)"));
    assertThat(lines).anyMatch(line -> line.startsWith("why they differ: epoch 0 runs while"));
    // The demo measures; it hashes nothing.
    assertThat(first.out()).doesNotContain("run digest");
    assertThat(second.exitCode()).isZero();
    // Progress only when asked for (tests have no terminal), on stderr, never on stdout.
    assertThat(first.err()).isEmpty();
    assertThat(second.err().lines().reduce((earlier, later) -> later).orElseThrow())
        .startsWith("demo").contains("314/? batches", "80000 records");
    assertThat(second.out()).doesNotContain("batches/s");
    assertThat(second.out()).contains("Using the sample data already in " + data);
    assertThat(second.out()).doesNotContain("Generating");
    assertThat(data.resolve("part-00003-of-00004.tfrecord")).isRegularFile();
  }

  @Test
  void sampleDataOfAnotherSizeIsGeneratedAgain() throws IOException {
    System.setProperty(DemoCommand.HOME_PROPERTY, home.toString());
    Path data = home.resolve("data/demo/image");
    // An older demo's data: fewer records under the same shard names.
    SampleDatasets.write(SampleKind.IMAGE, data, 400, 4, Compression.NONE, 42);

    Cli.Outcome outcome = Cli.run("demo", "--epochs", "2");

    assertThat(outcome.exitCode()).as(outcome.err()).isZero();
    assertThat(outcome.out()).contains("The sample data in " + data
        + " holds 400 records, not 40000: generating it again.");
    assertThat(outcome.out()).contains("       40000  total (4 files)");
  }

  @Test
  void aSingleEpochIsBadUsage() {
    System.setProperty(DemoCommand.HOME_PROPERTY, home.toString());

    Cli.Outcome outcome = Cli.run("demo", "--epochs", "1");

    assertThat(outcome.exitCode()).isEqualTo(2);
    assertThat(outcome.err()).contains("--epochs must be at least 2");
  }
}
