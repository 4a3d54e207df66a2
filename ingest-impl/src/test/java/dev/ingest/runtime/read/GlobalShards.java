package dev.ingest.runtime.read;

import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.TFRecordWriter;
import dev.ingest.tfrecord.index.RecordIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Plain TFRecord shards of random records, indexed, with every record's bytes kept by global id
 * so that a test can check what a reader hands out.
 */
final class GlobalShards {
  final List<Path> files = new ArrayList<>();
  final List<byte[]> records = new ArrayList<>();

  /**
   * Writes {@code recordsPerFile.length} shards into {@code dir}, each record of a random length
   * in {@code [0, maxLength]} with random bytes drawn from {@code seed}.
   */
  static GlobalShards write(Path dir, long seed, int maxLength, int... recordsPerFile)
      throws IOException {
    Files.createDirectories(dir);
    GlobalShards shards = new GlobalShards();
    Random random = new Random(seed);
    for (int f = 0; f < recordsPerFile.length; f++) {
      Path file = dir.resolve(String.format("part-%05d.tfrecord", f));
      try (TFRecordWriter writer = TFRecordWriter.open(file, Compression.NONE)) {
        for (int i = 0; i < recordsPerFile[f]; i++) {
          byte[] record = new byte[random.nextInt(maxLength + 1)];
          random.nextBytes(record);
          writer.write(record);
          shards.records.add(record);
        }
      }
      shards.files.add(file);
    }
    return shards;
  }

  /** The shards as they are now, each indexed from its bytes. */
  IndexedShards indexed() throws IOException {
    List<RecordIndex> indexes = new ArrayList<>();
    for (Path file : files) {
      indexes.add(RecordIndex.build(file));
    }
    return IndexedShards.of(files, indexes);
  }

  /** A random order of every record, as a permutation array drawn from {@code seed}. */
  long[] shuffled(long seed) {
    long[] order = new long[records.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Random random = new Random(seed);
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      long swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    return order;
  }
}
