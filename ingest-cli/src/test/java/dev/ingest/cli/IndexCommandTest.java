package dev.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.TFRecordWriter;
import dev.ingest.tfrecord.index.RecordIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ingest index}: a sidecar beside each shard, its output, its exit codes. */
class IndexCommandTest {
  @TempDir Path dir;
  private Path first;
  private Path second;

  @BeforeEach
  void writeTwoShards() {
    Cli.Outcome gen = Cli.run("gen", "--kind", "text", "--out", dir.toString(), "--records", "25",
        "--shards", "2");
    assertThat(gen.exitCode()).as(gen.err()).isZero();
    first = dir.resolve("part-00000-of-00002.tfrecord");
    second = dir.resolve("part-00001-of-00002.tfrecord");
  }

  @Test
  void indexingAFolderWritesASidecarPerShardAndLeavesItsCountAsItWas() throws IOException {
    Cli.Outcome before = Cli.run("count", "--json", dir.toString());

    Cli.Outcome index = Cli.run("index", dir.toString());

    assertThat(index.exitCode()).as(index.err()).isZero();
    assertThat(RecordIndex.sidecarOf(first)).exists();
    assertThat(RecordIndex.sidecarOf(second)).exists();
    assertThat(index.out()).contains(first.toString(), second.toString())
        .contains("25 records  total (2 shards indexed)");
    assertThat(RecordIndex.loadBeside(first).count()).isEqualTo(13);
    Cli.Outcome after = Cli.run("count", "--json", dir.toString());
    assertThat(after.exitCode()).as(after.err()).isZero();
    assertThat(after.json()).isEqualTo(before.json());

    Cli.Outcome again = Cli.run("index", dir + "/*");
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(again.err()).as("the glob leaves the sidecars out").isEmpty();
    assertThat(again.out()).contains("(2 shards indexed)");
  }

  @Test
  void aSidecarNamedAsAPathIsPassedOverWithANote() {
    Path sidecar = RecordIndex.sidecarOf(first);
    assertThat(Cli.run("index", first.toString()).exitCode()).isZero();

    Cli.Outcome index = Cli.run("index", first.toString(), sidecar.toString());

    assertThat(index.exitCode()).as(index.err()).isZero();
    assertThat(index.err()).contains("passed over " + sidecar);
    assertThat(index.out()).contains("13 records  total (1 shard indexed)");
  }

  @Test
  void jsonNamesEachShardItsRecordsItsIndexAndItsSize() throws IOException {
    Cli.Outcome index = Cli.run("index", "--json", second.toString(), first.toString());

    assertThat(index.exitCode()).as(index.err()).isZero();
    JsonNode json = index.json();
    assertThat(json.get("total").asLong()).isEqualTo(25);
    JsonNode files = json.get("files");
    assertThat(files).hasSize(2);
    JsonNode firstEntry = files.get(0);
    assertThat(firstEntry.get("path").asText()).isEqualTo(first.toString());
    assertThat(firstEntry.get("records").asLong()).isEqualTo(13);
    assertThat(firstEntry.get("index").asText())
        .isEqualTo(RecordIndex.sidecarOf(first).toString());
    assertThat(firstEntry.get("bytes").asLong())
        .isEqualTo(Files.size(RecordIndex.sidecarOf(first)));
    assertThat(files.get(1).get("records").asLong()).isEqualTo(12);
  }

  @Test
  void aCorruptShardIsExitThreeAndGetsNoIndex() throws IOException {
    byte[] bytes = Files.readAllBytes(second);
    bytes[30] ^= 1;
    Files.write(second, bytes);

    Cli.Outcome index = Cli.run("index", "--json", dir.toString());

    assertThat(index.exitCode()).isEqualTo(ExitCode.BAD_DATA);
    assertThat(index.err()).contains(second.toString());
    assertThat(index.json().get("exit_code").asInt()).isEqualTo(3);
    assertThat(RecordIndex.sidecarOf(second)).doesNotExist();
  }

  @Test
  void aCompressedShardIsExitTwoSayingWhy() throws IOException {
    Path compressed = dir.resolve("c.tfrecord.gz");
    try (TFRecordWriter writer = TFRecordWriter.open(compressed, Compression.GZIP)) {
      writer.write(new byte[] {1, 2, 3});
    }

    Cli.Outcome index = Cli.run("index", compressed.toString());

    assertThat(index.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(index.err()).contains(compressed.toString())
        .contains("cannot be entered at a record").contains("uncompressed");
    assertThat(RecordIndex.sidecarOf(compressed)).doesNotExist();
  }

  @Test
  void aPathMatchingNothingIsExitTwoNamingIt() {
    String missing = dir.resolve("absent").toString();

    Cli.Outcome index = Cli.run("index", missing);

    assertThat(index.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(index.err()).contains(missing);
  }
}
