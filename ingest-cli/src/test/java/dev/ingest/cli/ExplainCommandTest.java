package dev.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.sample.SampleDatasets;
import dev.ingest.tfrecord.sample.SampleKind;
import org.junit.jupiter.api.BeforeEach;
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

  /** The configs' {@code files: [data]}, made in the test's folder: explain resolves it. */
  private Path data;

  @BeforeEach
  void makeData() throws IOException {
    data = dir.resolve("data");
    SampleDatasets.write(SampleKind.TABULAR, data, 30, 3, Compression.NONE, 7);
  }

  private Cli.Outcome explain(String yaml, String... extra) throws IOException {
    Path config = dir.resolve("minimal.yaml");
    Files.writeString(config, yaml.replace("files: [data", "files: [" + data));
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
    assertThat(json.fieldNames()).toIterable().containsExactly("name", "spec", "plan", "hash", "sources");
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
    assertThat(outcome.out()).contains("Source files, as found now:",
        "  " + data + ": 3 file(s), ", "  in all: 3 file(s), ",
        "compression none (3) detected from the first bytes");
  }

  /** MINIMAL with these stage lines between parse_example and batch. */
  private static String withStages(String stages) {
    return MINIMAL.replace("  - batch:", stages + "  - batch:");
  }

  private static java.util.List<String> plan(Cli.Outcome outcome) {
    assertThat(outcome.exitCode()).as(outcome.err()).isZero();
    java.util.List<String> plan = new java.util.ArrayList<>();
    outcome.json().get("plan").forEach(step -> plan.add(step.asText()));
    return plan;
  }

  @Test
  void aRowCacheIsPlannedWhereItIsListedSayingWhatLaterEpochsSkip() throws IOException {
    Cli.Outcome outcome = explain(withStages("""
          - map: {fn: burn_cpu, micros_per_record: 10}
          - cache: {path: memory}
          - map: {fn: burn_cpu, micros_per_record: 1}
          - shuffle: {buffer_size: 1000}
        """), "--json");

    assertThat(plan(outcome)).containsSubsequence(
        "map: burn_cpu(10.0 us/record) (fused with parse_example on the same threads)",
        "cache: rows after parse_example and map burn_cpu(10.0 us/record) kept in memory: later"
            + " epochs run no reading, parsing or that transform; shuffle after it: a permutation"
            + " of all cached rows each epoch",
        "map: burn_cpu(1.0 us/record) (on the cached rows, every epoch)",
        "shuffle: a seeded permutation of all cached rows, a new one each epoch (every row may"
            + " land anywhere; the first epoch waits for the whole fill)",
        "batch: 64 records");
    assertThat(outcome.json().at("/spec/cache").toString()).isEqualTo(
        "{\"path\":\"memory\",\"holds\":\"rows\",\"transforms_before\":1,"
            + "\"shuffle_after\":true}");
  }

  @Test
  void aShuffleBeforeARowCacheIsPlannedAsABufferBeforeItAndHashesDifferently()
      throws IOException {
    Cli.Outcome before = explain(withStages("""
          - shuffle: {buffer_size: 1000}
          - cache: {path: cache/rows}
        """), "--json");
    Cli.Outcome after = explain(withStages("""
          - cache: {path: cache/rows}
          - shuffle: {buffer_size: 1000}
        """), "--json");

    assertThat(plan(before)).containsSubsequence(
        "shuffle: buffer 1000, reshuffled each epoch",
        "cache: rows after parse_example kept in files cache/rows.*: later epochs and runs run no"
            + " reading or parsing",
        "batch: 64 records");
    assertThat(plan(before)).noneMatch(step -> step.contains("permutation"));
    assertThat(before.json().get("hash").asText())
        .isNotEqualTo(after.json().get("hash").asText());
  }

  @Test
  void aRecordCacheIsPlannedAsBeforeAndItsSpecKeepsItsHashingForm() throws IOException {
    Cli.Outcome outcome = explain(MINIMAL.replace("stages:\n", "stages:\n  - cache: {path: memory}\n")
        .replace("  - batch:", "  - shuffle: {buffer_size: 8}\n  - batch:"), "--json");

    assertThat(plan(outcome)).containsSubsequence("shuffle: buffer 8, reshuffled each epoch",
        "batch: 64 records", "cache: every record read kept in memory (before shuffle and parse);"
            + " later epochs read no file");
    // What the hash is taken over, as before row caches: no key was added for a record cache.
    assertThat(outcome.json().at("/spec/cache").toString()).isEqualTo("{\"path\":\"memory\"}");
    assertThat(outcome.json().at("/spec/transforms").isMissingNode()).isTrue();
  }

  @Test
  void showsTheFilesFoundTheirBytesAndTheCompressionDetected() throws IOException {
    Path zipped = dir.resolve("zipped");
    SampleDatasets.write(SampleKind.TABULAR, zipped, 20, 2, Compression.GZIP, 7);
    Files.createFile(zipped.resolve("empty.tfrecord"));
    long bytes;
    try (var files = Files.list(data)) {
      bytes = files.mapToLong(file -> file.toFile().length()).sum();
    }
    try (var files = Files.list(zipped)) {
      bytes += files.mapToLong(file -> file.toFile().length()).sum();
    }

    Cli.Outcome outcome = explain(MINIMAL.replace("files: [data]",
        "files: [data, \"" + zipped + "/*.tfrecord\"]"), "--json");

    assertThat(outcome.exitCode()).as(outcome.err()).isZero();
    JsonNode sources = outcome.json().get("sources");
    assertThat(sources.get("files").asInt()).isEqualTo(6);
    assertThat(sources.get("bytes").asLong()).isEqualTo(bytes);
    assertThat(sources.get("empty_files").asInt()).isEqualTo(1);
    // The empty file has no first bytes: it reads as plain TFRecord with no records.
    assertThat(sources.get("compression").toString()).isEqualTo("{\"none\":4,\"gzip\":2}");
    assertThat(sources.get("compression_detected").asBoolean()).isTrue();
    assertThat(sources.get("entries")).hasSize(2);
    assertThat(sources.get("entries").get(1).get("files").asInt()).isEqualTo(3);
  }

  @Test
  void filesThatMatchNothingAreRefusedWithTheirLine() throws IOException {
    Cli.Outcome outcome = explain(MINIMAL.replace("files: [data]", "files: [data, nosuch/*.rec]"));

    assertThat(outcome.exitCode()).isEqualTo(2);
    assertThat(outcome.out()).doesNotContain("is valid");
    int column = "source: {tfrecord: {files: [".length() + data.toString().length() + 3;
    assertThat(outcome.err()).contains("source.tfrecord.files.1 (line 2, column " + column
        + "): \"nosuch/*.rec\" matches no file (there is no folder nosuch)");
  }

  @Test
  void exitsWith2NamingThePathAndLine() throws IOException {
    Cli.Outcome outcome = explain(MINIMAL.replace("batch_size: 64", "batch_size: many"));

    assertThat(outcome.exitCode()).isEqualTo(2);
    assertThat(outcome.err()).contains(
        "stages.1.batch.batch_size (line 5, column 25): expected an integer, got \"many\"");
  }

  @Test
  void aGlobalShuffleShowsItsModeWindowAndIndexPolicyAndSaysWhatItDoes() throws IOException {
    Cli.Outcome outcome = explain(withStages("  - shuffle: {mode: global}\n"), "--json");

    JsonNode spec = outcome.json().get("spec");
    assertThat(spec.get("shuffle").toString()).isEqualTo(
        "{\"mode\":\"global\",\"window\":0,\"reshuffle_each_iteration\":true}");
    assertThat(spec.at("/source/tfrecord/index").asText()).isEqualTo("require");
    assertThat(plan(outcome)).containsSubsequence(
        "read tfrecord: 1 pattern(s), compression auto, each record where its shard's record"
            + " index (.idx) says, in the global shuffle's order; a shard without an index is"
            + " refused (make it with ingest index)",
        "shuffle: global, a seeded permutation of every record of every shard, a new one each"
            + " epoch",
        "batch: 64 records, the global batch");

    Cli.Outcome text = explain(withStages("  - shuffle: {mode: global}\n"));
    assertThat(text.out()).contains("Global shuffle:\n",
        "  Every record of every shard may land anywhere in the order, in a new seeded order each"
            + " epoch.",
        "  batch_size (64) is the global batch",
        "  It reads records through the record index beside each shard: run ingest index "
            + data + " first (or set source.tfrecord.index: build); a shard without one is"
            + " refused.");
  }

  @Test
  void aWindowedGlobalShuffleBuildingMissingIndexesIsExplainedAsSuch() throws IOException {
    String yaml = withStages("  - shuffle: {mode: global, window: 512,"
        + " reshuffle_each_iteration: false}\n")
        .replace("files: [data]}", "files: [data], index: build}");
    Cli.Outcome outcome = explain(yaml, "--json");

    JsonNode spec = outcome.json().get("spec");
    assertThat(spec.get("shuffle").toString()).isEqualTo(
        "{\"mode\":\"global\",\"window\":512,\"reshuffle_each_iteration\":false}");
    assertThat(spec.at("/source/tfrecord/index").asText()).isEqualTo("build");
    assertThat(plan(outcome)).containsSubsequence(
        "read tfrecord: 1 pattern(s), compression auto, each record where its shard's record"
            + " index (.idx) says, in the global shuffle's order; a shard without an index is"
            + " indexed before the first epoch (index: build)",
        "shuffle: global in windows of 512 consecutive records, the windows and each window's"
            + " records in seeded orders, the same each epoch");
    assertThat(outcome.json().get("hash").asText())
        .isNotEqualTo(explain(withStages("  - shuffle: {mode: global}\n"), "--json").json()
            .get("hash").asText());

    Cli.Outcome text = explain(yaml);
    assertThat(text.out()).contains("  Records are cut into windows of 512 consecutive records;"
        + " the windows come in the same seeded order each epoch and each window's records in an"
        + " order of their own, so a record lands only among its window's records",
        "a shard without one is indexed before the first epoch (index: build).");
  }

  @Test
  void withShardAndAGlobalShuffleTheTrainersBatchIsItsSliceOfTheGlobalBatch() throws IOException {
    String yaml = withStages("  - shuffle: {mode: global}\n")
        .replace("files: [data]}", "files: [data], shard: {num_shards: 4, index: 1}}");

    assertThat(plan(explain(yaml, "--json"))).contains("batch: 64 records, the global batch;"
        + " trainer 1 of 4 gets rows 16 to 31 of each: its batch is 16 rows");
    assertThat(explain(yaml).out()).contains("  batch_size (64) is the global batch: with 4"
        + " trainers (num_shards), trainer i gets the i-th of 4 equal slices of each global batch,"
        + " so this trainer's (index 1) batch is batch_size / num_shards = 16 rows.");
  }

  @Test
  void aBufferShuffleKeepsItsFormAndHashWhetherOrNotItsModeIsWritten() throws IOException {
    Cli.Outcome plain = explain(withStages("  - shuffle: {buffer_size: 100}\n"), "--json");
    Cli.Outcome moded = explain(withStages("  - shuffle: {mode: buffer, buffer_size: 100}\n"),
        "--json");

    assertThat(plain.json().at("/spec/shuffle").toString())
        .isEqualTo("{\"buffer_size\":100,\"reshuffle_each_iteration\":true}");
    assertThat(plain.json().at("/spec/source/tfrecord/index").isMissingNode()).isTrue();
    assertThat(moded.json().get("hash").asText()).isEqualTo(plain.json().get("hash").asText());
    assertThat(explain(withStages("  - shuffle: {buffer_size: 100}\n")).out())
        .doesNotContain("Global shuffle:");
  }

  @Test
  void indexBuildWithoutAGlobalShuffleExitsWith2NamingItsLine() throws IOException {
    Cli.Outcome outcome = explain(MINIMAL.replace("files: [data]}", "files: [data], index: build}"));

    assertThat(outcome.exitCode()).isEqualTo(2);
    assertThat(outcome.err()).contains("source.tfrecord.index (line 2, column ",
        "only a global shuffle reads record indexes: 'index: build' needs shuffle {mode: global}");
  }
}
