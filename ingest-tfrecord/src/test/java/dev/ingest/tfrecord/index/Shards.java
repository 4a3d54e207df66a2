package dev.ingest.tfrecord.index;

import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.TFRecordWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Writes test shards. */
final class Shards {
  private Shards() {}

  static Path write(Path file, Compression compression, List<byte[]> records) throws IOException {
    try (TFRecordWriter writer = TFRecordWriter.open(file, compression)) {
      for (byte[] record : records) {
        writer.write(record);
      }
    }
    return file;
  }

  static Path write(Path file, List<byte[]> records) throws IOException {
    return write(file, Compression.NONE, records);
  }
}
