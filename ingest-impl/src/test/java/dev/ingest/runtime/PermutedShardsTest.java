package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.Dataset;
import dev.ingest.PipelineOptions;
import dev.ingest.PipelineSpec.ShardBy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shuffle after a cache of rows under record sharding: each trainer takes every n-th place of
 * one permutation, so in every epoch the shares are disjoint and together hold every row once.
 */
class PermutedShardsTest {
  @TempDir static Path dir;

  @Test
  void recordShardsOfAPermutationAreDisjointAndComplete() throws IOException {
    int total = IdRecords.write(dir, 40, 0, 33, 61);
    int shards = 3;
    int epochs = 3;
    List<List<List<Long>>> byShard = new ArrayList<>();
    for (int shard = 0; shard < shards; shard++) {
      Dataset dataset = Dataset.tfrecord(dir.toString())
          .parseExample(IdRecords.SPEC)
          .shard(shards, shard, ShardBy.RECORD)
          .cache()
          .shuffle(8)
          .batch(5, false)
          .repeat(epochs)
          .withOptions(PipelineOptions.defaults().withSeed(9).withThreads(2));
      int share = (total - shard + shards - 1) / shards;
      byShard.add(IdRecords.epochs(IdRecords.ids(dataset), share));
    }
    for (int epoch = 0; epoch < epochs; epoch++) {
      List<Long> union = new ArrayList<>();
      for (List<List<Long>> shard : byShard) {
        union.addAll(shard.get(epoch));
      }
      assertThat(union).as("epoch %d", epoch).hasSize(total)
          .containsExactlyInAnyOrderElementsOf(IdRecords.range(total));
    }
    assertThat(byShard.get(0).get(0)).as("a permutation, not the files' order")
        .isNotEqualTo(byShard.get(0).get(0).stream().sorted().toList());
    assertThat(byShard.get(0).get(1)).as("reshuffled each epoch")
        .isNotEqualTo(byShard.get(0).get(0));
  }
}
