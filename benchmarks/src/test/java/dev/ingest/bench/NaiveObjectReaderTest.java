package dev.ingest.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.sample.SampleDatasets;
import dev.ingest.tfrecord.sample.SampleKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The naive reader's framing of a whole object: the records the file reader sees, CRCs checked. */
class NaiveObjectReaderTest {
  @TempDir Path directory;

  @Test
  void aWholeObjectGivesTheRecordsTheStreamReaderGives() throws IOException {
    Path shard = writeOneShard();
    List<byte[]> expected = new ArrayList<>();
    try (NaiveRecordStream stream = new NaiveRecordStream(List.of(shard), false)) {
      for (byte[] record = stream.next(); record != null; record = stream.next()) {
        expected.add(record);
      }
    }

    List<byte[]> records = NaiveObjectReader.records(Files.readAllBytes(shard), "shard");

    assertThat(records).hasSize(50);
    for (int i = 0; i < records.size(); i++) {
      assertThat(records.get(i)).isEqualTo(expected.get(i));
    }
  }

  @Test
  void aFlippedByteOrACutObjectIsAnError() throws IOException {
    byte[] bytes = Files.readAllBytes(writeOneShard());
    byte[] flipped = bytes.clone();
    flipped[bytes.length / 2] ^= 1;
    assertThatThrownBy(() -> NaiveObjectReader.records(flipped, "shard"))
        .isInstanceOf(IOException.class).hasMessageContaining("CRC mismatch in shard");
    byte[] cut = Arrays.copyOf(bytes, bytes.length - 3);
    assertThatThrownBy(() -> NaiveObjectReader.records(cut, "shard"))
        .isInstanceOf(IOException.class).hasMessageContaining("truncated");
  }

  private Path writeOneShard() throws IOException {
    SampleDatasets.write(SampleKind.TEXT, directory, 50, 1, Compression.NONE, 7);
    return directory.resolve(SampleDatasets.shardName(0, 1));
  }
}
