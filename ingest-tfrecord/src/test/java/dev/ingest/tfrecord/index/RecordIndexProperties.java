package dev.ingest.tfrecord.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.tfrecord.TFRecordReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

class RecordIndexProperties {

  /**
   * Sizes up to 3000 bytes cover empty records, one-byte varints and two-byte ones (from 128);
   * the sidecar's offsets, rebuilt from the lengths, must be where the reader found each record.
   */
  @Property(tries = 150)
  void theIndexAndItsSidecarSayWhereTheReaderFindsEveryRecord(
      @ForAll @Size(max = 60) List<@Size(max = 3000) byte[]> records) throws IOException {
    Path dir = Files.createTempDirectory("index");
    try {
      Path shard = Shards.write(dir.resolve("part-0.tfrecord"), records);
      List<long[]> read = new ArrayList<>();
      try (TFRecordReader reader = TFRecordReader.open(shard)) {
        while (reader.advance()) {
          read.add(new long[] {reader.recordOffset(), reader.recordLength()});
        }
      }

      RecordIndex built = RecordIndex.build(shard);
      built.writeBeside(shard);
      RecordIndex loaded = RecordIndex.loadBeside(shard);

      for (RecordIndex index : List.of(built, loaded)) {
        assertThat(index.count()).isEqualTo(records.size());
        for (int i = 0; i < records.size(); i++) {
          assertThat(index.offset(i)).as("offset of record %d", i).isEqualTo(read.get(i)[0]);
          assertThat(index.length(i)).as("length of record %d", i).isEqualTo(read.get(i)[1]);
        }
      }
      assertThat(Files.size(RecordIndex.sidecarOf(shard))).isEqualTo(built.encodedSize());
    } finally {
      try (var paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }
}
