package dev.ingest.runtime.read;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.TFRecordWriter;
import dev.ingest.tfrecord.index.RecordIndex;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Shards for the tests of {@link IndexedShards}, and what those tests check of it. */
final class IndexShardFiles {
  private IndexShardFiles() {}

  /**
   * Random records for files of the counts given, of lengths 0 to 299 (one- and two-byte varints
   * in the sidecar), the same for the same counts.
   */
  static List<List<byte[]>> contents(int... counts) {
    Random random = new Random(23);
    List<List<byte[]>> files = new ArrayList<>();
    for (int count : counts) {
      List<byte[]> records = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        byte[] record = new byte[random.nextInt(300)];
        random.nextBytes(record);
        records.add(record);
      }
      files.add(records);
    }
    return files;
  }

  /** Writes {@code part-0000i.tfrecord} for the i-th list of records, uncompressed. */
  static List<Path> write(Path dir, List<List<byte[]>> contents) throws IOException {
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < contents.size(); i++) {
      files.add(write(dir.resolve(String.format("part-%05d.tfrecord", i)), Compression.NONE,
          contents.get(i)));
    }
    return files;
  }

  static Path write(Path file, Compression compression, List<byte[]> records)
      throws IOException {
    try (TFRecordWriter writer = TFRecordWriter.open(file, compression)) {
      for (byte[] record : records) {
        writer.write(record);
      }
    }
    return file;
  }

  /** The names of the live threads of an index build. */
  static List<String> indexThreadsAlive() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
        .map(Thread::getName).filter(name -> name.startsWith("ingest-index-")).toList();
  }

  /**
   * Every id of {@code shards}, in order, is the next record of the files, which each index (one
   * a file) places where it says, with the length it was written with.
   */
  static void assertEveryIdReadsItsRecord(IndexedShards shards, List<RecordIndex> indexes,
      List<List<byte[]>> contents) {
    long total = contents.stream().mapToLong(List::size).sum();
    assertThat(shards.records()).isEqualTo(total);
    assertThat(shards.fileCount()).isEqualTo(contents.size());
    long id = 0;
    for (int file = 0; file < contents.size(); file++) {
      assertThat(shards.firstId(file)).as("first id of file %d", file).isEqualTo(id);
      for (int i = 0; i < contents.get(file).size(); i++, id++) {
        assertThat(shards.fileOf(id)).as("file of id %d", id).isEqualTo(file);
        assertThat(shards.indexInFile(id)).as("index in file of id %d", id).isEqualTo(i);
        assertThat(shards.offset(id)).as("offset of id %d", id)
            .isEqualTo(indexes.get(file).offset(i));
        assertThat(shards.length(id)).as("length of id %d", id)
            .isEqualTo(contents.get(file).get(i).length)
            .isEqualTo(indexes.get(file).length(i));
      }
    }
    assertThat(id).isEqualTo(shards.records());
  }
}
