package dev.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExplainCommandTest {
  private static final String MINIMAL = """
      version: 1
      source: {tfrecord: {files: [data]}}
      stages:
        - parse_example: {features: {label: {type: int64}}}
        - batch: {batch_size: 64}
      """;

  // The same pipeline with the defaults written out, other layout and a comment.
  private static final String EXPLICIT = """
      # defaults spelled out
      version: 1
      name: minimal
      source:
        tfrecord:
          files: [data]
          compression: auto
          interleave: {cycle_length: auto, block_length: 16}
      stages:
        - batch: {batch_size: 64, drop_remainder: false}
        - parse_example:
            features:
              label: {type: int64}
        - prefetch: {buffer_size: 4}
      repeat: 1
      options: {seed: 42}
      """;

  @TempDir Path dir;

  private Cli.Outcome explain(String yaml, String... extra) throws IOException {
    Path config = dir.resolve("minimal.yaml");
    Files.writeString(config, yaml);
    String[] args = new String[2 + extra.length];
    args[0] = "explain";
    args[1] = config.toString();
    System.arraycopy(extra, 0, args, 2, extra.length);
    return Cli.run(args);
  }

  @Test
  void fillsInDefaultsAndHashesTheResolvedSpec() throws IOException {
    Cli.Outcome minimal = explain(MINIMAL, "--json");
    Cli.Outcome explicit = explain(EXPLICIT, "--json");
    Cli.Outcome bigger = explain(MINIMAL, "--json", "--set", "stages.1.batch.batch_size=65");

    assertThat(minimal.exitCode()).as(minimal.err()).isZero();
    JsonNode json = minimal.json();
    assertThat(json.fieldNames()).toIterable().containsExactly("name", "spec", "plan", "hash");
    assertThat(json.get("name").asText()).isEqualTo("minimal");
    JsonNode spec = json.get("spec");
    assertThat(spec.at("/source/tfrecord/interleave/cycle_length").asInt()).isEqualTo(4);
    assertThat(spec.at("/prefetch/buffer_size").asInt()).isEqualTo(4);
    assertThat(spec.at("/options/seed").asLong()).isEqualTo(42);
    assertThat(spec.at("/batch/batch_size").asInt()).isEqualTo(64);
    assertThat(json.get("plan").get(0).asText()).startsWith("read tfrecord: 1 pattern(s)");
    assertThat(json.get("hash").asText()).hasSize(64)
        .isEqualTo(explicit.json().get("hash").asText())
        .isNotEqualTo(bigger.json().get("hash").asText());
  }

  @Test
  void autoThreadsAndPrefetchAreShownAsTunedAndHashDifferently() throws IOException {
    Cli.Outcome tuned = explain(MINIMAL + "options: {threads: auto, cpu_budget: 2}\n", "--json");
    Cli.Outcome fixed = explain(MINIMAL, "--json");

    assertThat(tuned.exitCode()).as(tuned.err()).isZero();
    JsonNode spec = tuned.json().get("spec");
    assertThat(spec.at("/options/threads").asText()).isEqualTo("auto");
    assertThat(spec.at("/options/cpu_budget").asInt()).isEqualTo(2);
    assertThat(tuned.json().get("plan").get(1).asText())
        .contains("threads tuned while running (auto), up to 2 core(s)");
    assertThat(tuned.json().get("hash").asText())
        .isNotEqualTo(fixed.json().get("hash").asText());
  }

  @Test
  void printsTheHumanForm() throws IOException {
    Cli.Outcome outcome = explain(MINIMAL);

    assertThat(outcome.exitCode()).as(outcome.err()).isZero();
    assertThat(outcome.out()).contains("is valid.", "Resolved spec:", "\"batch_size\" : 64",
        "  3. batch: 64 records", "Spec hash: sha256:");
  }

  @Test
  void exitsWith2NamingThePathAndLine() throws IOException {
    Cli.Outcome outcome = explain(MINIMAL.replace("batch_size: 64", "batch_size: many"));

    assertThat(outcome.exitCode()).isEqualTo(2);
    assertThat(outcome.err()).contains(
        "stages.1.batch.batch_size (line 5, column 25): expected an integer, got \"many\"");
  }
}
