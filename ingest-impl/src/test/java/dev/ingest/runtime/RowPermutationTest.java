package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.Dataset;
import dev.ingest.PipelineOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code shuffle} listed after a cache of rows: each epoch a seeded permutation of all cached
 * rows. Every row once per epoch, a new order each epoch (or the same one without reshuffling),
 * the same order at any thread count; and, unlike a buffer, uniform over positions and blind to
 * where a record sat on disk.
 */
class RowPermutationTest {
  @TempDir static Path dir;
  static Path many;
  static int total;
  static Path twenty;

  @BeforeAll
  static void write() throws IOException {
    many = dir.resolve("many");
    total = IdRecords.write(many, 40, 75, 3, 120, 0, 62);
    twenty = dir.resolve("twenty");
    IdRecords.write(twenty, 8, 12);
  }

  @AfterEach
  void noPipelineThreadOutlivesItsTest() throws InterruptedException {
    assertThat(IdRecords.ingestThreadsAliveAfter(10_000)).isEmpty();
  }

  /** The files, parsed, cached, then permuted each epoch. */
  private static Dataset permuted(Path files, int threads, long seed, boolean reshuffle) {
    return Dataset.tfrecord(files.toString())
        .interleave(2, 3)
        .parseExample(IdRecords.SPEC)
        .cache()
        .shuffle(16, reshuffle)
        .batch(16, false)
        .repeat(4)
        .withOptions(PipelineOptions.defaults().withThreads(threads).withSeed(seed));
  }

  @Test
  void everyEpochIsANewPermutationOfAllRowsAtAnyThreadCount() {
    Dataset dataset = permuted(many, 1, 3, true);
    assertThat(dataset.spec().permutesCachedRows()).isTrue();
    List<Long> oneThread = IdRecords.ids(dataset);
    List<List<Long>> epochs = IdRecords.epochs(oneThread, total);
    assertThat(epochs).hasSize(4);
    for (List<Long> epoch : epochs) {
      assertThat(epoch).containsExactlyInAnyOrderElementsOf(IdRecords.range(total));
    }
    for (int epoch = 1; epoch < epochs.size(); epoch++) {
      assertThat(epochs.get(epoch)).as("epoch %s against epoch %s", epoch, epoch - 1)
          .isNotEqualTo(epochs.get(epoch - 1));
    }
    assertThat(epochs.get(0)).isNotEqualTo(IdRecords.range(total));
    // The same seed gives the same orders: at two threads, and in another run.
    assertThat(IdRecords.ids(permuted(many, 2, 3, true))).isEqualTo(oneThread);
    assertThat(IdRecords.ids(permuted(many, 1, 3, true))).isEqualTo(oneThread);
    // Another seed, other orders.
    assertThat(IdRecords.ids(permuted(many, 1, 4, true))).isNotEqualTo(oneThread);
  }

  @Test
  void withoutReshufflingEveryEpochHasTheFirstEpochsOrder() {
    List<List<Long>> epochs = IdRecords.epochs(IdRecords.ids(permuted(many, 2, 9, false)), total);
    assertThat(epochs.get(0)).containsExactlyInAnyOrderElementsOf(IdRecords.range(total))
        .isNotEqualTo(IdRecords.range(total));
    for (List<Long> epoch : epochs) {
      assertThat(epoch).isEqualTo(epochs.get(0));
    }
  }

  /*
   * The chi-squared test of ShuffleTest (the buffer shuffle holding the whole dataset): each of
   * 20 records' output positions over SEEDS runs. Every permutation equally likely makes each
   * statistic follow chi-squared with 19 degrees of freedom; CRITICAL is its 1 - 1e-4 quantile
   * and the sum over the 20 records stays within 6 deviations of its mean, 380.
   */
  private static final int RECORDS = 20;
  private static final int SEEDS = 400;
  private static final double CRITICAL = 51.2;
  private static final double TOTAL_MEAN = (RECORDS - 1) * RECORDS;
  private static final double TOTAL_DEVIATION = Math.sqrt(2 * TOTAL_MEAN);

