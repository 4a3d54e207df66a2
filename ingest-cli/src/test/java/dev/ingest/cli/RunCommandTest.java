package dev.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.sample.SampleDatasets;
import dev.ingest.tfrecord.sample.SampleKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
  /** A shuffled, interleaved tabular pipeline of two epochs over {@code data}; shared. */
  static final String PIPELINE = """
      version: 1
      name: tabular-test
      source:
        tfrecord:
          files: [data]
          interleave: {cycle_length: 2, block_length: 8, num_parallel_calls: auto}
      stages:
        - parse_example:
            features:
              features: {type: float32, shape: [32]}
              label: {type: int64, shape: [], default: 0}
        - shuffle: {buffer_size: 100}
        - batch: {batch_size: 32, drop_remainder: false}
        - prefetch: {buffer_size: auto}
      repeat: 2
      options: {seed: 3, threads: 2}
      """;

  /**
   * The run digest of PIPELINE over its test data (two epochs), and the first two lines of its
   * --digest-log, as the runner computed them when it hashed inline on the consumer: moving the
   * hashing off the measured path must not change a bit.
   */
  private static final String RUN_DIGEST =
      "f8424aef1871cc9cf54023a391bd9bf99780e3a721ed5b2252aae137210de41b";
  private static final List<String> FIRST_BATCH_DIGESTS = List.of(
      "1f869d6026fc677f5d41effe8b76345fb4bf0031fc50f1c1dbc83e6aad83b6f0",
      "88762297e2c961321ba93bc8cb4dee96060095747fa07ea8ee7249a22ea4cbfc");

  @TempDir Path dir;
  private Path config;

  @BeforeEach
  void writeDataAndConfig() throws IOException {
    SampleDatasets.write(SampleKind.TABULAR, dir.resolve("data"), 500, 3, Compression.NONE, 1);
    config = dir.resolve("pipeline.yaml");
    Files.writeString(config, PIPELINE);
  }

  private String[] args(String... extra) {
    List<String> args = new ArrayList<>(List.of("run", config.toString(),
        "--set", "source.tfrecord.files.0=" + dir.resolve("data")));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  @Test
  void reportsTheContractsKeysAndTheKnownDigestWithDigestLogOrDigest() throws IOException {
    Path log = dir.resolve("digests.txt");
    Cli.Outcome first = Cli.run(args("--json", "--digest-log", log.toString()));
    Cli.Outcome second = Cli.run(args("--json", "--digest"));

    assertThat(first.exitCode()).as(first.err()).isZero();
    JsonNode report = first.json();
    assertThat(report.fieldNames()).toIterable().containsExactly("records", "batches", "bytes",
        "seconds", "records_per_second", "bytes_per_second", "consumer", "stages", "bottleneck",
        "epochs", "skipped", "digest", "digest_seconds", "memory", "tuning");
    assertThat(report.get("memory").get("budget_bytes").asLong()).isPositive();
    assertThat(report.get("memory").get("peak_bytes").asLong()).isPositive()
        .isLessThanOrEqualTo(report.get("memory").get("budget_bytes").asLong());
    assertThat(report.get("consumer").fieldNames()).toIterable().containsExactly("step_ms",
        "idle_fraction", "first_batch_ms", "wait_p50_ms", "wait_p99_ms");
    assertThat(report.get("stages").get(0).fieldNames()).toIterable().containsExactly("name",
        "parallelism", "elements", "busy_fraction", "input_wait_fraction",
        "output_wait_fraction", "latency_p50_ms", "latency_p99_ms", "queue_fill");
    assertThat(report.get("skipped").fieldNames()).toIterable()
        .containsExactly("corrupt_records", "files");
    // Two epochs of 500 records in batches of 32: 15 full batches and one of 20 per epoch.
    assertThat(report.get("records").asLong()).isEqualTo(1000);
    assertThat(report.get("batches").asLong()).isEqualTo(32);
    assertThat(report.get("digest").asText()).isEqualTo(RUN_DIGEST)
        .isEqualTo(second.json().get("digest").asText());
    assertThat(report.get("digest_seconds").asDouble()).isPositive();
    assertThat(Files.readAllLines(log)).hasSize(32).allMatch(line -> line.matches("[0-9a-f]{64}"))
        .startsWith(FIRST_BATCH_DIGESTS.toArray(String[]::new));
    long payloadBytes = 0;
    try (var records = Files.list(dir.resolve("data"))) {
      for (Path file : records.toList()) {
        payloadBytes += Files.size(file) - 16L * countRecords(file);
      }
    }
    assertThat(report.get("bytes").asLong()).isEqualTo(2 * payloadBytes);
    assertThat(report.get("bytes_per_second").asDouble()).isPositive();
    assertThat(report.get("epochs")).hasSize(2);
    assertThat(report.get("epochs").get(0).fieldNames()).toIterable().containsExactly("epoch",
        "records", "seconds", "records_per_second", "idle_fraction", "warmup");
    assertThat(report.get("epochs").get(1).get("epoch").asLong()).isEqualTo(1);
    assertThat(report.get("epochs").get(0).get("records").asLong()).isEqualTo(500);
    assertThat(report.get("epochs").get(1).get("records").asLong()).isEqualTo(500);
    assertThat(report.get("skipped").get("corrupt_records").asLong()).isZero();
    assertThat(report.get("skipped").get("files").asLong()).isZero();
  }

  @Test
  void withoutDigestNothingIsHashedAndTheDigestIsNull() {
    Cli.Outcome json = Cli.run(args("--json"));
    Cli.Outcome human = Cli.run(args());

    assertThat(json.exitCode()).as(json.err()).isZero();
    assertThat(json.json().get("digest").isNull()).isTrue();
    assertThat(json.json().has("digest_seconds")).isFalse();
    assertThat(human.out()).doesNotContain("run digest");
  }

  @Test
  void warmupEpochsRunFirstAndStayOutOfTheTotalsAndTheDigest() {
    Cli.Outcome warmed = Cli.run(args("--json", "--digest", "--epochs", "1",
        "--warmup-epochs", "2"));

    assertThat(warmed.exitCode()).as(warmed.err()).isZero();
    JsonNode report = warmed.json();
    // One measured epoch of 500 records in batches of 32; the two warm-up epochs are listed only.
    assertThat(report.get("records").asLong()).isEqualTo(500);
    assertThat(report.get("batches").asLong()).isEqualTo(16);
    assertThat(report.get("epochs")).hasSize(3);
    assertThat(report.get("epochs").findValuesAsText("warmup"))
        .containsExactly("true", "true", "false");
    assertThat(report.get("epochs").findValuesAsText("records"))
        .containsExactly("500", "500", "500");
    // A warm-up is a pass of its own: the measured batches are those of a run without it.
    assertThat(report.get("digest").asText())
        .isEqualTo(Cli.run(args("--json", "--digest", "--epochs", "1")).json()
            .get("digest").asText());

    Cli.Outcome human = Cli.run(args("--epochs", "1", "--warmup-epochs", "1"));
    List<String> lines = human.out().lines().map(String::strip).toList();
    assertThat(lines).anyMatch(line -> line.matches(
        "500 records in 16 batches in [0-9.]+ s: .*"));
    assertThat(lines).anyMatch(line -> line.matches("warm-up 0 +500 +[0-9.]+ +[0-9,]+ +[0-9.]+%"));
    assertThat(lines).anyMatch(line -> line.matches("0 +500 +[0-9.]+ +[0-9,]+ +[0-9.]+%"));

    Cli.Outcome negative = Cli.run(args("--warmup-epochs", "-1"));
    assertThat(negative.exitCode()).isEqualTo(2);
    assertThat(negative.err()).contains("--warmup-epochs must be at least 0");
  }

  @Test
  void printsOneLinePerEpochOnlyWhenThereAreSeveral() {
    Cli.Outcome two = Cli.run(args("--epochs", "2"));
    Cli.Outcome one = Cli.run(args("--epochs", "1"));

    assertThat(two.exitCode()).as(two.err()).isZero();
    List<String> lines = two.out().lines().map(String::strip).toList();
    assertThat(lines).anyMatch(line -> line.matches("epoch +records +seconds +records/s +idle"));
    assertThat(lines).anyMatch(line -> line.matches("0 +500 +[0-9.]+ +[0-9,]+ +[0-9.]+%"));
    assertThat(lines).anyMatch(line -> line.matches("1 +500 +[0-9.]+ +[0-9,]+ +[0-9.]+%"));
    assertThat(one.out().lines().map(String::strip))
        .noneMatch(line -> line.matches("epoch +records .*"));
  }

  @Test
  void reportsWhatTheTunerChoseUnderAutoWithTheSameDigest() throws IOException {
    Cli.Outcome fixed = Cli.run(args("--json", "--digest"));
    Cli.Outcome tuned = Cli.run(args("--json", "--digest", "--set", "options.threads=auto"));

    assertThat(tuned.exitCode()).as(tuned.err()).isZero();
    JsonNode tuning = tuned.json().get("tuning");
    assertThat(tuning.fieldNames()).toIterable().containsExactly("parse_workers",
        "parse_workers_auto", "max_parse_workers", "prefetch", "prefetch_auto", "max_prefetch",
        "settled", "decisions");
    assertThat(tuning.get("parse_workers_auto").asBoolean()).isTrue();
    assertThat(tuning.get("parse_workers").asInt())
        .isBetween(1, tuning.get("max_parse_workers").asInt());
    assertThat(tuning.get("decisions").isArray()).isTrue();
    assertThat(fixed.json().get("tuning").get("parse_workers_auto").asBoolean()).isFalse();
    assertThat(tuned.json().get("digest").asText())
        .isEqualTo(fixed.json().get("digest").asText());
  }

  private static long countRecords(Path file) throws IOException {
    try (dev.ingest.tfrecord.TFRecordReader reader = dev.ingest.tfrecord.TFRecordReader.open(file)) {
      long count = 0;
      while (reader.advance()) {
        count++;
      }
      return count;
    }
  }

  @Test
  void overridesEpochsAndStopsAfterMaxBatches() {
    Cli.Outcome outcome = Cli.run(args("--epochs", "1", "--max-batches", "5", "--json",
        "--set", "stages.2.batch.batch_size=10"));

    assertThat(outcome.exitCode()).as(outcome.err()).isZero();
    assertThat(outcome.json().get("batches").asLong()).isEqualTo(5);
    assertThat(outcome.json().get("records").asLong()).isEqualTo(50);
  }

  @Test
  void printsTheHumanReport() {
    Cli.Outcome outcome = Cli.run(args("--epochs", "1"));

    assertThat(outcome.exitCode()).as(outcome.err()).isZero();
    List<String> lines = outcome.out().lines().map(String::strip).toList();
    assertThat(lines).anyMatch(line -> line.matches(
        "500 records in 16 batches in [0-9.]+ s: [0-9,]+ records/s, [0-9,.]+ MB/s"));
    assertThat(lines).anyMatch(line -> line.matches("accelerator idle [0-9.]+% of the time"
        + " \\(step 0\\.0 ms\\); first batch after [0-9.]+ ms; wait per batch p50 .*"));
    assertThat(lines).anyMatch(line -> line.matches(
        "stage +threads +elements +busy +waiting \\(in\\) +waiting \\(out\\) +p50 ms +p99 ms"
            + " +queue"));
    // One row per stage the JSON report names, with its threads and elements.
    JsonNode stages = Cli.run(args("--epochs", "1", "--json")).json().get("stages");
    assertThat(stages).isNotEmpty();
    for (JsonNode stage : stages) {
      assertThat(lines).anyMatch(line -> line.matches(stage.get("name").asText() + " +"
          + stage.get("parallelism").asInt() + " +" + stage.get("elements").asLong()
          + " +[0-9.]+% +[0-9.]+% +[0-9.]+% +[0-9.]+ +[0-9.]+ +[0-9]+%"));
    }
    String bottleneck = lines.stream().filter(line -> line.startsWith("bottleneck: "))
        .findFirst().orElseThrow().substring("bottleneck: ".length());
    assertThat(stages.findValuesAsText("name")).contains(bottleneck);
    assertThat(lines).anyMatch(line -> line.startsWith("hint: ") && line.length() > 20);
    assertThat(Cli.run(args("--epochs", "1", "--digest")).out().lines().map(String::strip))
        .anyMatch(line -> line.matches("run digest: [0-9a-f]{64} \\(hashing took [0-9.]+ s,"
            + " outside the figures above\\)"));
  }

  @Test
  void progressGoesToStderrAndTheJsonStaysTheLastLineOfStdout() {
    Cli.Outcome withProgress = Cli.run(args("--json", "--progress"));
    Cli.Outcome without = Cli.run(args("--json"));

    assertThat(withProgress.exitCode()).as(withProgress.err()).isZero();
    // The last redraw, on close, shows every batch and the records they held.
    List<String> progress = withProgress.err().lines().toList();
    assertThat(progress).isNotEmpty();
    assertThat(progress.get(progress.size() - 1)).contains("tabular-test", "32", "1000 records");
    assertThat(withProgress.out().strip().lines()).hasSize(1);
    assertThat(withProgress.json().get("batches").asLong()).isEqualTo(32);
    // Tests run without a terminal: no --progress, no progress.
    assertThat(without.err()).isEmpty();
  }

  @Test
  void refusesAGlobalShuffleWithABufferAndAnIndexPolicyWithoutOneAtTheirLines()
      throws IOException {
    Files.writeString(config, PIPELINE.replace("buffer_size: 100", "mode: global, buffer_size: 100"));
    Cli.Outcome buffered = Cli.run(args("--json"));
    Files.writeString(config, PIPELINE.replace("files: [data]", "files: [data]\n    index: build"));
    Cli.Outcome indexWithoutGlobal = Cli.run(args("--json"));

    assertThat(buffered.exitCode()).isEqualTo(2);
    assertThat(buffered.err()).contains("  stages.1.shuffle.buffer_size (line 12, column 42):"
        + " a global shuffle has no buffer");
    assertThat(indexWithoutGlobal.exitCode()).isEqualTo(2);
    assertThat(indexWithoutGlobal.err()).contains("  source.tfrecord.index (line 6, column 12):"
        + " only a global shuffle reads record indexes: 'index: build' needs shuffle"
        + " {mode: global}");
    assertThat(indexWithoutGlobal.json().get("exit_code").asInt()).isEqualTo(2);
  }

  @Test
  void refusesAnInvalidConfigWithExitCode2AndEveryProblem() throws IOException {
    Files.writeString(config, PIPELINE.replace("buffer_size: 100", "buffer_size: -1")
        .replace("threads: 2", "threads: many"));

    Cli.Outcome outcome = Cli.run(args("--json"));

    assertThat(outcome.exitCode()).isEqualTo(2);
    assertThat(outcome.err()).contains(
        "  stages.1.shuffle.buffer_size (line 12, column 28): must be at least 0",
        "  options.threads (line 16, column 29): expected an integer or auto, got \"many\"");
    JsonNode json = outcome.json();
    assertThat(json.get("exit_code").asInt()).isEqualTo(2);
    assertThat(json.get("problems")).hasSize(2);
    assertThat(json.get("problems").get(0).get("line").asInt()).isEqualTo(12);
  }

  @Test
  void anExpensiveMapIsReportedAsItsOwnStageAndNamedAsTheBottleneck() throws IOException {
    // 300 µs of busy work per record on one thread: far slower than reading and parsing 500 small
    // records. Its num_parallel_calls: 1 is the parse workers' count (no options.threads).
    Files.writeString(config, PIPELINE
        .replace("- shuffle: {buffer_size: 100}",
            "- map: {fn: burn_cpu, micros_per_record: 300, num_parallel_calls: 1}")
        .replace("repeat: 2", "repeat: 1")
        .replace(", threads: 2", ""));
    Cli.Outcome outcome = Cli.run(args("--json"));

    assertThat(outcome.exitCode()).as(outcome.err()).isZero();
    JsonNode report = outcome.json();
    assertThat(report.get("records").asLong()).isEqualTo(500);
    assertThat(report.get("stages").findValuesAsText("name"))
        .containsExactly("read", "parse_example", "map burn_cpu", "consumer");
    JsonNode map = report.get("stages").get(2);
    assertThat(map.get("parallelism").asInt()).isEqualTo(1);
    assertThat(map.get("elements").asLong()).isEqualTo(500);
    assertThat(map.get("busy_fraction").asDouble())
        .isGreaterThan(report.get("stages").get(1).get("busy_fraction").asDouble());
    assertThat(report.get("bottleneck").asText()).isEqualTo("map burn_cpu");

    Cli.Outcome human = Cli.run(args());
    assertThat(human.exitCode()).as(human.err()).isZero();
    List<String> lines = human.out().lines().map(String::strip).toList();
    assertThat(lines).anyMatch(line -> line.matches(
        "map burn_cpu +1 +500 +[0-9.]+% +[0-9.]+% +[0-9.]+% +[0-9.]+ +[0-9.]+ +[0-9]+%"));
    assertThat(lines).contains("bottleneck: map burn_cpu");
    assertThat(lines).anyMatch(line -> line.startsWith("hint: map burn_cpu is the bottleneck")
        && line.contains("on 1 thread "));
  }

  @Test
  void aRunCutShortWithSaveStateAndResumedLogsExactlyTheUninterruptedDigests() throws IOException {
    Path whole = dir.resolve("whole.txt");
    Path first = dir.resolve("first.txt");
    Path rest = dir.resolve("rest.txt");
    Path state = dir.resolve("state");
    assertThat(Cli.run(args("--digest-log", whole.toString())).exitCode()).isZero();
    Cli.Outcome cut = Cli.run(args("--max-batches", "13", "--digest-log", first.toString(),
        "--save-state", state.toString(), "--set", "options.threads=1"));
    Cli.Outcome resumed = Cli.run(args("--resume", state.toString(), "--digest-log",
        rest.toString(), "--json"));

    assertThat(cut.exitCode()).as(cut.err()).isZero();
    assertThat(resumed.exitCode()).as(resumed.err()).isZero();
    List<String> joined = new ArrayList<>(Files.readAllLines(first));
    joined.addAll(Files.readAllLines(rest));
    assertThat(Files.readAllLines(first)).hasSize(13);
    assertThat(joined).isEqualTo(Files.readAllLines(whole)).hasSize(32);
    assertThat(resumed.json().get("batches").asLong()).isEqualTo(32 - 13);
    assertThat(Files.readString(state)).startsWith("ingest-state=2\n").contains("batches_delivered=13")
        .contains("checkpoint=0 ");
  }

  @Test
  void aFileCacheGivesTheSameDigestAndACacheOfOtherSourcesExits2() throws IOException {
    String uncached = Cli.run(args("--json", "--digest")).json().get("digest").asText();
    String prefix = dir.resolve("cache").resolve("tabular").toString();
    Files.writeString(config, PIPELINE.replace("  - prefetch: {buffer_size: auto}\n",
        "  - prefetch: {buffer_size: auto}\n  - cache: {path: \"" + prefix + "\"}\n"));

    Cli.Outcome filling = Cli.run(args("--json", "--digest"));
    Cli.Outcome replaying = Cli.run(args("--json", "--digest"));

    assertThat(filling.exitCode()).as(filling.err()).isZero();
    assertThat(filling.json().get("digest").asText()).isEqualTo(uncached);
    assertThat(replaying.json().get("digest").asText()).isEqualTo(uncached);
    assertThat(Path.of(prefix + ".manifest")).exists();

    // Another compression setting may decode the same files differently: another pipeline.
    Cli.Outcome other = Cli.run(args("--json", "--set", "source.tfrecord.compression=none"));
    assertThat(other.exitCode()).isEqualTo(2);
    assertThat(other.err()).contains("the cache at '" + prefix + "'")
        .contains("compression: auto in the cache, none now");
    assertThat(other.json().get("exit_code").asInt()).isEqualTo(2);
  }

  @Test
  void aStateFromAnotherPipelineIsBadUsage() throws IOException {
    Path state = dir.resolve("state");
    assertThat(Cli.run(args("--max-batches", "2", "--save-state", state.toString())).exitCode())
        .isZero();
    Cli.Outcome other = Cli.run(args("--resume", state.toString(),
        "--set", "stages.2.batch.batch_size=16"));
    assertThat(other.exitCode()).isEqualTo(2);
    assertThat(other.err()).contains("different pipeline");
  }

  @Test
  void aStateSavedOverOtherFilesIsBadUsage() throws IOException {
    Path state = dir.resolve("state");
    assertThat(Cli.run(args("--max-batches", "20", "--save-state", state.toString())).exitCode())
        .isZero();
    // The same file names, one file of other records: offsets saved over the old ones mean
    // nothing in it.
    SampleDatasets.write(SampleKind.TABULAR, dir.resolve("data"), 700, 3, Compression.NONE, 1);
    Cli.Outcome resumed = Cli.run(args("--resume", state.toString()));
    assertThat(resumed.exitCode()).as(resumed.err()).isEqualTo(2);
    assertThat(resumed.err()).contains("--resume", "saved over other files");
  }
}
