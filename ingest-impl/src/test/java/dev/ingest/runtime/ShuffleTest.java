package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.Dataset;
import dev.ingest.PipelineOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shuffle buffer: a permutation every epoch, a uniform one when it holds the dataset, and
 * tf.data's distribution of positions when it is smaller (so a full buffer evicts uniformly).
 */
class ShuffleTest {
  @TempDir static Path dir;
  static int total;
  static Path twenty;
  static Path forty;

  @BeforeAll
  static void write() throws IOException {
    total = IdRecords.write(dir.resolve("many"), 40, 75, 3, 120);
    twenty = dir.resolve("twenty");
    IdRecords.write(twenty, 8, 12);
    forty = dir.resolve("forty");
    IdRecords.write(forty, EVICTED_RECORDS);
  }

  @ParameterizedTest(name = "buffer {0}")
  @ValueSource(ints = {1, 7, 100, 10_000})
  void everyRecordExactlyOncePerEpoch(int bufferSize) {
    for (int threads : new int[] {1, 3}) {
      Dataset dataset = Dataset.tfrecord(dir.resolve("many").toString())
          .parseExample(IdRecords.SPEC)
          .interleave(2, 3)
          .shuffle(bufferSize)
          .batch(16, false)
          .repeat(3)
          .withOptions(PipelineOptions.defaults().withThreads(threads).withSeed(bufferSize));
      for (List<Long> epoch : IdRecords.epochs(IdRecords.ids(dataset), total)) {
        assertThat(epoch).containsExactlyInAnyOrderElementsOf(IdRecords.range(total));
      }
    }
  }

  /*
   * Chi-squared test of the output position of each of 20 records over SEEDS runs (a fixed set
   * of seeds, so the result never changes between runs). With a buffer that holds the whole
   * dataset every permutation is equally likely, so each record lands in each of the 20
   * positions SEEDS / 20 times on average, and its statistic follows chi-squared with 19 degrees
   * of freedom. CRITICAL is its 1 - 1e-4 quantile; the sum over the 20 records (not independent,
   * but close) has mean 380 and a standard deviation of about 27.6, and TOTAL_CRITICAL is that
   * mean plus 6 deviations. Without a shuffle (or with a buffer of 1) every record is always in
   * one position and the statistic is 19 * SEEDS, two orders of magnitude above.
   */
  private static final int RECORDS = 20;
  private static final int SEEDS = 400;
  private static final double CRITICAL = 51.2; // chi2(19) at p = 1e-4: 51.18
  private static final double TOTAL_CRITICAL = 380 + 6 * Math.sqrt(2 * 380);

  @Test
  void aBufferHoldingTheDatasetGivesEveryRecordAUniformPosition() {
    double[] statistics = positionChiSquared(RECORDS);
    double sum = 0;
    for (int record = 0; record < RECORDS; record++) {
      assertThat(statistics[record]).as("chi-squared of record %s's position", record)
          .isLessThan(CRITICAL);
      sum += statistics[record];
    }
    System.out.printf("shuffle uniformity: sum of chi-squared %.1f (expected about 380)%n", sum);
    assertThat(sum).isLessThan(TOTAL_CRITICAL);
    // Also a sign it is not too uniform (a fixed rotation by seed would give nearly 0).
    assertThat(sum).isGreaterThan(380 - 6 * Math.sqrt(2 * 380));
  }

  @Test
  void theTestRejectsABufferOfOne() {
    double[] statistics = positionChiSquared(1);
    for (double statistic : statistics) {
      assertThat(statistic).isGreaterThan(CRITICAL);
    }
  }

  /** Per record, the chi-squared statistic of its output positions over {@link #SEEDS} seeds. */
  private static double[] positionChiSquared(int bufferSize) {
    long[][] counts = new long[RECORDS][RECORDS];
    Dataset dataset = Dataset.tfrecord(twenty.toString())
        .parseExample(IdRecords.SPEC)
        .shuffle(bufferSize)
        .batch(RECORDS, false);
    for (int seed = 0; seed < SEEDS; seed++) {
      List<Long> ids = IdRecords.ids(
          dataset.withOptions(PipelineOptions.defaults().withThreads(1).withSeed(seed)));
      assertThat(ids).containsExactlyInAnyOrderElementsOf(IdRecords.range(RECORDS));
      for (int position = 0; position < RECORDS; position++) {
        counts[(int) (long) ids.get(position)][position]++;
      }
    }
    double expected = (double) SEEDS / RECORDS;
    double[] statistics = new double[RECORDS];
    for (int record = 0; record < RECORDS; record++) {
      for (int position = 0; position < RECORDS; position++) {
        double difference = counts[record][position] - expected;
        statistics[record] += difference * difference / expected;
      }
    }
    return statistics;
  }

