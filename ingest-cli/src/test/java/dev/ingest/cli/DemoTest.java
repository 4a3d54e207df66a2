package dev.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
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

    Cli.Outcome first = Cli.run("demo");
    Cli.Outcome second = Cli.run("demo", "--progress");

    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(first.out()).contains("Generating sample image data in " + data);
    assertThat(first.out()).contains("       10000  total (4 files)", "no problems");
    // Two epochs of 10,000 records in batches of 256: 39 full batches and one of 16 per epoch.
    assertThat(first.out()).contains("20000 records in 80 batches");
    assertThat(first.out()).containsPattern("accelerator idle \\d+\\.\\d\\d% of the time");
    assertThat(first.out()).contains("parse_example", "bottleneck: ");
    String digest = first.out().replaceAll("(?s).*run digest: ([0-9a-f]{64}).*", "$1");
    assertThat(digest).hasSize(64);
    // Same data, same seed: the same batches, whatever the timing.
    assertThat(second.out()).contains("run digest: " + digest);
    assertThat(second.exitCode()).isZero();
    // Progress only when asked for (tests have no terminal), on stderr, never on stdout.
    assertThat(first.err()).isEmpty();
    assertThat(second.err().lines().reduce((earlier, later) -> later).orElseThrow())
        .startsWith("demo").contains("80/? batches", "20000 records");
    assertThat(second.out()).doesNotContain("batches/s");
    assertThat(second.out()).contains("Using the sample data already in " + data);
    assertThat(second.out()).doesNotContain("Generating");
    assertThat(data.resolve("part-00003-of-00004.tfrecord")).isRegularFile();
  }
}
