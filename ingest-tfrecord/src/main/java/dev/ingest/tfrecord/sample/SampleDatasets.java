package dev.ingest.tfrecord.sample;

import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.StoragePaths;
import dev.ingest.tfrecord.TFRecordWriter;
import dev.ingest.tfrecord.example.ExampleEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes sample TFRecord shards of {@code tf.train.Example}s: what {@code ingest gen} writes, and
 * what tests and benchmarks read.
 *
 * <p>Shard {@code i} of {@code K} is {@code part-0000i-of-0000K.tfrecord} and holds {@code N / K}
 * records, one more for the first {@code N % K} shards. Shard {@code i} draws from the {@code
 * i}-th split of a {@link SplittableRandom} seeded with the seed, so the files are the same bytes
 * for the same arguments. Every shard is written to a hidden temporary file in the output folder
 * and renamed into place only when all are complete, so a failed run leaves no partial shard.
 */
public final class SampleDatasets {
  private SampleDatasets() {}

  /** One shard as written. */
  public record Shard(Path path, long records, long bytes) {}

  /** What a run wrote. */
  public record Result(SampleKind kind, Compression compression, long seed, List<Shard> shards) {
    public long records() {
      return shards.stream().mapToLong(Shard::records).sum();
    }

    public long bytes() {
      return shards.stream().mapToLong(Shard::bytes).sum();
    }
  }

  /**
   * Writes {@code records} examples of {@code kind} into {@code shards} shard files in {@code out}
   * (see the class comment).
   */
  public static Result write(
      SampleKind kind, Path out, long records, int shards, Compression compression, long seed)
      throws IOException {
    Files.createDirectories(out);
    SplittableRandom root = new SplittableRandom(seed);
    List<Path> temporaries = new ArrayList<>();
    List<Shard> written = new ArrayList<>();
    boolean complete = false;
    try {
      ExampleEncoder encoder = new ExampleEncoder();
      for (int shard = 0; shard < shards; shard++) {
        SplittableRandom random = root.split();
        long shardRecords = records / shards + (shard < records % shards ? 1 : 0);
        String name = shardName(shard, shards);
        Path temporary = Files.createTempFile(out, "." + name + ".", ".tmp");
        temporaries.add(temporary);
        try (TFRecordWriter writer = TFRecordWriter.open(temporary, compression)) {
          for (long i = 0; i < shardRecords; i++) {
            encoder.clear();
            kind.next(random, encoder);
            writer.write(encoder.toByteArray());
          }
        }
        written.add(new Shard(out.resolve(name), shardRecords, Files.size(temporary)));
      }
      // On the local disk a rename is atomic. An object store has no rename: its move is a copy
      // and a delete, but the copy appears whole or not at all, which is what matters here.
      StandardCopyOption[] move = StoragePaths.isLocal(out)
          ? new StandardCopyOption[] {StandardCopyOption.ATOMIC_MOVE}
          : new StandardCopyOption[] {StandardCopyOption.REPLACE_EXISTING};
      for (int shard = 0; shard < shards; shard++) {
        Files.move(temporaries.get(shard), written.get(shard).path(), move);
      }
      complete = true;
    } finally {
      if (!complete) {
        for (Path temporary : temporaries) {
          Files.deleteIfExists(temporary);
        }
      }
    }
    return new Result(kind, compression, seed, List.copyOf(written));
  }

  /** {@code part-00003-of-00008.tfrecord}. */
  public static String shardName(int shard, int shards) {
    return String.format("part-%05d-of-%05d.tfrecord", shard, shards);
  }
}
