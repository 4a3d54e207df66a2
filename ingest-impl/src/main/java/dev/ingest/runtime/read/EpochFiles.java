package dev.ingest.runtime.read;

import dev.ingest.PipelineSpec.ShardBy;
import dev.ingest.PipelineSpec.SourceSpec;
import dev.ingest.runtime.shuffle.Seeds;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The files a shard reads in one epoch, in order: sharded by file (every {@code numShards}-th of
 * the sorted list, starting at the shard's index) and then, when asked, shuffled from (seed,
 * epoch). Sharding comes first, so a shard's files are the same every epoch; only their order
 * changes. Record sharding keeps every file here and drops records later.
 */
public final class EpochFiles {
  private EpochFiles() {}

  public static List<Path> forEpoch(List<Path> sortedFiles, SourceSpec source, long seed, long epoch) {
    List<Path> files = ofShard(sortedFiles, source);
    if (source.shuffleFiles()) {
      Collections.shuffle(files, new java.util.Random(Seeds.random(seed, epoch, Seeds.FILE_ORDER).nextLong()));
    }
    return files;
  }

  /** The files the shard reads every epoch, in sorted order. */
  public static List<Path> ofShard(List<Path> sortedFiles, SourceSpec source) {
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < sortedFiles.size(); i++) {
      if (source.shardBy() == ShardBy.RECORD || i % source.numShards() == source.shardIndex()) {
        files.add(sortedFiles.get(i));
      }
    }
    return files;
  }
}
