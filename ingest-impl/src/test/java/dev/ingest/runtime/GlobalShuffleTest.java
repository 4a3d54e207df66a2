package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import dev.ingest.Dataset;
import dev.ingest.PipelineOptions;
import dev.ingest.PipelineSpec.MissingIndex;
import dev.ingest.PipelineState;
import dev.ingest.tfrecord.index.RecordIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A global shuffle end to end: every epoch is a permutation of every record of every shard, new
 * each epoch and the same for a seed; for 1, 2, 4 and 8 trainers the union of their batches at
 * each step is the same global batch, at any thread count; a state saved at a random step resumes
 * with the uninterrupted batches, with the same or another number of trainers; a missing index is
 * refused or built.
 */
class GlobalShuffleTest {
  /** Shards of different sizes, one empty: ids run across shard boundaries. */
  private static final int[] RECORDS_PER_FILE = {37, 0, 81, 54, 29};
  private static final int RECORDS = 201;
  private static final int GLOBAL_BATCH = 16;

  @TempDir Path dir;

  @BeforeEach
  void writeIndexedShards() throws IOException {
    assertThat(IdRecords.write(dir, RECORDS_PER_FILE)).isEqualTo(RECORDS);
    index(dir);
  }

  private static void index(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path shard : files.filter(f -> f.toString().endsWith(".tfrecord")).toList()) {
        RecordIndex.build(shard).writeBeside(shard);
      }
    }
  }

  private Dataset dataset(int trainers, int trainer, int threads) {
    return Dataset.tfrecord(dir.toString())
        .parseExample(IdRecords.SPEC)
        .shard(trainers, trainer)
        .shuffleGlobal()
        .batch(GLOBAL_BATCH, false)
        .repeat(2)
        .withOptions(PipelineOptions.defaults().withSeed(11).withThreads(threads));
  }

  @Test
  void everyEpochIsAPermutationOfAllRecordsNewEachEpochAndTheSameForASeed() {
    List<Long> ids = IdRecords.ids(dataset(1, 0, 2));
    List<List<Long>> epochs = IdRecords.epochs(ids, RECORDS);
    for (List<Long> epoch : epochs) {
      assertThat(new TreeSet<>(epoch)).hasSize(RECORDS).first().isEqualTo(0L);
      assertThat(new TreeSet<>(epoch).last()).isEqualTo(RECORDS - 1L);
    }
    assertThat(epochs.get(0)).isNotEqualTo(epochs.get(1));
    // Not the order on disk, nor that order in a few long runs: a shuffle.
    long inOrder = 0;
    for (int i = 1; i < RECORDS; i++) {
      inOrder += epochs.get(0).get(i) == epochs.get(0).get(i - 1) + 1 ? 1 : 0;
    }
    assertThat(inOrder).isLessThan(10);
    assertThat(IdRecords.ids(dataset(1, 0, 1))).isEqualTo(ids);
    assertThat(IdRecords.ids(dataset(1, 0, 2)
        .withOptions(PipelineOptions.defaults().withSeed(12)))).isNotEqualTo(ids);
  }

  @Test
  void theUnionOfTheTrainersBatchesAtEachStepIsTheSameForOneTwoFourAndEightTrainers() {
    List<List<Long>> single = IdRecords.batches(dataset(1, 0, 2));
    List<Set<Long>> reference = single.stream().map(b -> (Set<Long>) new TreeSet<>(b)).toList();
    for (int trainers : new int[] {2, 4, 8}) {
      List<Set<Long>> union = new ArrayList<>();
      int[] counts = new int[trainers];
      for (int trainer = 0; trainer < trainers; trainer++) {
        // Thread and reader counts differ between trainers: the batches must not.
        List<List<Long>> batches = IdRecords.batches(dataset(trainers, trainer, 1 + trainer % 3)
            .interleave(4, 16, trainer % 3));
        for (int step = 0; step < batches.size(); step++) {
          if (union.size() <= step) {
            union.add(new TreeSet<>());
          }
          assertThat(batches.get(step).size()).isLessThanOrEqualTo(GLOBAL_BATCH / trainers);
          for (long id : batches.get(step)) {
            assertThat(union.get(step).add(id)).as("record %d twice at step %d", id, step).isTrue();
          }
          counts[trainer] += batches.get(step).size();
        }
      }
      assertThat(union).as("%d trainers", trainers).isEqualTo(reference);
      int least = java.util.Arrays.stream(counts).min().orElseThrow();
      int most = java.util.Arrays.stream(counts).max().orElseThrow();
      assertThat(most - least).as("two epochs' shares").isLessThanOrEqualTo(2);
    }
  }

  @Test
  void aDroppedRemainderGivesEveryTrainerTheSameNumberOfRecords() {
    for (int trainer = 0; trainer < 4; trainer++) {
      List<List<Long>> batches = IdRecords.batches(dataset(4, trainer, 2).batch(GLOBAL_BATCH, true));
      assertThat(batches).hasSize(2 * (RECORDS / GLOBAL_BATCH)).allSatisfy(
          batch -> assertThat(batch).hasSize(GLOBAL_BATCH / 4));
    }
  }

  /**
   * A state saved by trainer i of n after k batches, resumed with n' trainers: each of them
   * continues with the global batches after the k-th, and together they give what one trainer
   * would have had.
   */
  @Test
  void aStateResumesAtRandomStepsAlsoWithAnotherNumberOfTrainers() {
    List<List<Long>> single = IdRecords.batches(dataset(1, 0, 2));
    SplittableRandom random = new SplittableRandom(5);
    int[][] switches = {{1, 1}, {2, 2}, {2, 4}, {4, 1}, {8, 2}, {1, 8}};
    for (int[] change : switches) {
      int before = change[0];
      int after = change[1];
      int stopAfter = random.nextInt(single.size() + 1);
      PipelineState state;
      try (BatchIterator first = dataset(before, before - 1, 2).iterator()) {
        for (int i = 0; i < stopAfter && first.hasNext(); i++) {
          first.next().close();
        }
        state = PipelineState.fromBytes(first.state().toBytes());
      }
      assertThat(state.toBytes().length).as("a global shuffle's state").isLessThan(400);
      List<Set<Long>> union = new ArrayList<>();
      for (int trainer = 0; trainer < after; trainer++) {
        List<List<Long>> rest = new ArrayList<>();
        try (BatchIterator resumed = dataset(after, trainer, 1 + trainer % 2).iterator(state)) {
          while (resumed.hasNext()) {
            try (Batch batch = resumed.next()) {
              rest.add(IdRecords.ids(batch));
            }
          }
        }
        for (int step = 0; step < rest.size(); step++) {
          if (union.size() <= step) {
            union.add(new TreeSet<>());
          }
          union.get(step).addAll(rest.get(step));
        }
      }
      List<Set<Long>> expected = single.subList(stopAfter, single.size()).stream()
          .map(b -> (Set<Long>) new TreeSet<>(b)).toList();
      assertThat(union).as("%d trainers stopped after %d, resumed with %d", before, stopAfter,
          after).isEqualTo(expected);
    }
  }

  /**
   * A filter with a dropped remainder, as in tf.data: the rows the filter keeps are batched and
   * only their short last batch is dropped, not the records of the order's short last batch.
   */
  @Test
  void aFilterBatchesTheRowsItKeepsAndDropsOnlyTheirShortLastBatch() {
    Dataset filtered = Dataset.tfrecord(dir.toString())
        .parseExample(IdRecords.SPEC)
        .filter("not 7", row -> row.getLong("id", 0) != 7)
        .shuffleGlobal()
        .batch(GLOBAL_BATCH, true)
        .withOptions(PipelineOptions.defaults().withSeed(11));
    List<List<Long>> batches = IdRecords.batches(filtered);
    // 200 rows kept: 12 full batches of 16, and the 8 rows after them dropped.
    assertThat(batches).hasSize((RECORDS - 1) / GLOBAL_BATCH)
        .allSatisfy(batch -> assertThat(batch).hasSize(GLOBAL_BATCH).doesNotContain(7L));
    List<Long> order = IdRecords.ids(dataset(1, 0, 2).repeat(1).batch(RECORDS, false));
    List<Long> kept = order.stream().filter(id -> id != 7).limit(batches.size() * GLOBAL_BATCH)
        .toList();
    assertThat(batches.stream().flatMap(List::stream).toList()).isEqualTo(kept);
  }

  @Test
  void aWindowedShuffleIsAPermutationThatKeepsRecordsAmongTheirWindow() {
    Dataset windowed = Dataset.tfrecord(dir.toString())
        .parseExample(IdRecords.SPEC)
        .shuffleGlobal(50, true)
        .batch(10, false)
        .withOptions(PipelineOptions.defaults().withSeed(3));
    List<List<Long>> batches = IdRecords.batches(windowed);
    List<Long> ids = batches.stream().flatMap(List::stream).collect(Collectors.toList());
    assertThat(new HashSet<>(ids)).hasSize(RECORDS);
    assertThat(ids).isNotEqualTo(ids.stream().sorted().toList());
    // Each window's records (ids 0-49, 50-99, ..., 200) come out together, in one run of places.
    int runs = 1;
    for (int place = 1; place < RECORDS; place++) {
      runs += ids.get(place) / 50 != ids.get(place - 1) / 50 ? 1 : 0;
    }
    assertThat(runs).isEqualTo(5);
  }

  @Test
  void aMissingIndexIsRefusedNamingTheCommandOrBuiltWhenAskedTo() throws IOException {
    Path shard = dir.resolve("part-00002-of-00005.tfrecord");
    Files.delete(RecordIndex.sidecarOf(shard));
    // Refused by iterator(), before any thread starts.
    assertThatThrownBy(() -> dataset(1, 0, 1).iterator())
        .hasMessageContaining(shard.getFileName().toString())
        .hasMessageContaining("ingest index");
    List<Long> built = IdRecords.ids(dataset(1, 0, 1).missingIndex(MissingIndex.BUILD));
    assertThat(Files.exists(RecordIndex.sidecarOf(shard))).isTrue();
    // The order is the same whether the index was built on the way or beforehand.
    assertThat(IdRecords.ids(dataset(1, 0, 2))).isEqualTo(built);
  }

  @Test
  void aGlobalShuffleRefusesWhatItCannotKeepItsPromisesWith() {
    Dataset base = Dataset.tfrecord(dir.toString()).parseExample(IdRecords.SPEC);
    assertThatThrownBy(() -> base.shard(3, 0).shuffleGlobal().batch(16, false).spec())
        .hasMessageContaining("not a multiple of 3");
    assertThatThrownBy(() -> base.shuffleGlobal().cache().batch(16, false).spec())
        .hasMessageContaining("takes no cache");
    assertThatThrownBy(() -> base.shard(2, 0).filter("odd", row -> row.getLong("id", 0) % 2 == 1)
        .shuffleGlobal().batch(16, false).spec())
        .hasMessageContaining("filter");
    assertThatThrownBy(() -> base.missingIndex(MissingIndex.BUILD).batch(16, false).spec())
        .hasMessageContaining("only a global shuffle");
  }
}
