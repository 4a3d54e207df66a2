package dev.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.TFRecordWriter;
import dev.ingest.tfrecord.example.ExampleEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Well-framed records (both CRCs right) whose payload is not a valid Example: bad data, as a
 * broken CRC is. {@code on_corrupt: fail} exits 3 with the parser's message (file, record,
 * offset, feature), no stack trace; {@code skip} drops each and counts it in the report.
 */
class InvalidExamplesCommandTest {
  private static final int RECORDS = 40;
  /** Record 3 is not protobuf; 17 lacks its label; 30 has a label of the wrong type. */
  private static final Set<Integer> BAD = Set.of(3, 17, 30);

  @TempDir Path dir;
  private Path shard;

  @BeforeEach
  void writeShard() throws IOException {
    shard = dir.resolve("part-00000-of-00001.tfrecord");
    ExampleEncoder encoder = new ExampleEncoder();
    try (TFRecordWriter writer = TFRecordWriter.open(shard, Compression.NONE)) {
      for (int i = 0; i < RECORDS; i++) {
        encoder.clear().putFloats("features", new float[] {i, -i});
        if (i == 3) {
          writer.write(new byte[] {0x0A, 0x7F, 0x01});
          continue;
        }
        if (i == 30) {
          encoder.putFloat("label", 1f);
        } else if (i != 17) {
          encoder.putInt64("label", i % 10);
        }
        writer.write(encoder.toByteArray());
      }
    }
  }

  private Path config(String policy) throws IOException {
    Path config = dir.resolve(policy + ".yaml");
    Files.writeString(config, """
        version: 1
        source:
          tfrecord:
            files: ["%s"]
            on_corrupt: %s
        stages:
          - parse_example:
              features:
                features: {type: float32, shape: [2]}
                label: {type: int64}
          - batch: {batch_size: 4}
        """.formatted(shard, policy));
    return config;
  }

  @Test
  void failExitsThreeNamingTheRecordWithoutAStackTrace() throws IOException {
    Cli.Outcome run = Cli.run("run", config("fail").toString());

    assertThat(run.exitCode()).as(run.err()).isEqualTo(3);
    assertThat(run.err())
        .contains(shard.toString())
        .contains("record 3")
        .contains("not a valid tf.train.Example")
        .doesNotContain("internal error")
        .doesNotContain("\tat ");
  }

  @Test
  void skipDropsAndCountsEachInvalidRecord() throws IOException {
    Cli.Outcome run = Cli.run("run", "--json", config("skip").toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode json = run.json();
    assertThat(json.get("records").asLong()).isEqualTo(RECORDS - BAD.size());
    // Every batch full but the last: 37 rows make nine batches of four and one of one.
    assertThat(json.get("batches").asLong()).isEqualTo(10);
    assertThat(json.get("skipped").get("corrupt_records").asLong()).isEqualTo(BAD.size());
  }
}
