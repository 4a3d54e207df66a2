package dev.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.TFRecordReader;
import dev.ingest.tfrecord.TFRecordWriter;
import dev.ingest.tfrecord.example.ExampleEncoder;
import dev.ingest.tfrecord.sample.SampleDatasets;
import dev.ingest.tfrecord.sample.SampleKind;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InspectCommandTest {
  @TempDir Path dir;

  /** The parse_example block of inspect's human output: from its first line to the blank line. */
  private static String pastedBlock(String out) {
    List<String> block = new ArrayList<>();
    for (String line : out.lines().dropWhile(line -> !line.equals("  - parse_example:")).toList()) {
      if (line.isBlank()) {
        break;
      }
      block.add(line);
    }
    assertThat(block).as(out).isNotEmpty();
    return String.join("\n", block) + "\n";
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "IMAGE   | image: {type: bytes, shape: []}      | label: {type: int64, shape: []}",
    "TABULAR | features: {type: float32, shape: [32]} | label: {type: int64, shape: []}",
    "TEXT    | label: {type: int64, shape: []}      | tokens: {type: int64, var_len: true}"
  })
  void theInferredStagePastedIntoAPipelineLoadsAndRuns(SampleKind kind, String first,
      String second) throws IOException {
    Path data = dir.resolve("data");
    Cli.Outcome gen = Cli.run("gen", "--kind", kind.name().toLowerCase(Locale.ROOT),
        "--out", data.toString(), "--records", "300", "--shards", "3", "--seed", "5");
    assertThat(gen.exitCode()).as(gen.err()).isZero();

    Cli.Outcome inspect = Cli.run("inspect", data.toString());

    assertThat(inspect.exitCode()).as(inspect.err()).isZero();
    String block = pastedBlock(inspect.out());
    assertThat(block).isEqualTo(
        "  - parse_example:\n      features:\n        " + first + "\n        " + second + "\n");
    Path pipeline = dir.resolve("pipeline.yaml");
    Files.writeString(pipeline, "version: 1\n"
        + "source: {tfrecord: {files: [\"" + data.toString().replace("\\", "/") + "\"]}}\n"
        + "stages:\n" + block + "  - batch: {batch_size: 64}\n");
    Cli.Outcome run = Cli.run("run", pipeline.toString(), "--json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.json().get("records").asLong()).isEqualTo(300);
  }

  @Test
  void jsonReportsEachFeatureAndTheFirstRecords() throws IOException {
    Path data = dir.resolve("data");
    SampleDatasets.write(SampleKind.TEXT, data, 50, 2, Compression.GZIP, 9);

    Cli.Outcome outcome = Cli.run("inspect", "--json", "--limit", "2", "--scan", "40",
        data.toString());

    assertThat(outcome.exitCode()).as(outcome.err()).isZero();
    assertThat(outcome.out().strip().lines()).hasSize(1);
    JsonNode json = outcome.json();
    assertThat(json.get("records_scanned").asLong()).isEqualTo(40);
    JsonNode tokens = json.get("features").get(1);
    assertThat(tokens.get("name").asText()).isEqualTo("tokens");
    assertThat(tokens.get("type").asText()).isEqualTo("int64");
    assertThat(tokens.get("fixed_length").asBoolean()).isFalse();
    assertThat(tokens.get("present_in_all").asBoolean()).isTrue();
    assertThat(tokens.get("min_length").asInt()).isBetween(10, 500);
    assertThat(tokens.get("max_length").asInt()).isBetween(tokens.get("min_length").asInt(), 500);
    JsonNode label = json.get("features").get(0);
    assertThat(label.get("fixed_length").asBoolean()).isTrue();
    assertThat(label.get("min_length").asInt()).isEqualTo(1);
    assertThat(json.get("parse_example").asText()).contains("tokens: {type: int64, var_len: true}");
    JsonNode examples = json.get("examples");
    assertThat(examples).hasSize(2);
    assertThat(examples.get(1).get("record").asLong()).isEqualTo(1);
    assertThat(examples.get(0).get("features").get("tokens").get("int64_list").size())
        .isBetween(10, 500);
  }

  @Test
  void bytesAreBase64AndAFeatureMissingFromSomeRecordsGetsADefault() throws IOException {
    Path file = dir.resolve("mixed.tfrecord");
    try (TFRecordWriter writer = TFRecordWriter.open(file, Compression.NONE)) {
      writer.write(new ExampleEncoder().putBytes("raw", new byte[] {0, -1, 65})
          .putFloats("xy", new float[] {1.5f, -2f}).toByteArray());
      writer.write(new ExampleEncoder().putBytes("raw", new byte[] {7}).toByteArray());
    }

    Cli.Outcome outcome = Cli.run("inspect", file.toString());

    assertThat(outcome.exitCode()).as(outcome.err()).isZero();
    assertThat(pastedBlock(outcome.out())).contains(
        "raw: {type: bytes, shape: []}\n", "xy: {type: float32, shape: [2], default: 0.0}\n");
    String firstLine = outcome.out().lines().filter(line -> line.startsWith("{")).findFirst()
        .orElseThrow();
    assertThat(firstLine).contains("\"raw\":{\"bytes_list\":[\""
        + Base64.getEncoder().encodeToString(new byte[] {0, -1, 65}) + "\"]}",
        "\"xy\":{\"float_list\":[1.5,-2.0]}");
  }

  @Test
  void aCorruptRecordIsExit3NamingFileAndOffset() throws IOException {
    Path data = dir.resolve("data");
    SampleDatasets.write(SampleKind.TABULAR, data, 10, 1, Compression.NONE, 1);
    Path shard = data.resolve(SampleDatasets.shardName(0, 1));
    long offset = offsetOf(shard, 4);
    try (RandomAccessFile file = new RandomAccessFile(shard.toFile(), "rw")) {
      file.seek(offset + 12 + 3);
      int original = file.read();
      file.seek(offset + 12 + 3);
      file.write(original ^ 0x40);
    }

    Cli.Outcome outcome = Cli.run("inspect", "--json", shard.toString());

    assertThat(outcome.exitCode()).isEqualTo(3);
    assertThat(outcome.err()).contains(shard.toString(), "offset " + offset);
    assertThat(outcome.json().get("exit_code").asInt()).isEqualTo(3);
  }

  @Test
  void aRecordThatIsNotAnExampleIsExit3NamingFileOffsetAndRecord() throws IOException {
    Path file = dir.resolve("not-examples.tfrecord");
    byte[] example = new ExampleEncoder().putInt64("label", 1).toByteArray();
    try (TFRecordWriter writer = TFRecordWriter.open(file, Compression.NONE)) {
      writer.write(example);
      // Field 1, length-delimited, announcing 100 bytes that are not there.
      writer.write(new byte[] {0x0A, 100, 1, 2, 3});
    }
    long offset = offsetOf(file, 1);

    Cli.Outcome outcome = Cli.run("inspect", file.toString());

    assertThat(outcome.exitCode()).isEqualTo(3);
    assertThat(outcome.err()).contains(file + ": record 1 at offset " + offset,
        "not a tf.train.Example");
    assertThat(offset).isEqualTo(16L + example.length);
  }

  @Test
  void refusesANegativeLimit() throws IOException {
    Path data = dir.resolve("data");
    SampleDatasets.write(SampleKind.TABULAR, data, 2, 1, Compression.NONE, 1);

    assertThat(Cli.run("inspect", "--limit", "-1", data.toString()).exitCode()).isEqualTo(2);
  }

  private static long offsetOf(Path file, int record) throws IOException {
    try (TFRecordReader reader = TFRecordReader.open(file)) {
      for (int i = 0; i <= record; i++) {
        assertThat(reader.advance()).isTrue();
      }
      return reader.recordOffset();
    }
  }
}
