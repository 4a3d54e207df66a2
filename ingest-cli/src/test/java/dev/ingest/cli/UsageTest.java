package dev.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** --help, bad usage (exit 2), failed generation (exit 1). */
class UsageTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"gen", "count", "validate", "index", "inspect", "run", "explain", "demo"})
  void everyCommandHasHelp(String command) {
    Cli.Outcome help = Cli.run(command, "--help");

    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).startsWith("Usage: ingest " + command);
  }

  @Test
  void theTopLevelHelpListsTheCommands() {
    Cli.Outcome help = Cli.run("--help");

    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("gen", "count", "validate", "index", "inspect", "run", "explain", "demo");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "frobnicate",
        "gen --out x",
        "gen --kind video --out x",
        "gen --kind image",
        "gen --kind image --out x --compression auto",
        "gen --kind image --out x --compression lz4",
        "gen --kind image --out x --shards 0",
        "gen --kind image --out x --records -1",
        "gen --kind image --out x --records many",
        "count",
        "count --compression lz4 x",
        "validate --no-such-flag x"
      })
  void badUsageExitsWithTwoAndWritesNothingToTheOutFolder(String args) {
    Cli.Outcome outcome = Cli.run(args.isEmpty() ? new String[0] : args.split(" "));

    assertThat(outcome.exitCode()).as(outcome.err()).isEqualTo(2);
    assertThat(outcome.err()).startsWith("ingest: ");
    assertThat(Path.of("x")).doesNotExist();
  }

  @Test
  void aPathThatMatchesNothingIsAUsageErrorNamingIt() throws IOException {
    Files.writeString(dir.resolve("present.tfrecord"), "");
    String missing = dir.resolve("absent").toString();
    String glob = dir + "/*.gz";

    Cli.Outcome count = Cli.run("count", dir.resolve("present.tfrecord").toString(), missing);
    Cli.Outcome validate = Cli.run("validate", "--json", glob);

    assertThat(count.exitCode()).isEqualTo(2);
    assertThat(count.err()).contains(missing);
    assertThat(validate.exitCode()).isEqualTo(2);
    assertThat(validate.err()).contains(glob);
    assertThat(validate.json().get("exit_code").asInt()).isEqualTo(2);
    assertThat(validate.json().get("error").asText()).contains(glob);
  }

  @Test
  void anEmptyFileHasNoRecords() throws IOException {
    Path empty = Files.writeString(dir.resolve("empty.tfrecord"), "");

    Cli.Outcome count = Cli.run("count", "--json", empty.toString());

    assertThat(count.exitCode()).isZero();
    assertThat(count.json().get("total").asLong()).isZero();
  }

  @Test
  void aFailedGenLeavesNoShardAndNoTemporaryFile() throws IOException {
    Path out = dir.resolve("out");
    // The first shard's name is taken by a non-empty folder, so it cannot be renamed into place.
    Files.createDirectories(out.resolve("part-00000-of-00002.tfrecord/blocker"));

    Cli.Outcome gen = Cli.run("gen", "--kind", "image", "--out", out.toString(), "--records", "10",
        "--shards", "2", "--json");

    assertThat(gen.exitCode()).isEqualTo(1);
    assertThat(gen.err()).contains("part-00000-of-00002.tfrecord");
    assertThat(gen.json().get("exit_code").asInt()).isEqualTo(1);
    try (Stream<Path> files = Files.list(out)) {
      assertThat(files.map(path -> path.getFileName().toString()))
          .containsExactly("part-00000-of-00002.tfrecord");
    }
  }
}