  @Test
  void everyRecordLandsInEveryPositionEquallyOften() {
    long[][] counts = new long[RECORDS][RECORDS];
    for (int seed = 0; seed < SEEDS; seed++) {
      Dataset dataset = Dataset.tfrecord(twenty.toString()).parseExample(IdRecords.SPEC).cache()
          .shuffle(1).batch(RECORDS, false)
          .withOptions(PipelineOptions.defaults().withThreads(1).withSeed(seed));
      List<Long> ids = IdRecords.ids(dataset);
      assertThat(ids).containsExactlyInAnyOrderElementsOf(IdRecords.range(RECORDS));
      for (int position = 0; position < RECORDS; position++) {
        counts[(int) (long) ids.get(position)][position]++;
      }
    }
    double expected = (double) SEEDS / RECORDS;
    double sum = 0;
    double[] meanPosition = new double[RECORDS];
    for (int record = 0; record < RECORDS; record++) {
      double statistic = 0;
      for (int position = 0; position < RECORDS; position++) {
        double difference = counts[record][position] - expected;
        statistic += difference * difference / expected;
        meanPosition[record] += (double) position * counts[record][position] / SEEDS;
      }
      assertThat(statistic).as("chi-squared of record %s's position", record)
          .isLessThan(CRITICAL);
      sum += statistic;
    }
    System.out.printf("row permutation uniformity: sum of chi-squared %.1f (expected about %.0f)%n",
        sum, TOTAL_MEAN);
    assertThat(sum).isBetween(TOTAL_MEAN - 6 * TOTAL_DEVIATION, TOTAL_MEAN + 6 * TOTAL_DEVIATION);
    // Mean position 9.5 for every record; its standard error over 400 runs is 5.77 / 20 = 0.29.
    for (int record = 0; record < RECORDS; record++) {
      assertThat(meanPosition[record]).as("mean position of record %s", record)
          .isBetween(9.5 - 6 * 0.29, 9.5 + 6 * 0.29);
    }
  }

  /*
   * Records next to each other on disk (ids i and i + 1 in one file) should not come out next to
   * each other. In a uniform permutation of n rows a given pair is adjacent with probability 2/n,
   * so of the P pairs about 2P/n are, per epoch: a Poisson count. A buffer of 16 lets a record
   * out at most a few buffers from where it went in, so neighbours on disk stay near each other
   * and a fair share of them adjacent. Both run over the same files, interleave and epochs.
   */
  @Test
  void recordsNextToEachOtherOnDiskAreNotNextToEachOtherInBatches() {
    int epochs = 4;
    long pairsPerEpoch = diskNeighbourPairs();
    double expected = epochs * 2.0 * pairsPerEpoch / total;
    double bound = expected + 6 * Math.sqrt(expected);

    long permutedAdjacent = adjacentDiskNeighbours(IdRecords.ids(permuted(many, 2, 7, true)));
    Dataset buffered = Dataset.tfrecord(many.toString()).interleave(2, 3)
        .parseExample(IdRecords.SPEC).shuffle(16).batch(16, false).repeat(epochs)
        .withOptions(PipelineOptions.defaults().withThreads(2).withSeed(7));
    assertThat(buffered.spec().permutesCachedRows()).isFalse();
    long bufferAdjacent = adjacentDiskNeighbours(IdRecords.ids(buffered));
    System.out.printf("disk neighbours adjacent in batches over %s epochs of %s pairs:"
        + " permutation %s (expected %.1f), shuffle buffer of 16 %s%n", epochs, pairsPerEpoch,
        permutedAdjacent, expected, bufferAdjacent);
    assertThat((double) permutedAdjacent).isLessThan(bound);
    // The same test fails the buffer shuffle.
    assertThat((double) bufferAdjacent).isGreaterThan(bound);
  }

  /** Pairs of records next to each other in one file of {@code many} (40, 75, 3, 120, 0, 62). */
  private static long diskNeighbourPairs() {
    return (40 - 1) + (75 - 1) + (3 - 1) + (120 - 1) + (62 - 1);
  }

  /**
   * Of the records next to each other in one file, the pairs that are next to each other in the
   * output stream, in either order, within an epoch.
   */
  private static long adjacentDiskNeighbours(List<Long> ids) {
    long[] fileStarts = {0, 40, 115, 118, 238, 238, 300};
    long adjacent = 0;
    for (List<Long> epoch : IdRecords.epochs(ids, total)) {
      for (int position = 1; position < epoch.size(); position++) {
        long a = Math.min(epoch.get(position - 1), epoch.get(position));
        long b = Math.max(epoch.get(position - 1), epoch.get(position));
        if (b == a + 1 && sameFile(b, fileStarts)) {
          adjacent++;
        }
      }
    }
    return adjacent;
  }

  /** Whether ids {@code b - 1} and {@code b} are in one file: {@code b} does not start one. */
  private static boolean sameFile(long b, long[] fileStarts) {
    for (long start : fileStarts) {
      if (b == start) {
        return false;
      }
    }
    return true;
  }
}
