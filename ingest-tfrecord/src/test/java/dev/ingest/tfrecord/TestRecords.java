package dev.ingest.tfrecord;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Writing and reading whole files of records, for tests. */
final class TestRecords {
  private TestRecords() {}

  static Path write(Path file, Compression compression, List<byte[]> records) throws IOException {
    try (TFRecordWriter writer = TFRecordWriter.open(file, compression)) {
      for (byte[] record : records) {
        writer.write(record);
      }
    }
    return file;
  }

  static List<byte[]> readAll(Path file, TFRecordReaderOptions options) throws IOException {
    List<byte[]> records = new ArrayList<>();
    try (TFRecordReader reader = TFRecordReader.open(file, options)) {
      for (ByteBuf record = reader.next(); record != null; record = reader.next()) {
        records.add(ByteBufUtil.getBytes(record));
      }
    }
    return records;
  }

  static List<byte[]> readAll(Path file) throws IOException {
    return readAll(file, TFRecordReaderOptions.defaults());
  }

  /** Records of the given sizes filled with seeded random bytes. */
  static List<byte[]> randomRecords(long seed, int... sizes) {
    SplittableRandom random = new SplittableRandom(seed);
    List<byte[]> records = new ArrayList<>(sizes.length);
    for (int size : sizes) {
      byte[] record = new byte[size];
      random.nextBytes(record);
      records.add(record);
    }
    return records;
  }
}
