package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.ingest.Dataset;
import dev.ingest.PipelineOptions;
import dev.ingest.PipelineSpec.ShardBy;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** shard(n, i): the n shards are pairwise disjoint and together the whole dataset. */
class ShardTest {
  @TempDir static Path dir;
  static int total;

  @BeforeAll
  static void write() throws IOException {
    total = IdRecords.write(dir, 31, 17, 40, 5, 23, 38, 12);
  }

  @ParameterizedTest(name = "{0}, shuffle_files {1}")
  @CsvSource({"FILE, false", "FILE, true", "RECORD, false", "RECORD, true"})
  void shardsAreDisjointAndComplete(ShardBy by, boolean shuffleFiles) {
    for (int numShards = 1; numShards <= 5; numShards++) {
      Set<Long> union = new HashSet<>();
      int sizes = 0;
      for (int index = 0; index < numShards; index++) {
        List<Long> ids = new ArrayList<>(IdRecords.ids(Dataset.tfrecord(dir.toString())
            .parseExample(IdRecords.SPEC)
            .shard(numShards, index, by)
            .shuffleFiles(shuffleFiles)
            .interleave(3, 4)
            .shuffle(16)
            .batch(8, false)
            .withOptions(PipelineOptions.defaults().withThreads(2).withSeed(11))));
        assertThat(ids).as("shard %s of %s has no duplicates", index, numShards)
            .doesNotHaveDuplicates();
        for (long id : ids) {
          assertThat(union.add(id)).as("record %s is in two of %s shards", id, numShards).isTrue();
        }
        sizes += ids.size();
      }
      assertThat(sizes).isEqualTo(total);
      assertThat(union).as("the %s shards together", numShards)
          .containsExactlyInAnyOrderElementsOf(IdRecords.range(total));
    }
  }

  @Test
  void aShardWithNoFilesEndsEvenWhenRepeatedForever() {
    // 7 files in 10 shards by file: shards 7, 8 and 9 get none. An endless repeat of nothing
    // must end, not spin.
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      for (int index = 7; index < 10; index++) {
        assertThat(IdRecords.ids(Dataset.tfrecord(dir.toString())
            .parseExample(IdRecords.SPEC)
            .shard(10, index, ShardBy.FILE)
            .batch(8, false)
            .repeat(-1))).isEmpty();
      }
    });
  }
}
