package dev.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ingest.tfrecord.TFRecordReader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged shards: validate reports each problem precisely (exit 3); count fails on the first. */
class CorruptionTest {
  private static final int HEADER_BYTES = 12;

  @TempDir Path dir;
  private Path first;
  private Path second;
  private List<Long> offsets;

  @BeforeEach
  void writeTwoShards() throws IOException {
    Cli.Outcome gen = Cli.run("gen", "--kind", "text", "--out", dir.toString(), "--records", "20",
        "--shards", "2");
    assertThat(gen.exitCode()).as(gen.err()).isZero();
    first = dir.resolve("part-00000-of-00002.tfrecord");
    second = dir.resolve("part-00001-of-00002.tfrecord");
    offsets = new ArrayList<>();
    try (TFRecordReader reader = TFRecordReader.open(first)) {
      while (reader.advance()) {
        offsets.add(reader.recordOffset());
      }
    }
    assertThat(offsets).hasSize(10);
  }

  @Test
  void aFlippedDataByteIsADataCrcProblemAtThatRecord() throws IOException {
    flipByte(first, offsets.get(3) + HEADER_BYTES + 5);

    Cli.Outcome validate = Cli.run("validate", "--json", dir.toString());

    assertThat(validate.exitCode()).isEqualTo(3);
    JsonNode json = validate.json();
    assertThat(json.get("ok").asBoolean()).isFalse();
    // The damaged record is skipped; the framing is intact, so the other 19 are read.
    assertThat(json.get("records").asLong()).isEqualTo(19);
    assertThat(json.get("problems")).hasSize(1);
    JsonNode problem = json.get("problems").get(0);
    assertThat(problem.get("path").asText()).isEqualTo(first.toString());
    assertThat(problem.get("kind").asText()).isEqualTo("data_crc");
    assertThat(problem.get("offset").asLong()).isEqualTo(offsets.get(3));
    assertThat(problem.get("record").asLong()).isEqualTo(3);
  }

  @Test
  void countFailsOnTheFirstProblemWithItsMessage() throws IOException {
    flipByte(first, offsets.get(3) + HEADER_BYTES + 5);

    Cli.Outcome count = Cli.run("count", dir.toString());
    Cli.Outcome countJson = Cli.run("count", "--json", dir.toString());

    assertThat(count.exitCode()).isEqualTo(3);
    assertThat(count.err()).contains(first.toString(), "offset " + offsets.get(3), "data CRC");
    assertThat(countJson.exitCode()).isEqualTo(3);
    assertThat(countJson.json().get("exit_code").asInt()).isEqualTo(3);
    assertThat(countJson.json().get("problem").get("kind").asText()).isEqualTo("data_crc");
  }

  @Test
  void aTruncatedFileIsReportedAndTheNextFileIsStillRead() throws IOException {
    truncate(first, offsets.get(5) + HEADER_BYTES + 2);

    Cli.Outcome validate = Cli.run("validate", "--json", first.toString(), second.toString());

    assertThat(validate.exitCode()).isEqualTo(3);
    JsonNode json = validate.json();
    assertThat(json.get("records").asLong()).isEqualTo(5 + 10);
    assertThat(json.get("problems")).hasSize(1);
    JsonNode problem = json.get("problems").get(0);
    assertThat(problem.get("path").asText()).isEqualTo(first.toString());
    assertThat(problem.get("kind").asText()).isEqualTo("truncated");
    assertThat(problem.get("offset").asLong()).isEqualTo(offsets.get(5));
    assertThat(problem.get("record").asLong()).isEqualTo(5);
    assertThat(json.get("files").get(1).get("records").asLong()).isEqualTo(10);
  }

  @Test
  void aDamagedLengthEndsThatFileOnly() throws IOException {
    flipByte(first, offsets.get(2) + 1);
    flipByte(second, 3);

    Cli.Outcome validate = Cli.run("validate", "--json", dir + "/part-*");

    assertThat(validate.exitCode()).isEqualTo(3);
    JsonNode problems = validate.json().get("problems");
    assertThat(problems).hasSize(2);
    assertThat(problems.get(0).get("kind").asText()).isEqualTo("length_crc");
    assertThat(problems.get(0).get("record").asLong()).isEqualTo(2);
    assertThat(problems.get(1).get("path").asText()).isEqualTo(second.toString());
    assertThat(problems.get(1).get("offset").asLong()).isZero();
    assertThat(validate.json().get("records").asLong()).isEqualTo(2);
  }

