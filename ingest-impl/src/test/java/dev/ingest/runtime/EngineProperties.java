package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.Dataset;
import dev.ingest.PipelineOptions;
import dev.ingest.PipelineSpec.ShardBy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The engine's promises over random layouts (file sizes, empty files included) and random
 * stages: in every epoch the shards are disjoint and complete, and the thread count changes
 * nothing.
 */
class EngineProperties {

  @Property(tries = 25)
  void shardsCoverTheDataOnceEveryEpochAtAnyThreadCount(
      @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 0, max = 40) Integer> recordsPerFile,
      @ForAll @IntRange(min = 1, max = 4) int numShards,
      @ForAll ShardBy shardBy,
      @ForAll boolean shuffleFiles,
      @ForAll @IntRange(min = 0, max = 64) int shuffleBuffer,
      @ForAll @IntRange(min = 1, max = 4) int cycleLength,
      @ForAll @IntRange(min = 1, max = 5) int blockLength,
      @ForAll @IntRange(min = 1, max = 9) int batchSize,
      @ForAll @IntRange(min = 2, max = 4) int threads,
      @ForAll long seed)
      throws IOException {
    Path dir = Files.createTempDirectory("engine-properties");
    try {
      int total =
          IdRecords.write(dir, recordsPerFile.stream().mapToInt(Integer::intValue).toArray());
      List<Set<Long>> unionPerEpoch = List.of(new HashSet<>(), new HashSet<>());
      int sizes = 0;
      for (int index = 0; index < numShards; index++) {
        Dataset dataset = Dataset.tfrecord(dir.toString())
            .parseExample(IdRecords.SPEC)
            .shard(numShards, index, shardBy)
            .shuffleFiles(shuffleFiles)
            .interleave(cycleLength, blockLength)
            .shuffle(shuffleBuffer)
            .batch(batchSize, false)
            .repeat(2);
        List<List<Long>> batches =
            IdRecords.batches(dataset.withOptions(options(1, seed)));
        assertThat(IdRecords.batches(dataset.withOptions(options(threads, seed))))
            .as("shard %s at %s threads", index, threads).isEqualTo(batches);
        for (List<Long> batch : batches) {
          assertThat(batch.size()).isBetween(1, batchSize);
        }
        // A shard's share has the same size every epoch, so the output halves are its epochs.
        List<Long> ids = batches.stream().flatMap(List::stream).toList();
        assertThat(ids.size() % 2).isZero();
        List<List<Long>> epochs =
            List.of(ids.subList(0, ids.size() / 2), ids.subList(ids.size() / 2, ids.size()));
        if (shardBy == ShardBy.FILE || !shuffleFiles) {
          // The same records every epoch. (Record shards of a shuffled file order take other
          // positions each epoch: still disjoint and complete together, epoch by epoch.)
          assertThat(epochs.get(1)).containsExactlyInAnyOrderElementsOf(epochs.get(0));
        }
        for (int epoch = 0; epoch < 2; epoch++) {
          assertThat(epochs.get(epoch)).doesNotHaveDuplicates();
          for (long id : epochs.get(epoch)) {
            assertThat(unionPerEpoch.get(epoch).add(id))
                .as("record %s is in two shards in epoch %s", id, epoch).isTrue();
          }
        }
        sizes += epochs.get(0).size();
      }
      assertThat(sizes).isEqualTo(total);
      for (Set<Long> union : unionPerEpoch) {
        assertThat(union).containsExactlyInAnyOrderElementsOf(IdRecords.range(total));
      }
    } finally {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  private static PipelineOptions options(int threads, long seed) {
    return PipelineOptions.defaults().withThreads(threads).withSeed(seed);
  }
}
