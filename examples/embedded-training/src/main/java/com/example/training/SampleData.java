package com.example.training;

import dev.ingest.DType;
import dev.ingest.ExampleSpec;
import dev.ingest.FeatureSpec;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.TFRecordWriter;
import dev.ingest.tfrecord.example.ExampleEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Sample data standing in for a job's own TFRecord files: {@code tf.train.Example}s whose {@code
 * features} are {@value #FEATURES} standard normal floats and whose {@code label} (int64) is the
 * index of the largest of the first {@value #CLASSES}, a rule a linear model can learn.
 */
final class SampleData {
  static final int FEATURES = 16;
  static final int CLASSES = 4;

  /** How the pipeline parses these records: the names, types and shapes written below. */
  static final ExampleSpec SPEC = ExampleSpec.of(
      FeatureSpec.fixed("features", DType.FLOAT32, FEATURES),
      FeatureSpec.fixed("label", DType.INT64));

  private SampleData() {}

  /**
   * Writes {@code records} examples into {@code shards} TFRecord files in {@code folder}, unless
   * the folder exists. They are written into a sibling folder that is renamed when complete, so
   * an interrupted run never leaves a folder of partial files to be taken for finished ones.
   */
  static void writeIfAbsent(Path folder, int records, int shards, long seed) throws IOException {
    if (Files.isDirectory(folder)) {
      return;
    }
    Path partial = folder.resolveSibling(folder.getFileName() + ".partial");
    deleteRecursively(partial);
    Files.createDirectories(partial);
    Random random = new Random(seed);
    ExampleEncoder encoder = new ExampleEncoder();
    for (int shard = 0; shard < shards; shard++) {
      Path file = partial.resolve(String.format("part-%05d-of-%05d.tfrecord", shard, shards));
      try (TFRecordWriter writer = TFRecordWriter.open(file, Compression.NONE)) {
        for (int i = shard; i < records; i += shards) {
          float[] features = new float[FEATURES];
          for (int f = 0; f < FEATURES; f++) {
            features[f] = (float) random.nextGaussian();
          }
          writer.write(encoder.clear()
              .putFloats("features", features)
              .putInt64("label", label(features))
              .toByteArray());
        }
      }
    }
    Files.move(partial, folder, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The index of the largest of the first {@value #CLASSES} features. */
  static int label(float[] features) {
    int largest = 0;
    for (int k = 1; k < CLASSES; k++) {
      if (features[k] > features[largest]) {
        largest = k;
      }
    }
    return largest;
  }

  private static void deleteRecursively(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
