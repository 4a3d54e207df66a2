package dev.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./ingest} launcher as a user runs it, a separate process per command: the exit codes
 * of CONTRACTS.md section 2 reach the shell. Runs after {@code package} (failsafe), so the
 * launcher finds the jar just built and starts it without building.
 */
class LauncherIT {
  private static final long TIMEOUT_SECONDS = 300;
  @TempDir static Path dir;
  static Path launcher;

  @BeforeAll
  static void findTheLauncher() {
    // Maven runs the module's tests in the module's folder; the launcher is one level up.
    launcher = Path.of("").toAbsolutePath().getParent().resolve("ingest");
    assertThat(launcher).isExecutable();
  }

  record Outcome(int exitCode, String out, String err) {}

  static Outcome ingest(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(launcher.toString()));
    command.addAll(List.of(args));
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process process = new ProcessBuilder(command)
        .directory(dir.toFile())
        .redirectOutput(out.toFile())
        .redirectError(err.toFile())
        .start();
    assertThat(process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
    return new Outcome(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void everyExitCodeReachesTheShell() throws Exception {
    Outcome help = ingest("--help");
    assertThat(help.exitCode()).as(help.err()).isZero();
    assertThat(help.out()).contains("gen", "count", "validate", "inspect", "explain", "run");

    Outcome gen = ingest("gen", "--kind", "tabular", "--out", "data", "--records", "300",
        "--shards", "2");
    assertThat(gen.exitCode()).as(gen.err()).isZero();
    Outcome count = ingest("count", "--json", "data");
    assertThat(count.exitCode()).as(count.err()).isZero();
    assertThat(count.out().strip().lines().reduce((a, b) -> b).orElseThrow())
        .contains("\"total\":300");

    assertThat(ingest("count", "--no-such-flag", "data").exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(ingest("frobnicate").exitCode()).isEqualTo(ExitCode.USAGE);

    Path config = dir.resolve("bad.yaml");
    Files.writeString(config, "version: 1\nsource: {tfrecord: {files: [data]}}\nstages: []\n");
    Outcome explain = ingest("explain", config.toString());
    assertThat(explain.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(explain.err() + explain.out()).contains("stages");

    Path shard = Files.list(dir.resolve("data")).sorted().findFirst().orElseThrow();
    try (var channel = Files.newByteChannel(shard, StandardOpenOption.WRITE)) {
      channel.position(20);
      channel.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
    }
    Outcome validate = ingest("validate", "--json", "data");
    assertThat(validate.exitCode()).isEqualTo(ExitCode.BAD_DATA);
    assertThat(validate.out()).contains(shard.getFileName().toString());

    Outcome missing = ingest("count", "no-such-folder");
    assertThat(missing.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(missing.err()).contains("no-such-folder");
  }
}