  @Test
  void humanOutputNamesTheFileAndTheProblem() throws IOException {
    flipByte(first, offsets.get(3) + HEADER_BYTES + 5);

    Cli.Outcome validate = Cli.run("validate", dir.toString());

    assertThat(validate.exitCode()).isEqualTo(3);
    assertThat(validate.out())
        .contains("FAILED", first.toString(), "data_crc at offset " + offsets.get(3) + " (record 3)");
  }

  @Test
  void problemsPastTheReadersFirstBufferAreFoundAtTheirRecord() throws IOException {
    // 400 image records are about 1.2 MiB: several of the reader's 256 KiB buffers, so records
    // straddle buffer ends, where stale indices once gave false CRC errors.
    Path big = dir.resolve("big");
    assertThat(Cli.run("gen", "--kind", "image", "--out", big.toString(), "--records", "400",
        "--shards", "1").exitCode()).isZero();
    Path shard = big.resolve("part-00000-of-00001.tfrecord");
    List<Long> bigOffsets = new ArrayList<>();
    try (TFRecordReader reader = TFRecordReader.open(shard)) {
      while (reader.advance()) {
        bigOffsets.add(reader.recordOffset());
      }
    }
    assertThat(Cli.run("count", "--json", shard.toString()).json().get("total").asLong())
        .isEqualTo(400);
    flipByte(shard, bigOffsets.get(333) + HEADER_BYTES + 100);

    Cli.Outcome validate = Cli.run("validate", "--json", shard.toString());

    assertThat(validate.exitCode()).isEqualTo(3);
    assertThat(validate.json().get("records").asLong()).isEqualTo(399);
    JsonNode problem = validate.json().get("problems").get(0);
    assertThat(validate.json().get("problems")).hasSize(1);
    assertThat(problem.get("kind").asText()).isEqualTo("data_crc");
    assertThat(problem.get("record").asLong()).isEqualTo(333);
    assertThat(problem.get("offset").asLong()).isEqualTo(bigOffsets.get(333));
  }

  @Test
  void aTruncatedGzipStreamIsTruncated() throws IOException {
    Path gz = dir.resolve("gz");
    assertThat(Cli.run("gen", "--kind", "image", "--out", gz.toString(), "--records", "5",
        "--shards", "1", "--compression", "gzip").exitCode()).isZero();
    Path shard = gz.resolve("part-00000-of-00001.tfrecord");
    long length;
    try (RandomAccessFile file = new RandomAccessFile(shard.toFile(), "r")) {
      length = file.length();
    }
    truncate(shard, length / 2);

    Cli.Outcome validate = Cli.run("validate", "--json", shard.toString());

    assertThat(validate.exitCode()).isEqualTo(3);
    assertThat(validate.json().get("problems").get(0).get("kind").asText()).isEqualTo("truncated");
  }

  @Test
  void aPlainFileReadAsGzipIsBadCompression() {
    Cli.Outcome validate = Cli.run("validate", "--compression", "gzip", "--json", first.toString());
    Cli.Outcome count = Cli.run("count", "--compression", "gzip", first.toString());

    assertThat(validate.exitCode()).isEqualTo(3);
    JsonNode problem = validate.json().get("problems").get(0);
    assertThat(problem.get("kind").asText()).isEqualTo("bad_compression");
    assertThat(problem.get("path").asText()).isEqualTo(first.toString());
    assertThat(count.exitCode()).isEqualTo(3);
    assertThat(count.err()).contains(first.toString(), "bad compression");
  }

  @Test
  void aRunThatFailsMidwayLeavesNoDigestLog() throws IOException {
    // Record 7 of the first shard: the run has handed out batches before it reaches it.
    flipByte(first, offsets.get(7) + HEADER_BYTES + 5);
    Path config = dir.resolve("text.yaml");
    Files.writeString(config, """
        version: 1
        source:
          tfrecord:
            files: ["%s/*.tfrecord"]
            shuffle_files: false
            interleave: {cycle_length: 1, block_length: 1}
        stages:
          - parse_example:
              features:
                tokens: {type: int64, var_len: true}
          - batch: {batch_size: 2}
        """.formatted(dir));
    Path log = dir.resolve("digests.txt");

    Cli.Outcome run = Cli.run("run", config.toString(), "--digest-log", log.toString());

    assertThat(run.exitCode()).as(run.err()).isEqualTo(3);
    assertThat(run.err()).contains(first.toString());
    assertThat(log).doesNotExist();
    assertThat(dir.resolve("digests.txt.partial")).doesNotExist();
  }

  private static void flipByte(Path file, long offset) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(offset);
      int value = raf.read();
      raf.seek(offset);
      raf.write(value ^ 0x40);
    }
  }

  private static void truncate(Path file, long length) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(length);
    }
  }
}