  /*
   * A buffer of EVICTION_BUFFER slots over EVICTED_RECORDS records read in order: once full, each
   * record read evicts one of the EVICTION_BUFFER held, uniformly, and at the end the rest come
   * out in uniform order. Each held record is evicted at each step with probability 1/B whatever
   * happened before, so record r, which can first be evicted at step e(r) = max(0, r - B + 1),
   * comes out at step k in [e(r), N - B) with probability (1 - 1/B)^(k - e(r)) / B, and in each of
   * the last B positions with probability (1 - 1/B)^(N - B - e(r)) / B. Over SEEDS runs each
   * record's positions are compared with that distribution by a chi-squared test (positions
   * pooled until each cell expects at least 5). A buffer that always evicts the same slot sends
   * every record read after the fill out at the next step, which this distribution gives
   * probability 1/B, and fails by orders of magnitude.
   */
  private static final int EVICTED_RECORDS = 40;
  private static final int EVICTION_BUFFER = 8;

  @Test
  void aFullBufferEvictsUniformlySoPositionsFollowTfDataDistribution() {
    int n = EVICTED_RECORDS;
    int b = EVICTION_BUFFER;
    long[][] counts = new long[n][n];
    Dataset dataset = Dataset.tfrecord(forty.toString())
        .shuffleFiles(false)
        .parseExample(IdRecords.SPEC)
        .shuffle(b)
        .batch(n, false);
    for (int seed = 0; seed < SEEDS; seed++) {
      List<Long> ids = IdRecords.ids(
          dataset.withOptions(PipelineOptions.defaults().withThreads(1).withSeed(seed)));
      assertThat(ids).containsExactlyInAnyOrderElementsOf(IdRecords.range(n));
      for (int position = 0; position < n; position++) {
        counts[(int) (long) ids.get(position)][position]++;
      }
    }
    double statisticSum = 0;
    int degreesSum = 0;
    for (int record = 0; record < n; record++) {
      double[] probabilities = evictionPositionProbabilities(n, b, record);
      PooledChiSquared test = PooledChiSquared.of(counts[record], probabilities, SEEDS);
      assertThat(test.impossibleCount())
          .as("runs where record %d came out where tf.data never puts it", record).isZero();
      assertThat(test.statistic())
          .as("chi-squared of record %d's position (%d degrees of freedom)", record,
              test.degrees())
          .isLessThan(ChiSquared.quantile(test.degrees(), 1e-6));
      statisticSum += test.statistic();
      degreesSum += test.degrees();
    }
    // The records' statistics are not independent (a run puts one record per position), so the
    // sum is held to its mean plus six deviations of a chi-squared with the summed degrees.
    assertThat(statisticSum).isLessThan(degreesSum + 6 * Math.sqrt(2.0 * degreesSum));
  }

  @Test
  void theEvictionTestRejectsAFixedOrder() {
    // The statistic the test above bounds, for records that never move: far above the bound.
    long[] unmoved = new long[EVICTED_RECORDS];
    unmoved[20] = SEEDS;
    PooledChiSquared test = PooledChiSquared.of(unmoved,
        evictionPositionProbabilities(EVICTED_RECORDS, EVICTION_BUFFER, 20), SEEDS);
    assertThat(test.statistic()).isGreaterThan(ChiSquared.quantile(test.degrees(), 1e-6));
  }

  /** tf.data's probability that record {@code record} of {@code n} comes out at each position. */
  static double[] evictionPositionProbabilities(int n, int b, int record) {
    double stay = 1 - 1.0 / b;
    int firstStep = Math.max(0, record - b + 1);
    double[] probabilities = new double[n];
    for (int step = firstStep; step < n - b; step++) {
      probabilities[step] = Math.pow(stay, step - firstStep) / b;
    }
    double left = Math.pow(stay, n - b - firstStep);
    for (int position = n - b; position < n; position++) {
      probabilities[position] = left / b;
    }
    return probabilities;
  }

  /**
   * Pearson's statistic of observed counts against a distribution, over cells pooled in order
   * until each expects at least 5 (the usual condition for the chi-squared approximation).
   */
  record PooledChiSquared(double statistic, int degrees, long impossibleCount) {
    static PooledChiSquared of(long[] observed, double[] probabilities, long trials) {
      double statistic = 0;
      int cells = 0;
      long impossible = 0;
      double expected = 0;
      long seen = 0;
      double lastExpected = 0;
      long lastSeen = 0;
      for (int i = 0; i < observed.length; i++) {
        if (probabilities[i] == 0) {
          impossible += observed[i];
          continue;
        }
        expected += probabilities[i] * trials;
        seen += observed[i];
        if (expected >= 5) {
          statistic += (seen - expected) * (seen - expected) / expected;
          cells++;
          lastExpected = expected;
          lastSeen = seen;
          expected = 0;
          seen = 0;
        }
      }
      if (expected > 0) {
        // The tail expects too little on its own: fold it into the last cell.
        statistic -= (lastSeen - lastExpected) * (lastSeen - lastExpected) / lastExpected;
        lastExpected += expected;
        lastSeen += seen;
        statistic += (lastSeen - lastExpected) * (lastSeen - lastExpected) / lastExpected;
      }
      return new PooledChiSquared(statistic, cells - 1, impossible);
    }
  }
}
