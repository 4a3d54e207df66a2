package dev.ingest.runtime.read;

import dev.ingest.runtime.read.IndexedShards.Missing;
import dev.ingest.tfrecord.TFRecordReaderOptions;
import dev.ingest.tfrecord.index.RecordIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class IndexedShardsProperties {

  /**
   * Shard sizes from 0 records, runs of empty shards among them, and indexes built by the load
   * itself: ids still run file by file, each to the offset and length its file's index says.
   */
  @Property(tries = 60)
  void everyIdIsTheNextRecordOfTheFilesWhereItsIndexSays(
      @ForAll @Size(max = 8) List<@IntRange(max = 12) Integer> counts) throws IOException {
    Path dir = Files.createTempDirectory("indexed-shards");
    try {
      List<List<byte[]>> contents =
          IndexShardFiles.contents(counts.stream().mapToInt(Integer::intValue).toArray());
      List<Path> files = IndexShardFiles.write(dir, contents);

      IndexedShards shards =
          IndexedShards.load(files, Missing.BUILD, TFRecordReaderOptions.defaults());

      List<RecordIndex> indexes = new ArrayList<>();
      for (Path file : files) {
        indexes.add(RecordIndex.loadBeside(file));
      }
      IndexShardFiles.assertEveryIdReadsItsRecord(shards, indexes, contents);
      IndexShardFiles.assertEveryIdReadsItsRecord(IndexedShards.of(files, indexes), indexes,
          contents);
    } finally {
      try (var paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }
}
