package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.Dataset;
import dev.ingest.PipelineOptions;
import dev.ingest.PipelineSpec.ShardBy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Randomness comes from (seed, epoch, position) only: the thread count never changes a batch. */
class DeterminismTest {
  @TempDir static Path dir;
  static int total;

  @BeforeAll
  static void write() throws IOException {
    total = IdRecords.write(dir, 97, 130, 64, 211, 150);
  }

  static Dataset base() {
    return Dataset.tfrecord(dir.toString()).parseExample(IdRecords.SPEC).batch(32, false);
  }

  static Stream<Arguments> pipelines() {
    return Stream.of(
        Arguments.of("plain", (UnaryOperator<Dataset>) d -> d),
        Arguments.of("shuffle", (UnaryOperator<Dataset>) d -> d.shuffle(100)),
        Arguments.of("interleave", (UnaryOperator<Dataset>) d -> d.interleave(3, 5).shuffle(50)),
        Arguments.of("repeat", (UnaryOperator<Dataset>) d -> d.shuffle(200).repeat(3)),
        Arguments.of("shard by record",
            (UnaryOperator<Dataset>) d -> d.shard(3, 1, ShardBy.RECORD).shuffle(64).repeat(2)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pipelines")
  void sameSeedSameDigestsAtOneTwoAndFourThreads(String name, UnaryOperator<Dataset> stages) {
    Dataset dataset = stages.apply(base());
    List<String> one = IdRecords.digests(dataset.withOptions(options(1, 9)));
    List<String> two = IdRecords.digests(dataset.withOptions(options(2, 9)));
    List<String> four = IdRecords.digests(dataset.withOptions(options(4, 9)));
    assertThat(one).isNotEmpty();
    assertThat(two).isEqualTo(one);
    assertThat(four).isEqualTo(one);
    // And the run is reproducible, not just equal by luck of scheduling once.
    assertThat(IdRecords.digests(dataset.withOptions(options(4, 9)))).isEqualTo(one);
  }

  @Test
  void differentSeedsGiveDifferentOrders() {
    Dataset dataset = base().shuffle(100);
    List<Long> seed1 = IdRecords.ids(dataset.withOptions(options(2, 1)));
    List<Long> seed2 = IdRecords.ids(dataset.withOptions(options(2, 2)));
    assertThat(seed1).containsExactlyInAnyOrderElementsOf(seed2);
    assertThat(seed1).isNotEqualTo(seed2);
    assertThat(IdRecords.digests(dataset.withOptions(options(2, 1))))
        .isNotEqualTo(IdRecords.digests(dataset.withOptions(options(2, 2))));
  }

  @Test
  void reshuffleEachIterationGivesEveryEpochItsOwnOrder() {
    Dataset dataset = base().shuffleFiles(false).shuffle(150, true).repeat(3)
        .withOptions(options(2, 5));
    List<List<Long>> epochs = IdRecords.epochs(IdRecords.ids(dataset), total);
    for (List<Long> epoch : epochs) {
      assertThat(epoch).containsExactlyInAnyOrderElementsOf(IdRecords.range(total));
    }
    assertThat(new HashSet<>(epochs)).as("three distinct epoch orders").hasSize(3);
  }

  @Test
  void withoutReshuffleEveryEpochHasTheSameOrder() {
    Dataset dataset = base().shuffleFiles(false).shuffle(150, false).repeat(3)
        .withOptions(options(2, 5));
    List<List<Long>> epochs = IdRecords.epochs(IdRecords.ids(dataset), total);
    assertThat(epochs.get(0)).containsExactlyInAnyOrderElementsOf(IdRecords.range(total));
    assertThat(epochs.get(0)).as("the order is shuffled at all")
        .isNotEqualTo(IdRecords.range(total));
    assertThat(epochs.get(1)).isEqualTo(epochs.get(0));
    assertThat(epochs.get(2)).isEqualTo(epochs.get(0));
  }

  @Test
  void shuffledFileOrderChangesEveryEpochEvenWithoutRecordReshuffle() {
    // shuffle_files is its own per-epoch shuffle (tf.data's list_files(shuffle=True)).
    Dataset dataset = base().interleave(1, 1).shuffleFiles(true).repeat(4)
        .withOptions(options(1, 5));
    List<List<Long>> epochs = IdRecords.epochs(IdRecords.ids(dataset), total);
    for (List<Long> epoch : epochs) {
      assertThat(epoch).containsExactlyInAnyOrderElementsOf(IdRecords.range(total));
    }
    assertThat(new HashSet<>(epochs)).hasSizeGreaterThan(1);
  }

  static PipelineOptions options(int threads, long seed) {
    return PipelineOptions.defaults().withThreads(threads).withSeed(seed);
  }
}
